#!/bin/bash
# ismsc build: golden pages and CSV, a link check of the built sites,
# determinism, atomicity, refusal of folders it may not replace, publish:
# exclusion and hostile content.
#   tests/build.sh [--regen] BIN
set -u
regen=0
[ "${1:-}" = --regen ] && { regen=1; shift; }
bin=${1:?usage: build.sh [--regen] BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
tool="python3 $here/build/tool.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
ok() { pass=$((pass + 1)); }
no() { echo "FAIL $1"; fail=$((fail + 1)); }
build() { "$bin" build "$@" --as-of 2026-11-01 --quiet > "$work/stdout" 2> "$work/stderr"; }
listing() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 md5sum); }

# 1. Golden: chosen pages (their <main>) and the CSV files, exactly.
for case in "$here"/build/*/; do
	name=$(basename "$case")
	[ -d "$case/src" ] || continue
	out=$work/golden-$name
	if ! build "$case/src" -o "$out"; then no "golden $name: build failed"; cat "$work/stderr"; continue; fi
	if [ $regen = 1 ]; then
		while read -r f; do
			mkdir -p "$(dirname "$case/expected/$f")"
			case "$f" in *.html) $tool main "$out/$f" > "$case/expected/$f" ;; *) cp "$out/$f" "$case/expected/$f" ;; esac
		done < "$case/files"
	fi
	while read -r f; do
		exp=$case/expected/$f
		if [ ! -f "$out/$f" ]; then no "golden $name: $f not written"; continue; fi
		case "$f" in
		*.html) got=$($tool main "$out/$f") ;;
		*) got=$(cat "$out/$f") ;;
		esac
		if [ "$got" = "$(cat "$exp")" ]; then ok; else no "golden $name: $f differs"; diff <(echo "$got") "$exp" | head -20; fi
	done < "$case/files"
done

# 2. Every relative link of the built sites resolves; nothing unsafe is live.
for src in "$here/build/kinds/src" "$top/samples"; do
	out=$work/links-$(basename "$(dirname "$src")")-$(basename "$src")
	if build "$src" -o "$out" && $tool links "$out"; then ok; else no "links of $src"; fi
done

# 3. Determinism: two builds of the sample, byte for byte.
build "$top/samples" -o "$work/det1" && build "$top/samples" -o "$work/det2"
if diff -r "$work/det1" "$work/det2" > /dev/null; then ok; else no "two builds of samples differ"; diff -r "$work/det1" "$work/det2" | head; fi

# 3b. The sample's documented information: every item held; 9.1 and 10.2 point at the
# records that hold them (measured objectives, findings acted on) beside the procedures
# whose clauses hold them, not at those procedures' kind.
page=$work/det1/documented-information.html
row() { sed -n "/data-clause=\"$1\"/,/<\/tr>/p" "$page"; }
if [ "$(grep -c 'class="is-found"' "$page")" = 14 ] &&
   row 9.1 | grep -q 'href="objective/index.html"' && row 9.1 | grep -q 'href="procedure/PRO-010.html"' &&
   row 10.2 | grep -q 'href="finding/index.html"' && ! row 10.2 | grep -q 'href="procedure/index.html"'; then ok
else no "samples: documented-information.html rows"; fi

# 3c. The home page's scope and policy, and the book's preface, are the documents that
# hold 4.3 and 5.2 (POL-001, POL-002), not the audit whose clauses list them as audited
# (audits/ sorts first).
home=$work/det1/index.html
sect() { sed -n "/<section id=\"$1\"/,/<\/section>/p" "$home"; }
if sect scope | grep -q 'href="policy/POL-001.html"' && sect policy | grep -q 'href="policy/POL-002.html"' &&
   ! sect scope | grep -q 'AUD-' && ! sect policy | grep -q 'AUD-' &&
   grep -q '<preface xml:id="POL-001"' "$work/det1/isms.xml"; then ok
else no "samples: index.html scope and policy, isms.xml preface"; fi

# ... and of the documents that hold a clause, the approved one stands before a retired one
# that sorts first (and the book's preface is the same).
mkdir -p "$work/fit/p"
printf 'name: T\nas_of: 2026-06-30\nrules: {soa-missing: off, mandatory-docs: off}\n' > "$work/fit/isms.yaml"
printf -- '---\nid: POL-OLD\nkind: policy\ntitle: Old\nowner: O\nstatus: retired\nclauses: ["5.2", "4.3"]\n---\n' > "$work/fit/p/0-old.md"
printf -- '---\nid: POL-NEW\nkind: policy\ntitle: New\nowner: O\nstatus: approved\napproved_by: B\napproved_on: 2026-01-01\nclauses: ["5.2", "4.3"]\n---\n' > "$work/fit/p/new.md"
home=$work/fitout/index.html
if build "$work/fit" -o "$work/fitout" && sect policy | grep -q 'POL-NEW' && ! sect policy | grep -q 'POL-OLD' &&
   sect scope | grep -q 'POL-NEW' && grep -q '<preface xml:id="POL-NEW"' "$work/fitout/isms.xml"; then ok
else no "index.html: an approved policy before a retired one"; fi

# 3c'. A #heading link in the scope's body leads to that heading on the home page too,
# where the headings' ids begin with scope-.
cp -r "$top/samples" "$work/anchor"
printf '\nSee [the context](#2-the-organisation-in-context).\n' >> "$work/anchor/policies/isms-scope.md"
if build "$work/anchor" -o "$work/anchorout" &&
   grep -q 'href="#scope-2-the-organisation-in-context">the context' "$work/anchorout/index.html" &&
   grep -q 'id="scope-2-the-organisation-in-context"' "$work/anchorout/index.html" &&
   grep -q 'href="#2-the-organisation-in-context">the context' "$work/anchorout/policy/POL-001.html"; then ok
else no "index.html: a #heading link in the scope's body"; fi

# 3d. Referred to by, both ways: a plain page's [[A.5.2]] and an own control's annex:
# [A.5.1] are listed on the pages of A.5.2 and A.5.1, in isms.json and in the book.
cp -r "$top/samples" "$work/refs"
printf '# Notes\n\nSee [[A.5.2]] and again [[A.5.2]].\n' > "$work/refs/notes.md"
printf -- '---\nid: OWN-ANNEX\nkind: control\ntitle: Own\napplicable: true\nimplementation: planned\njustification: x\nowner: CISO\nannex: [A.5.1]\n---\n' \
  > "$work/refs/controls/own-annex.md"
referrers() { sed -n '/class="referrers"/,/<\/section>/p' "$work/refsout/control/$1.html"; }
if build "$work/refs" -o "$work/refsout" &&
   [ "$(referrers A.5.2 | grep -o 'href="../pages/notes.html"' | wc -l)" = 1 ] &&
   referrers A.5.1 | grep -q 'href="../control/OWN-ANNEX.html"' &&
   python3 - "$work/refsout" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1] + "/isms.json"))
by = {e["id"]: e for e in d["entities"]}
assert {"file": "notes.md", "field": None} in by["A.5.2"]["referred_by"], by["A.5.2"]["referred_by"]
assert {"id": "OWN-ANNEX", "field": "annex"} in by["A.5.1"]["referred_by"], by["A.5.1"]["referred_by"]
book = open(sys.argv[1] + "/isms.xml").read()
sec = book[book.index('xml:id="A.5.1"'):]
sec = sec[:sec.index("</section>")]
assert 'linkend="OWN-ANNEX"' in sec, "the book's A.5.1 lists OWN-ANNEX"
PY
then ok; else no "referred to by: a plain page's [[ID]] and an own control's annex:"; fi

# ... once per referring document and field, however the fields alternate.
mkdir -p "$work/alt/schemas" "$work/alt/risks"
printf 'name: T\nas_of: 2026-01-01\nrules: {soa-missing: off, mandatory-docs: off, risk-review: off}\n' > "$work/alt/isms.yaml"
printf 'kind: risk\nfields: {links: {type: list, of: map, fields: {r: {type: ref, kind: risk}, q: {type: ref, kind: risk}}}}\n' \
  > "$work/alt/schemas/risk.yaml"
for r in 1 2; do
	printf -- '---\nid: R-%s\nkind: risk\ntitle: T\nowner: O\nlikelihood: 1\nimpact: 1\ntreatment: accept\n' "$r" > "$work/alt/risks/R-$r.md"
done
printf 'links: [{r: R-1}, {q: R-1}, {r: R-1}, {q: R-1}]\n---\n' >> "$work/alt/risks/R-2.md"
printf -- '---\n' >> "$work/alt/risks/R-1.md"
if build "$work/alt" -o "$work/altout" &&
   [ "$(sed -n '/class="referrers"/,/<\/section>/p' "$work/altout/risk/R-1.html" | grep -o 'class="via">[a-z]*' | tr '\n' ' ')" = 'class="via">r class="via">q ' ]; then ok
else no "referred to by: a document and field once, however they alternate"; cat "$work/stderr"; fi

# isms.json keeps a diagnostic whose message is not UTF-8 (a plugin's), made UTF-8.
mkdir -p "$work/alt/lua"
printf 'return { id="odd-bytes", severity="warning", check=function(i, report)\n  report(nil, "bad byte \\xff here") end }\n' > "$work/alt/lua/u.lua"
if build "$work/alt" -o "$work/altout2" && python3 - "$work/altout2/isms.json" <<'PY'
import json, sys
msgs = [d["message"] for d in json.load(open(sys.argv[1]))["diagnostics"]]
assert "bad byte \ufffd here" in msgs, msgs
PY
then ok; else no "isms.json: a diagnostic that is not UTF-8"; fi

# 3e. One matrix row per risk and control pair: a control listed twice gives one row, in
# matrix.csv, matrix.html and the book.
cp -r "$top/samples" "$work/pairs"
sed -i 's/^controls: \[A.8.26, A.8.5, A.8.16, A.5.24\]$/controls: [A.8.26, A.8.5, A.8.16, A.5.24, A.8.5]/' \
  "$work/pairs/risks/R-001.md"
if grep -q 'A.5.24, A.8.5]' "$work/pairs/risks/R-001.md" && build "$work/pairs" -o "$work/pairsout" &&
   [ "$(grep -c '^R-001,.*,A\.8\.5,' "$work/pairsout/matrix.csv")" = 1 ] &&
   [ "$(grep -c '^R-001,' "$work/pairsout/matrix.csv")" = 4 ] &&
   [ "$(grep -o 'rowspan="4"' "$work/pairsout/matrix.html" | wc -l)" -ge 1 ] &&
   [ "$(grep -o '<link linkend="[^"]*">A.8.5</link></entry><entry>' "$work/pairsout/isms.xml" |
       wc -l)" = "$(grep -o '<link linkend="[^"]*">A.8.5</link></entry><entry>' "$work/det1/isms.xml" | wc -l)" ]; then ok
else no "matrix: a control listed twice by a risk gives one row"; fi

# ... and five builds of the kinds case on four threads (parses on several threads once
# raced in cmark-gfm's global tables and lost a strikethrough now and then).
same=1
for i in 1 2 3 4 5; do
	ISMSC_THREADS=4 build "$here/build/kinds/src" -o "$work/race$i" || same=0
	diff -r "$work/golden-kinds" "$work/race$i" > /dev/null || same=0
	rm -rf "$work/race$i"
done
if [ $same = 1 ]; then ok; else no "builds of the kinds case differ from one another"; fi

# 4. Atomicity: a rebuild leaves no stale file; a failing build leaves OUT as it was.
out=$work/atomic
build "$here/build/kinds/src" -o "$out"
echo stale > "$out/stale.html"
build "$here/build/kinds/src" -o "$out"
if [ $? = 0 ] && [ ! -e "$out/stale.html" ] && [ -f "$out/.ismsc-output" ]; then ok; else no "a rebuild kept a stale file"; fi
before=$(listing "$out")
cp -r "$here/build/kinds/src" "$work/broken"
printf -- '---\nid: R-9\nkind: risk\ntitle: T\nowner: O\nlikelihood: 1\nimpact: 1\ntreatment: avoid\ncontrols: [NOPE]\n---\n' > "$work/broken/r9.md"
build "$work/broken" -o "$out"; rc=$?
if [ $rc = 1 ] && [ "$before" = "$(listing "$out")" ]; then ok; else no "a failing build (status $rc) touched OUT"; fi
if ls -a "$work" | grep -q 'ismsc-tmp\|ismsc-old'; then no "a temporary folder was left beside OUT"; else ok; fi
# The same for every kind of broken file the model reads before the build
# opens its site (the book and the pages start on the model's first pass):
# each a diagnostic naming its rule, status 1, OUT as it was, no crash.
i=0
while IFS='|' read -r rule fm; do
	i=$((i + 1))
	rm -rf "$work/bad"
	cp -r "$here/build/kinds/src" "$work/bad"
	printf -- "$fm" > "$work/bad/bad.md"
	build "$work/bad" -o "$out"; rc=$?
	if [ $rc = 1 ] && [ "$before" = "$(listing "$out")" ] && grep -q "bad.md:.*\[$rule\]" "$work/stdout"; then
		ok; else no "broken file $i ($rule): status $rc, no diagnostic, or OUT touched"; head -3 "$work/stdout" "$work/stderr"; fi
done <<'CASES'
schema|---\nid: X-1\nkind: nope\ntitle: T\n---\nBody [[R-1]].\n
schema|---\nid: X-1\nkind: pages\ntitle: T\n---\nBody.\n
schema|---\nid: X-1\nkind: [a, b]\ntitle: T\n---\nBody.\n
schema|---\nid: X-1\nkind: ~\n---\n
schema|---\nkind: policy\ntitle: T\n---\nNo id.\n
schema|---\nid: "bad id"\nkind: policy\ntitle: T\n---\n
schema|---\nid: POL-77\nkind: policy\ntitle: T\nowner: O\nstatus: nonsense\n---\nBody.\n
syntax|---\nid: X-1\nkind: policy\ntitle: [unclosed\n---\nBody.\n
syntax|---\n- a list\n---\nBody.\n
syntax|---\nid: X-1\nkind: policy\n
CASES
if ls -a "$work" | grep -q 'ismsc-tmp\|ismsc-old'; then no "a temporary folder was left beside OUT"; else ok; fi
# The same when the errors come from the rules, which run while the build
# has started writing (the model is clean): a check in C, a rule in Lua,
# a project's plugin that fails, and warnings under --werror.
for late in check lua plugin werror; do
	rm -rf "$work/late"
	cp -r "$here/build/kinds/src" "$work/late"
	extra=
	case $late in
	check) printf -- '---\nid: R-9\nkind: risk\ntitle: T\nowner: O\nlikelihood: 1\nimpact: 1\ntreatment: mitigate\n---\n' > "$work/late/r9.md" ;;
	lua) printf -- '---\nid: POL-9\nkind: policy\ntitle: T\nowner: O\nstatus: approved\n---\n' > "$work/late/p9.md" ;;
	plugin) mkdir -p "$work/late/rules"
		printf 'return { id = "boom", check = function() error("boom") end }\n' > "$work/late/rules/boom.lua"
		printf 'plugins: [rules/boom.lua]\n' >> "$work/late/isms.yaml" ;;
	werror) extra=--werror ;;
	esac
	build "$work/late" -o "$out" $extra; rc=$?
	if [ $rc = 1 ] && [ "$before" = "$(listing "$out")" ]; then
		ok; else no "errors from the rules ($late): status $rc, or OUT touched"; fi
done
if ls -a "$work" | grep -q 'ismsc-tmp\|ismsc-old'; then no "a temporary folder was left beside OUT"; else ok; fi

# 5. Refusal, status 2, nothing touched: a foreign folder, the source, a folder holding it, a file.
mkdir -p "$work/foreign" && echo mine > "$work/foreign/notes.txt"
build "$here/build/kinds/src" -o "$work/foreign"; rc=$?
if [ $rc = 2 ] && [ "$(ls "$work/foreign")" = notes.txt ] && grep -q 'not written by ismsc' "$work/stderr"; then ok; else no "a foreign folder: status $rc"; fi
cp -r "$here/build/kinds/src" "$work/tree"
before=$(listing "$work/tree")
build "$work/tree" -o "$work/tree"; rc=$?
if [ $rc = 2 ] && [ "$before" = "$(listing "$work/tree")" ]; then ok; else no "the source root as OUT: status $rc"; fi
mkdir -p "$work/holder/inner" && cp -r "$here/build/kinds/src/." "$work/holder/inner/"
build "$work/holder/inner" -o "$work/holder"; rc=$?
if [ $rc = 2 ] && [ -f "$work/holder/inner/isms.yaml" ]; then ok; else no "a folder holding the source as OUT: status $rc"; fi
echo x > "$work/afile"
build "$here/build/kinds/src" -o "$work/afile"; rc=$?
if [ $rc = 2 ] && [ "$(cat "$work/afile")" = x ]; then ok; else no "a file as OUT: status $rc"; fi
mkdir -p "$work/empty"
build "$here/build/kinds/src" -o "$work/empty"; rc=$?
if [ $rc = 0 ] && [ -f "$work/empty/index.html" ]; then ok; else no "an empty folder as OUT: status $rc"; fi

# 6. The default OUT is SRC/_site, and the next build does not read it as source.
build "$work/tree" && build "$work/tree"; rc=$?
if [ $rc = 0 ] && [ -f "$work/tree/_site/index.html" ] && [ ! -e "$work/tree/_site/pages/_site" ]; then ok; else no "default OUT: status $rc"; fi
build "$work/tree" -o "$work/tree/web" && build "$work/tree" -o "$work/tree/web"; rc=$?
if [ $rc = 0 ] && ! ls "$work/tree/web/pages" | grep -q web; then ok; else no "OUT inside SRC read as source: status $rc"; fi

# 7. publish: drafts and restricted documents get no page and leak nowhere.
cp -r "$here/build/kinds/src" "$work/pub"
printf 'publish:\n  exclude_classification: [restricted]\n  exclude_status: [draft]\n' >> "$work/pub/isms.yaml"
printf -- '---\nid: POL-SECRET\nkind: policy\ntitle: Zanzibar secret plan\nowner: CEO\nstatus: approved\napproved_by: Board\napproved_on: 2026-06-01\nclassification: restricted\ncontrols: [A.5.1]\n---\n\nQuokka codeword, [as planned](Jackalope.md).\n' > "$work/pub/secret.md"
printf -- '---\nid: POL-DRAFT\nkind: policy\ntitle: Wombat draft\nowner: CEO\nstatus: draft\ncontrols: [A.5.1]\n---\n\nNumbat text.\n' > "$work/pub/draft.md"
printf -- '---\nid: R-HIDDEN\nkind: risk\ntitle: Capybara risk\nowner: CTO\nlikelihood: 2\nimpact: 2\ntreatment: mitigate\ncontrols: [A.5.1]\nclassification: restricted\n---\n' > "$work/pub/rh.md"
printf '\nSee [[POL-SECRET]] and [the plan](../secret.md) ![its map](../secret.md).\n' >> "$work/pub/docs/asset.md"
if build "$work/pub" -o "$work/pubout"; then
	if [ ! -e "$work/pubout/policy/POL-SECRET.html" ] && [ ! -e "$work/pubout/policy/POL-DRAFT.html" ] &&
	   [ ! -e "$work/pubout/risk/R-HIDDEN.html" ] &&
	   ! grep -rqE 'Zanzibar|Quokka|Wombat|Numbat|Capybara|Jackalope' "$work/pubout" &&
	   grep -q ' and the plan its map\.' "$work/pubout/asset/AST-1.html" && ! grep -q 'secret' "$work/pubout/isms.xml" &&
	   ! grep -qE 'POL-SECRET|POL-DRAFT' "$work/pubout/policy/index.html" &&
	   ! grep -qE 'POL-SECRET|POL-DRAFT' "$work/pubout/control/A.5.1.html" &&
	   grep -q 'POL-SECRET' "$work/pubout/soa.csv" && grep -q '^R-HIDDEN,' "$work/pubout/matrix.csv" &&
	   $tool links "$work/pubout" 2>/dev/null; then ok; else no "publish: an excluded entity leaked or a link broke"; fi
else
	no "publish: build failed"; cat "$work/stderr"
fi

# 8. Hostile content never reaches a page live.
out=$work/golden-kinds
page=$out/incident/INC-1.html
if grep -q '{{site.name}}' "$page" && grep -q '{{{content}}}' "$page" && ! grep -q '<script>alert' "$page" &&
   ! grep -qi 'javascript:' "$page" && ! grep -q '<img src="x"' "$page" && grep -q '&lt;script&gt;' "$page"; then ok
else no "hostile content in incident/INC-1.html"; fi
if python3 - "$out/soa.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
bad = [c for r in rows[1:] for c in r if c and c[0] in "=+-@"]
own = [r for r in rows if r[0] == "CTL-OWN"]
sys.exit(1 if bad or not own or not own[0][2].startswith("'=HYPERLINK") else 0)
PY
then ok; else no "soa.csv: a cell could be read as a formula"; fi

# 8b. Hostile risk-scale labels (markup, quotes) reach the heat maps, the
# register's legend and isms.json as text only.
cp -r "$here/build/method/src" "$work/hlabels"
sed -i 's/^  likelihood: .*/  likelihood: ["<script>alert(1)<\/script>", "a\\"b", "<img src=x onerror=alert(2)>", "{{site.name}}"]/' \
  "$work/hlabels/isms.yaml"
if build "$work/hlabels" -o "$work/hlabels-out" && ! grep -q '<script>alert\|<img src=x' "$work/hlabels-out/risks.html" &&
   grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/hlabels-out/risks.html" &&
   grep -q '{{site.name}}' "$work/hlabels-out/risks.html" &&
   python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["risk"]["scales"][0]["steps"]; sys.exit(0 if l[0]["label"]=="<script>alert(1)</script>" else 1)' \
     "$work/hlabels-out/isms.json"; then ok
else no "hostile risk labels: built unescaped, or the build failed"; sed -n '1,5p' "$work/stderr"; fi

# 9. --format docbook writes the DocBook file alone.
build "$here/build/kinds/src" -o "$work/dbonly" --format docbook; rc=$?
if [ $rc = 0 ] && [ "$(cd "$work/dbonly" && find . -type f | sort | tr '\n' ' ')" = "./.ismsc-output ./isms.xml " ]; then ok
else no "--format docbook: status $rc, $(cd "$work/dbonly" 2>/dev/null && find . -type f | head -5 | tr '\n' ' ')"; fi

# 9b. An entity whose id is "index" (or "Index-1") keeps its page; the list of its kind moves.
cp -r "$here/build/kinds/src" "$work/idx"
printf -- '---\nid: index\nkind: asset\ntitle: Index asset\nowner: O\ntype: information\n---\n' > "$work/idx/ia.md"
printf -- '---\nid: Index-1\nkind: asset\ntitle: Index one\nowner: O\ntype: information\n---\n' > "$work/idx/ib.md"
if build "$work/idx" -o "$work/idxout" && grep -q 'Index asset' "$work/idxout/asset/index.html" &&
   grep -q 'Index one' "$work/idxout/asset/Index-1.html" && grep -q 'Customer database' "$work/idxout/asset/index-2.html" &&
   $tool links "$work/idxout" 2>/dev/null; then ok; else no "an entity called index and the list of its kind"; fi

# 9c. Plain pages and files whose names need escaping in a URL ("#", "%", spaces, non-ASCII).
cp -r "$here/build/kinds/src" "$work/names"
mkdir -p "$work/names/odd dir"
printf '# Odd\n\nSee [the other](%s) and ![pic](%s).\n' '%C3%9Cber%20plan.md#odd' 'odd%20dir/a%20%231.png' > "$work/names/a #1 %.md"
printf '# Über\n\n## Odd\n\nBack to [odd](a%%20%%231%%20%%25.md#odd).\n' > "$work/names/Über plan.md"
printf 'png' > "$work/names/odd dir/a #1.png"
if build "$work/names" -o "$work/namesout" && [ -f "$work/namesout/pages/a #1 %.html" ] &&
   [ -f "$work/namesout/assets/files/odd dir/a #1.png" ] && $tool links "$work/namesout" 2>/dev/null; then ok
else no "pages and files with names that need escaping"; cat "$work/stderr"; $tool links "$work/namesout" | head -5; fi

# 9d. A project's templates override the compiler's, file by file: --templates, or
# An id of 300 characters and a file name of 251 are valid, and their pages'
# names would pass the file system's 255 bytes: they are cut, with a hash of
# the whole, and every link to them still resolves.
mkdir -p "$work/long"
cp "$here/build/kinds/src/isms.yaml" "$work/long/"
long=$(printf 'P%.0s' $(seq 300)); name=$(printf 'a%.0s' $(seq 251))
printf -- '---\nid: %s\nkind: policy\ntitle: Long\nowner: O\nstatus: draft\n---\nSee [the page](%s.md).\n' "$long" "$name" > "$work/long/p.md"
printf -- 'Back to [[%s]].\n' "$long" > "$work/long/$name.md"
if build "$work/long" -o "$work/longout" && $tool links "$work/longout" > /dev/null &&
   ls "$work/longout/policy" | grep -q "^$(printf 'P%.0s' $(seq 200))-[0-9a-f]\{16\}\.html$" &&
   ls "$work/longout/pages" | grep -q "^$(printf 'a%.0s' $(seq 200))-[0-9a-f]\{16\}\.html$"
then ok; else no "long ids and file names"; head -3 "$work/stdout" "$work/stderr"; fi

# templates: in isms.yaml (the option wins); a broken template is status 2, nothing written.
cp -r "$here/build/kinds/src" "$work/tpl"
mkdir -p "$work/tpl/theme" "$work/alt"
printf '<main class="mine">{{page.title}} by {{site.organization}}: {{{body}}}</main>\n' > "$work/tpl/theme/page.mustache"
printf 'templates: theme\n' >> "$work/tpl/isms.yaml"
printf '<main class="alt">{{title}}</main>\n' > "$work/alt/page.mustache"
if build "$work/tpl" -o "$work/tplout" && grep -q '<main class="mine">About this tree by Kinds Ltd: <p>' "$work/tplout/pages/README.html" &&
   grep -q 'class="site-nav"' "$work/tplout/pages/README.html" && grep -q '<main' "$work/tplout/policy/POL-1.html" &&
   build "$work/tpl" -o "$work/tplout2" --templates "$work/alt" && grep -q '<main class="alt">About this tree</main>' "$work/tplout2/pages/README.html"
then ok; else no "templates: and --templates"; fi
printf '{{#unclosed}}\n' > "$work/alt/page.mustache"
build "$work/tpl" -o "$work/tplout3" --templates "$work/alt"; rc=$?
if [ $rc = 2 ] && [ ! -e "$work/tplout3" ] && grep -q 'page.mustache' "$work/stderr"; then ok; else no "a broken template: status $rc"; fi
# The project's templates are files of the tree, read as the tree is: a
# template or an asset that links out of it is not followed (nothing of the
# outside reaches the site), and a FIFO neither blocks the build nor is read,
# whether named by templates: or by --templates.
mkdir -p "$work/outside/dir" "$work/tpl/theme/assets"
echo 'OUTSIDE-SECRET-1' > "$work/outside/secret.mustache"
echo 'OUTSIDE-SECRET-2' > "$work/outside/dir/leak.css"
echo 'OUTSIDE-SECRET-3' > "$work/outside/secret.css"
ln -s "$work/outside/secret.mustache" "$work/tpl/theme/entity.mustache"
ln -s "$work/outside/dir" "$work/tpl/theme/assets/dir"
ln -s "$work/outside/secret.css" "$work/tpl/theme/assets/style.css"
mkfifo "$work/tpl/theme/list.mustache" "$work/alt/list.mustache"
printf '<main class="alt">{{title}}</main>\n' > "$work/alt/page.mustache"
if timeout 60 "$bin" build "$work/tpl" -o "$work/tplout4" --as-of 2026-11-01 > "$work/stdout" 2> "$work/stderr" &&
   ! grep -rq OUTSIDE-SECRET "$work/tplout4" && grep -q '<main class="mine">' "$work/tplout4/pages/README.html" &&
   grep -q 'theme/entity.mustache:1:1: warning: symbolic link leads out' "$work/stdout" &&
   timeout 60 "$bin" build "$work/tpl" -o "$work/tplout5" --templates "$work/alt" --quiet > /dev/null 2>&1 &&
   grep -q '<main class="alt">' "$work/tplout5/pages/README.html"
then ok; else no "templates that link out of the tree, or a FIFO"; head -5 "$work/stdout" "$work/stderr"; fi
rm -f "$work/tpl/theme/list.mustache"
# Measurements too far apart to draw (1.7e308 and -1.7e308): no chart, and
# no NaN or infinity anywhere in the page.
mkdir -p "$work/far"
cp -r "$top/samples/." "$work/far/"
sed -i 's/value: 82}/value: 1.7e308}/; s/value: 88}/value: -1.7e308}/' "$work/far/objectives/OBJ-001.md"
if build "$work/far" -o "$work/farout" && ! grep -qi 'nan\|inf"' "$work/farout/objective/OBJ-001.html" &&
   ! grep -q '<svg class="chart"' "$work/farout/objective/OBJ-001.html" &&
   grep -q '<svg class="chart"' "$work/farout/objective/OBJ-002.html"
then ok; else no "measurements too far apart to draw"; grep -o 'y="[^"]*n[^"]*"' "$work/farout/objective/OBJ-001.html" | head -3; fi
rm -rf "$work/far" "$work/farout"

# ... and a folder that is there: not a file, not nothing.
for bad in nowhere isms.yaml; do
	sed -i '/^templates:/d' "$work/tpl/isms.yaml"
	printf 'templates: %s\n' "$bad" >> "$work/tpl/isms.yaml"
	build "$work/tpl" -o "$work/tplout7"; rc=$?
	if [ $rc = 1 ] && [ ! -e "$work/tplout7" ] &&
	   grep -q "isms.yaml:.*field 'templates' names no folder of the tree ('$bad') \[schema\]" "$work/stdout"
	then ok; else no "templates: $bad: status $rc"; head -3 "$work/stdout"; fi
done

# A plain page whose title is null (title: ~) is named by its file, not "~".
mkdir -p "$work/nul"
cp "$here/build/kinds/src/isms.yaml" "$work/nul/"
printf -- '---\ntitle: ~\n---\nHello.\n' > "$work/nul/page.md"
if build "$work/nul" -o "$work/nulout" && grep -q '<title>page.md — ' "$work/nulout/pages/page.html" &&
   ! grep -q '"title":"~"' "$work/nulout/search-index.json"
then ok; else no "a null title"; fi
rm -rf "$work/nul" "$work/nulout"

# What killed builds left beside OUT is removed by the next build: a
# temporary folder whose owner is a process of this machine that is gone.
# One of a running process, one of another machine, one with no owner and a
# link that looks like one are left alone.
mkdir -p "$work/sweep"
for t in gone00 alive0 other0 none00; do mkdir -p "$work/.sweepout.ismsc-tmp-$t" && touch "$work/.sweepout.ismsc-tmp-$t/page.html"; done
printf '%s 2147483646\n' "$(hostname)" > "$work/.sweepout.ismsc-tmp-gone00/.ismsc-owner"
printf '%s %s\n' "$(hostname)" $$ > "$work/.sweepout.ismsc-tmp-alive0/.ismsc-owner"
printf 'elsewhere.example 2147483646\n' > "$work/.sweepout.ismsc-tmp-other0/.ismsc-owner"
mkdir -p "$work/linked" && printf '%s 2147483646\n' "$(hostname)" > "$work/linked/.ismsc-owner"
ln -s "$work/linked" "$work/.sweepout.ismsc-tmp-link00"
if build "$here/build/kinds/src" -o "$work/sweepout" && [ ! -e "$work/.sweepout.ismsc-tmp-gone00" ] &&
   [ -L "$work/.sweepout.ismsc-tmp-link00" ] && [ -f "$work/linked/.ismsc-owner" ] &&
   [ -d "$work/.sweepout.ismsc-tmp-alive0" ] && [ -d "$work/.sweepout.ismsc-tmp-other0" ] &&
   [ -d "$work/.sweepout.ismsc-tmp-none00" ] && [ ! -e "$work/sweepout/.ismsc-owner" ]
then ok; else no "temporary folders of killed builds"; ls -a "$work" | grep sweep; fi
rm -rf "$work"/.sweepout.ismsc-tmp-* "$work/sweepout" "$work/linked"

# A layout that repeats itself (8^6 titles a page) stays within each page's
# bounds, but not within the site's: 64 times the source and 512 MiB. The
# build stops there, status 2, OUT as it was, no temporary folder left.
mkdir -p "$work/boom/theme"
cp -r "$top/samples/." "$work/boom/"
printf 'templates: theme\n' >> "$work/boom/isms.yaml"
printf '<html>{{{content}}}<!--{{#nav}}{{#nav}}{{#nav}}{{#nav}}{{#nav}}{{#nav}}{{title}}{{/nav}}{{/nav}}{{/nav}}{{/nav}}{{/nav}}{{/nav}}--></html>\n' > "$work/boom/theme/layout.mustache"
mkdir -p "$work/boomout" && touch "$work/boomout/.ismsc-output" "$work/boomout/keep.html"
timeout 120 "$bin" build "$work/boom" -o "$work/boomout" --as-of 2026-11-01 --quiet > /dev/null 2> "$work/stderr"; rc=$?
if [ $rc = 2 ] && grep -q 'a template that repeats itself' "$work/stderr" && [ -f "$work/boomout/keep.html" ] &&
   ! ls -a "$work" | grep -q 'ismsc-tmp'
then ok; else no "a layout that repeats itself: status $rc"; head -3 "$work/stderr"; fi
# The same build killed half way leaves its temporary folder (nothing can
# clean up after SIGKILL); the next build removes it.
"$bin" build "$work/boom" -o "$work/boomout" --as-of 2026-11-01 --quiet > /dev/null 2>&1 &
kpid=$!
sleep 1
kill -9 $kpid; wait $kpid 2> /dev/null
left=$(ls -a "$work" | grep -c 'boomout.ismsc-tmp')
sed -i '/^templates:/d' "$work/boom/isms.yaml"
if [ "$left" = 1 ] && build "$work/boom" -o "$work/boomout" && ! ls -a "$work" | grep -q 'ismsc-tmp' &&
   [ ! -e "$work/boomout/keep.html" ]
then ok; else no "a killed build's folder: $left left, then not removed"; fi
rm -rf "$work/boom" "$work/boomout"

# templates: names a folder of the tree: not outside it, not hidden.
for bad in ../outside /etc theme/../.. .theme; do
	sed -i '/^templates:/d' "$work/tpl/isms.yaml"
	printf 'templates: %s\n' "$bad" >> "$work/tpl/isms.yaml"
	build "$work/tpl" -o "$work/tplout6"; rc=$?
	if [ $rc = 1 ] && [ ! -e "$work/tplout6" ] && grep -q "isms.yaml:.*templates.*must name a folder inside the source tree.*\[schema\]" "$work/stdout"
	then ok; else no "templates: $bad: status $rc"; head -3 "$work/stdout"; fi
done

# 10. The files of SPEC §7 are all there.
for f in index.html soa.html soa.csv matrix.html matrix.csv risks.html isms.xml isms.json search-index.json \
         assets/search-index.js assets/style.css assets/search.js policy/POL-1.html pages/README.html \
         assets/files/img/diagram.png; do
	[ -f "$out/$f" ] || { no "kinds: $f missing"; continue; }
	ok
done
if python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert len(m["entities"]) == 16, len(m["entities"])' "$out/isms.json"; then ok; else no "isms.json"; fi

# 11. A project on the ISO/IEC 27001:2013 catalogue (the migrate test's tree): its SoA
# lists the 114 controls under the 14 sections A.5 ... A.18, soa.csv exactly as
# expected, and every link resolves.
c13=$here/migrate/basic
if build "$c13/src" -o "$work/c13"; then
	[ $regen = 1 ] && cp "$work/c13/soa.csv" "$c13/expected-soa.csv"
	if cmp -s "$work/c13/soa.csv" "$c13/expected-soa.csv"; then ok
	else no "2013: soa.csv differs from expected-soa.csv"; diff "$c13/expected-soa.csv" "$work/c13/soa.csv" | head; fi
	if [ "$(grep -c '^"\?A\.[0-9]*\.[0-9]*\.[0-9]*"\?,' "$work/c13/soa.csv")" = 114 ]; then ok; else no "2013: soa.csv has not 114 catalogue rows"; fi
	heads=$(grep -o '<th scope="colgroup" colspan="9">[^<]*' "$work/c13/soa.html" | sed 's/.*>//' | tr '\n' '|')
	want='A.5 Information security policies|A.6 Organization of information security|A.7 Human resource security|A.8 Asset management|A.9 Access control|A.10 Cryptography|A.11 Physical and environmental security|A.12 Operations security|A.13 Communications security|A.14 System acquisition, development and maintenance|A.15 Supplier relationships|A.16 Information security incident management|A.17 Information security aspects of business continuity management|A.18 Compliance|The organisation'"'"'s own controls|'
	if [ "$heads" = "$want" ]; then ok; else no "2013: soa.html theme headings: $heads"; fi
	if grep -q 'ISO/IEC 27001:2013 Annex A' "$work/c13/index.html" && [ -f "$work/c13/control/A.18.2.3.html" ]; then ok
	else no "2013: catalogue title or a control page missing"; fi
	if $tool links "$work/c13"; then ok; else no "2013: links"; fi
else
	no "2013: build failed"; cat "$work/stderr"
fi

# An entity whose body opens with an empty heading ("#"): the book compared its
# missing text with the title and crashed (SIGSEGV).
mkdir -p "$work/h1"
printf 'name: T\nas_of: 2026-06-30\nrules: {soa-missing: off, mandatory-docs: off}\n' > "$work/h1/isms.yaml"
for body in '#' '# ' '#\ntext' '# ![](x.png)' '# <!-- -->'; do
	printf -- "---\nid: P-1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n$body\n" > "$work/h1/a.md"
	rm -rf "$work/h1out"
	build "$work/h1" -o "$work/h1out"; rc=$?
	if [ $rc = 0 ] && [ -f "$work/h1out/isms.xml" ]; then ok; else no "a body opening with '$body': status $rc"; fi
done

# An image of a document is no image: its description, not <img src="...html">.
printf -- '---\nid: P-1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/h1/a.md"
printf '![the policy](a.md)\n' > "$work/h1/n.md"
rm -rf "$work/h1out"
if build "$work/h1" -o "$work/h1out" && ! grep -q '<img' "$work/h1out/pages/n.html" &&
   grep -q 'the policy' "$work/h1out/pages/n.html"; then ok
else no "an image of a document"; fi

echo "build: $pass passed, $fail failed"
[ $fail = 0 ]
