#!/bin/bash
# ismsc migrate: golden reports for the cases tests/migrate/NAME (src/, the
# exact standard output expected.md, status, optional args one per line), and
# for the basic case: --write compared file by file with expected-write/, the
# refusal when the folder exists, and the written tree put on the 2022
# catalogue without its 2013 decisions: no soa-missing, and exactly the
# references the report listed left to update (expected-2022-check).
#   tests/migrate.sh [--regen] BIN
set -u
regen=0
if [ "${1:-}" = "--regen" ]; then regen=1; shift; fi
bin=${1:?usage: migrate.sh [--regen] BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
ok() { pass=$((pass + 1)); }
no() { echo "FAIL migrate $1"; fail=$((fail + 1)); }
listing() { (cd "$1" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ | awk '{print $1, $5, $NF}'; find . -type f -print0 | sort -z | xargs -0 md5sum); }

# 1. Golden reports.
for case in "$here"/migrate/*/; do
	case=${case%/}
	name=$(basename "$case")
	set --
	[ -f "$case/args" ] && while IFS= read -r a; do [ -n "$a" ] && set -- "$@" "$a"; done < "$case/args"
	"$bin" migrate "$case/src" "$@" > "$work/out" 2> "$work/err"
	status=$?
	if [ $regen = 1 ]; then cp "$work/out" "$case/expected.md"; echo $status > "$case/status"; continue; fi
	if cmp -s "$work/out" "$case/expected.md" && [ "$status" = "$(cat "$case/status")" ]; then ok
	else no "$name (status $status)"; diff -u "$case/expected.md" "$work/out" | head -30; head -5 "$work/err"; fi
	if [ -d "$case/src/controls-2022" ]; then no "$name: a report without --write wrote"; fi
done

# 2. --write: the same report, and SRC/controls-2022 exactly as expected-write/.
basic=$here/migrate/basic
cp -R "$basic/src" "$work/src"
before=$(cd "$work/src" && find . | sort)
"$bin" migrate "$work/src" --write > "$work/out" 2> "$work/err"
status=$?
if [ $regen = 1 ]; then
	rm -rf "$basic/expected-write" && cp -R "$work/src/controls-2022" "$basic/expected-write"
fi
if [ $status = 0 ] && cmp -s "$work/out" "$basic/expected.md"; then ok
else no "--write: status $status or a report other than expected.md"; head -5 "$work/err"; fi
if diff -r "$basic/expected-write" "$work/src/controls-2022" > "$work/diff"; then ok
else no "--write: controls-2022 differs from expected-write/"; head -30 "$work/diff"; fi
if [ "$(ls "$work/src/controls-2022" | wc -l)" = 93 ]; then ok; else no "--write: not 93 files"; fi
# nothing else was touched, and no temporary folder is left
after=$(cd "$work/src" && find . | grep -v '^./controls-2022' | sort)
if [ "$before" = "$after" ]; then ok; else no "--write touched more than controls-2022"; diff <(echo "$before") <(echo "$after") | head; fi

# 3. Refusal: the folder exists -> status 2, nothing written, the folder as it was.
snap=$(listing "$work/src")
"$bin" migrate "$work/src" --write > "$work/out" 2> "$work/err"
status=$?
if [ $status = 2 ] && [ ! -s "$work/out" ] && grep -q 'already exists' "$work/err" &&
   [ "$snap" = "$(listing "$work/src")" ]; then ok
else no "--write over an existing controls-2022: status $status"; cat "$work/err"; fi
mkdir -p "$work/empty/src" && cp -R "$basic/src/." "$work/empty/src/" && mkdir "$work/empty/src/controls-2022"
"$bin" migrate "$work/empty/src" --write > /dev/null 2>&1
status=$?
if [ $status = 2 ] && [ -z "$(ls -A "$work/empty/src/controls-2022")" ]; then ok
else no "--write over an empty controls-2022: status $status"; fi

# 4. The written tree on the 2022 catalogue, the 2013 decisions removed:
# no soa-missing; the errors left are the references the report listed.
rm "$work/src"/controls/A.*.md
sed -i 's/^catalog: iso27001-2013$/catalog: iso27001-2022/' "$work/src/isms.yaml"
"$bin" check "$work/src" > "$work/check" 2> "$work/err"
status=$?
[ $regen = 1 ] && cp "$work/check" "$basic/expected-2022-check"
if [ $status = 1 ] && ! grep -q soa-missing "$work/check" && cmp -s "$work/check" "$basic/expected-2022-check"; then ok
else no "the migrated tree: status $status, or other diagnostics"; diff -u "$basic/expected-2022-check" "$work/check" | head -20; fi
# every ref-unknown left is a row of the report's references to update
grep 'ref-unknown' "$work/check" | cut -d: -f1-3 | sort > "$work/left"
sed -n '/^## References to update/,$p' "$basic/expected.md" | grep '^| [a-z]' | cut -d' ' -f2 | sort > "$work/listed"
if [ -s "$work/left" ] && cmp -s "$work/left" "$work/listed"; then ok
else no "the references left are not those the report listed"; diff "$work/listed" "$work/left"; fi
# ... and once they point at the 2022 ids, the tree checks with no error
sed -i -e 's/\[A.9.1.1, A.9.1.2\]/[A.5.15]/' -e 's/\[\[A.9.2.3\]\]/[[A.8.2]]/' \
    -e 's/\[\[A.9.4.3|/[[A.5.17|/' "$work/src/policies/access-control.md"
sed -i 's/\[A.12.6.1, A.18.2.3, CTL-SCAN\]/[A.8.8, A.5.36, CTL-SCAN]/' "$work/src/risks/R-1.md"
sed -i 's/annex: \[A.12.6.1\]/annex: [A.8.8]/' "$work/src/controls/CTL-SCAN.md"
"$bin" check "$work/src" --quiet > "$work/check" 2> "$work/err"
status=$?
if [ $status = 0 ] && [ ! -s "$work/check" ]; then ok
else no "the migrated tree with its references updated: status $status"; head "$work/check"; fi

# 5. Escaping and sources with no decision: the undecided case written, two
# files compared, and the written tree read back on the 2022 catalogue with
# no syntax or schema error.
und=$here/migrate/undecided
cp -R "$und/src" "$work/und"
"$bin" migrate "$work/und" --write > /dev/null 2> "$work/err"
status=$?
if [ $regen = 1 ]; then
	for f in A.5.9 A.5.1; do cp "$work/und/controls-2022/$f.md" "$und/expected-$f.md"; done
fi
for f in A.5.9 A.5.1; do
	if [ $status = 0 ] && cmp -s "$und/expected-$f.md" "$work/und/controls-2022/$f.md"; then ok
	else no "undecided --write: $f.md (status $status)"; diff -u "$und/expected-$f.md" "$work/und/controls-2022/$f.md" | head; fi
done
rm "$work/und/A.8.1.1.md"
sed -i 's/^catalog: iso27001-2013$/catalog: iso27001-2022/' "$work/und/isms.yaml"
"$bin" check "$work/und" --quiet > "$work/check" 2>&1
status=$?
if [ $status = 0 ] && [ ! -s "$work/check" ]; then ok
else no "undecided: the written tree does not check (status $status)"; head "$work/check"; fi
python3 - "$work/und/controls-2022/A.5.9.md" <<'PY' && ok || no "undecided: the justification does not read back"
import sys, yaml
fm = yaml.safe_load(open(sys.argv[1]).read().split("---\n")[1])
want = "A.8.1.1: Tabs\tand a new line\nand a back\\slash."
sys.exit(0 if fm["justification"] == want and fm["evidence"] == ["single piece of evidence"] else 1)
PY

# 6. Usage: --write belongs to migrate; migrate takes one folder; no isms.yaml is status 2.
"$bin" check "$basic/src" --write > /dev/null 2>&1
[ $? = 2 ] && ok || no "check --write: not status 2"
"$bin" migrate "$basic/src" "$basic/src" > /dev/null 2>&1
[ $? = 2 ] && ok || no "migrate with two folders: not status 2"
"$bin" migrate "$work/nowhere" > /dev/null 2>&1
[ $? = 2 ] && ok || no "migrate of a missing folder: not status 2"

[ $regen = 1 ] && { echo "migrate: expected files rewritten; review git diff"; exit 0; }
echo "migrate: $pass passed, $fail failed"
[ $fail = 0 ]
