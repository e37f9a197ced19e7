#!/bin/bash
# make install into a temporary prefix; the installed binary, run from
# another folder, finds its data under the prefix: it checks the sample
# and `ismsc init` starts a new ISMS that checks clean.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0 pass=0
make -s -C "$top" install PREFIX="$work/prefix" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
mv "$top/build/ismsc" "$top/build/ismsc.away" # the installed copy must not lean on the checkout
cd "$work" || exit 1
unset ISMSC_DATADIR SOURCE_DATE_EPOCH
expect() { if [ "$1" = "$2" ]; then pass=$((pass + 1)); else echo "FAIL $3 (got $1, want $2)"; fail=$((fail + 1)); fi; }

cp -R "$work/prefix/share/ismsc/samples" "$work/copy"
"$work/prefix/bin/ismsc" check copy > out 2>&1; expect $? 0 "installed check of the sample"
[ -s out ] && grep -v '^ismsc: ' out | head
"$work/prefix/bin/ismsc" build copy -o site > out 2>&1; expect $? 0 "installed build of the sample"
test -f site/index.html && test -f site/assets/style.css && test -f site/isms.xml; expect $? 0 "the site, its assets and isms.xml"
"$work/prefix/bin/ismsc" init new > /dev/null; expect $? 0 "init"
grep -q '^as_of:' new/isms.yaml; expect $? 1 "init leaves out as_of"
"$work/prefix/bin/ismsc" check --as-of 2026-11-01 new > out 2>&1; expect $? 0 "check of the new ISMS"
"$work/prefix/bin/ismsc" init new > /dev/null 2>&1; expect $? 2 "init refuses a non-empty folder"
test -f "$work/prefix/share/man/man1/ismsc.1"; expect $? 0 "man page installed"
"$work/prefix/bin/ismsc" --version > /dev/null; expect $? 0 "--version"
# built for its PREFIX, though the checkout was built for another first
grep -aq "$work/prefix/share/ismsc" "$work/prefix/bin/ismsc"; expect $? 0 "the binary knows its PREFIX"
make -s -C "$top" uninstall PREFIX="$work/prefix" > /dev/null 2>&1
test -e "$work/prefix/bin/ismsc"; expect $? 1 "uninstall"
mv "$top/build/ismsc.away" "$top/build/ismsc"
echo "install: $pass passed, $fail failed"
[ $fail = 0 ]
