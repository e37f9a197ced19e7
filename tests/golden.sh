#!/bin/sh
# Golden cases: each tests/cases/NAME holds a source tree (src/), the exact
# standard output of `ismsc check` (expected) and its exit status (status);
# optional `args` lists extra arguments, one per line.
#   tests/golden.sh [--regen] BIN
set -u
regen=0
if [ "${1:-}" = "--regen" ]; then regen=1; shift; fi
bin=${1:?usage: golden.sh [--regen] BIN}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
for case in "$here"/cases/*/; do
	case=${case%/}
	name=$(basename "$case")
	[ -d "$case/src" ] || continue
	set --
	if [ -f "$case/args" ]; then
		while IFS= read -r a; do [ -n "$a" ] && set -- "$@" "$a"; done < "$case/args"
	fi
	"$bin" check "$case/src" "$@" > "$out/stdout" 2> "$out/stderr"
	status=$?
	if [ $regen = 1 ]; then
		cp "$out/stdout" "$case/expected"
		echo "$status" > "$case/status"
		continue
	fi
	want=$(cat "$case/status" 2>/dev/null || echo missing)
	if cmp -s "$out/stdout" "$case/expected" && [ "$status" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (status $status, expected $want)"
		diff -u "$case/expected" "$out/stdout" | sed -n '1,40p'
		sed -n '1,5p' "$out/stderr"
	fi
done
[ $regen = 1 ] && { echo "golden: expected files rewritten; review git diff"; exit 0; }
echo "golden ($bin): $pass passed, $fail failed"
[ $fail = 0 ]
