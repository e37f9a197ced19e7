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
	if cmp -s "$out/stdout" "$case/expected" && [ "$status" = "$want" ] &&
	   { [ ! -f "$case/stderr" ] || cmp -s "$out/stderr" "$case/stderr"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (status $status, expected $want)"
		diff -u "$case/expected" "$out/stdout" | sed -n '1,40p'
		sed -n '1,5p' "$out/stderr"
	fi
done
[ $regen = 1 ] && { echo "golden: expected files rewritten; review git diff"; exit 0; }

# One check, the same every time on four threads: parses on several threads
# once raced in cmark-gfm's global tables, and an autolink that takes in a
# code span came and went with the reference in it (one run in six missed
# one of these 3,000).
race=$(mktemp -d)
mkdir -p "$race/policies"
printf 'name: Race\nas_of: 2026-01-01\nrules:\n  soa-missing: off\n' > "$race/isms.yaml"
for i in $(seq 1 3000); do
	printf -- '---\nid: POL-%d\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' "$i"
	printf 'See www.example.com/`[[NOPE-%d]]` and ~~old~~ text.\n' "$i"
done > "$race/all"
(cd "$race/policies" && awk '/^---$/ && ++n % 2 == 1 { f = sprintf("p%05d.md", ++k) } { print > f }' "$race/all")
rm "$race/all"
same=1
for i in 1 2 3 4 5 6; do
	n=$(ISMSC_THREADS=4 "$bin" check "$race" 2> /dev/null | grep -c "reference to unknown id 'NOPE-")
	[ "$n" = 3000 ] || { same=0; echo "FAIL race: run $i found $n of 3000 references"; }
done
rm -rf "$race"
if [ $same = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
echo "golden ($bin): $pass passed, $fail failed"
[ $fail = 0 ]
