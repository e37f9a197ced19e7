#!/bin/sh
# DocBook: `ismsc build --format docbook` writes OUT/isms.xml for each golden
# case tests/docbook/NAME (a source tree src/ and the exact expected.xml) and
# for samples/. Every book is compared (golden cases), validated against the
# DocBook 5.0 RELAX NG schema with xmllint and with jing, turned into HTML by
# xsltproc with docbook-xsl-ns, and read by pandoc. A missing tool is a
# failure, not a skip: `make deps` installs them.
#   tests/docbook.sh [--regen] BIN
set -u
regen=0
if [ "${1:-}" = "--regen" ]; then regen=1; shift; fi
bin=${1:?usage: docbook.sh [--regen] BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
rng=/usr/share/xml/docbook/schema/rng/5.0/docbook.rng
xsl=/usr/share/xml/docbook/stylesheet/docbook-xsl-ns/html/docbook.xsl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
ok() { pass=$((pass + 1)); }
no() { echo "FAIL $1"; fail=$((fail + 1)); }

# The tools, or the Debian package that provides each.
missing=""
for t in xmllint:libxml2-utils jing:jing xsltproc:xsltproc pandoc:pandoc; do
	command -v "${t%%:*}" > /dev/null 2>&1 || missing="$missing ${t#*:}"
done
[ -f "$rng" ] || missing="$missing docbook5-xml"
[ -f "$xsl" ] || missing="$missing docbook-xsl-ns"
if [ -n "$missing" ]; then
	echo "docbook: FAILED: missing Debian packages:$missing (make deps installs them)" >&2
	exit 1
fi

# validate NAME FILE: both validators accept FILE.
validate() {
	if xmllint --noout --nonet --relaxng "$rng" "$2" > "$work/log" 2>&1; then ok
	else no "$1: xmllint --relaxng"; sed -n '1,10p' "$work/log"; fi
	# jing's Debian wrapper warns about optional jars on stderr: errors go to stdout
	if jing "$rng" "$2" > "$work/log" 2> /dev/null; then ok
	else no "$1: jing"; sed -n '1,10p' "$work/log"; fi
}

# consume NAME FILE: docbook-xsl-ns makes HTML of it without an error, and
# pandoc reads it.
consume() {
	if xsltproc --nonet -o "$work/book.html" "$xsl" "$2" > "$work/log" 2>&1 &&
	    ! grep -qi error "$work/log" && [ -s "$work/book.html" ]; then ok
	else no "$1: xsltproc with docbook-xsl-ns"; sed -n '1,10p' "$work/log"; fi
	if pandoc -f docbook -t html -o "$work/pandoc.html" "$2" > "$work/log" 2>&1 &&
	    [ -s "$work/pandoc.html" ]; then ok
	else no "$1: pandoc -f docbook"; sed -n '1,10p' "$work/log"; fi
}

build() {
	rm -rf "$2"
	"$bin" build "$1" -o "$2" --format docbook --as-of 2026-11-01 --quiet > "$work/log" 2>&1
}

for case in "$here"/docbook/*/; do
	case=${case%/}
	name=$(basename "$case")
	[ -d "$case/src" ] || continue
	out=$work/out-$name
	if ! build "$case/src" "$out"; then no "$name: build failed"; sed -n '1,10p' "$work/log"; continue; fi
	if [ ! -f "$out/isms.xml" ]; then no "$name: no isms.xml"; continue; fi
	if [ "$(cd "$out" && ls)" != "isms.xml" ]; then no "$name: --format docbook wrote more than isms.xml"; fi
	if [ $regen = 1 ]; then
		cp "$out/isms.xml" "$case/expected.xml"
	elif cmp -s "$case/expected.xml" "$out/isms.xml"; then ok
	else no "$name: isms.xml differs from expected.xml"; diff -u "$case/expected.xml" "$out/isms.xml" | sed -n '1,40p'; fi
	validate "$name" "$out/isms.xml"
	consume "$name" "$out/isms.xml"
done
[ $regen = 1 ] && { echo "docbook: expected.xml files rewritten; review git diff"; exit 0; }

# The sample: valid, read by both consumers, and the same bytes twice.
if build "$top/samples" "$work/sample1" && build "$top/samples" "$work/sample2"; then
	validate samples "$work/sample1/isms.xml"
	consume samples "$work/sample1/isms.xml"
	if cmp -s "$work/sample1/isms.xml" "$work/sample2/isms.xml"; then ok
	else no "samples: two builds differ"; fi
else
	no "samples: build failed"; sed -n '1,10p' "$work/log"
fi

# A project on the ISO/IEC 27001:2013 catalogue: valid and readable too, its
# SoA in one section per 2013 control section.
if build "$here/migrate/basic/src" "$work/c13"; then
	validate catalog-2013 "$work/c13/isms.xml"
	consume catalog-2013 "$work/c13/isms.xml"
	if [ "$(grep -c '<title>A\.[0-9]* [A-Z]' "$work/c13/isms.xml")" = 14 ] &&
	    grep -q '<title>A.14 System acquisition, development and maintenance</title>' "$work/c13/isms.xml"; then ok
	else no "catalog-2013: not 14 SoA sections titled by the catalogue"; fi
else
	no "catalog-2013: build failed"; sed -n '1,10p' "$work/log"
fi

# A risk methodology of its own (labels, a matrix, four levels): still valid,
# the levels and labels in the risk chapter.
if build "$here/build/method/src" "$work/method"; then
	validate method "$work/method/isms.xml"
	if grep -q '<para>critical: any higher score</para>' "$work/method/isms.xml" &&
	    grep -q '<para>Almost certain</para>' "$work/method/isms.xml" &&
	    grep -q '14 (3 × 4, critical)' "$work/method/isms.xml"; then ok
	else no "method: levels, labels or matrix scores missing from the risk chapter"; fi
else
	no "method: build failed"; sed -n '1,10p' "$work/log"
fi

# Links with a title, to a page, an entity and the web: DocBook 5.0 takes
# xlink:title beside xlink:href only, not beside linkend.
mkdir -p "$work/titled"
printf 'name: T\nas_of: 2026-06-30\nrules: {soa-missing: off, mandatory-docs: off}\n' > "$work/titled/isms.yaml"
printf 'x\n' > "$work/titled/b.md"
printf -- '---\nid: P-1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n[x](b.md "T") [me](p.md "Me") [e](https://example.org "E")\n' \
  > "$work/titled/p.md"
if build "$work/titled" "$work/titledout"; then
	validate titled-links "$work/titledout/isms.xml"
else
	no "titled links: build failed"; sed -n '1,10p' "$work/log"
fi

echo "docbook ($bin): $pass passed, $fail failed"
[ $fail = 0 ]
