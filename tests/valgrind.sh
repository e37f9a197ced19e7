#!/bin/bash
# valgrind over the samples and a golden case: no leak, no invalid access.
#   tests/valgrind.sh BIN
set -u
bin=${1:?usage: valgrind.sh BIN}
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
command -v valgrind >/dev/null || { echo "valgrind: FAILED: valgrind is not installed" >&2; exit 1; }
for src in "$here/../samples" "$here"/cases/*/src; do
	[ -f "$src/isms.yaml" ] || continue
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
	  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
	  "$bin" check "$src" > /dev/null 2> /tmp/ismsc-valgrind.$$
	rc=$?
	if [ $rc = 99 ] || grep -q '==[0-9]*==' /tmp/ismsc-valgrind.$$; then
		echo "FAIL valgrind on $src"; head -40 /tmp/ismsc-valgrind.$$; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	# the samples and a few cases are enough: valgrind is slow
	[ $pass -ge 6 ] && break
done
# and a build of the samples: templates, pages, CSV, JSON, DocBook, the audit pack
out=$(mktemp -d)
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
  "$bin" build "$here/../samples" -o "$out/site" --pack --quiet > /dev/null 2> /tmp/ismsc-valgrind.$$
rc=$?
if [ $rc != 0 ] || grep -q '==[0-9]*==' /tmp/ismsc-valgrind.$$; then
	echo "FAIL valgrind on build of the samples (status $rc)"; head -40 /tmp/ismsc-valgrind.$$; fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
# and a build the rules fail after it has started writing (--werror: the
# kinds case has warnings from the rules only): stopped, removed, no leak
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
  "$bin" build "$here/build/kinds/src" -o "$out/late" --werror --quiet > /dev/null 2> /tmp/ismsc-valgrind.$$
rc=$?
if [ $rc != 1 ] || [ -e "$out/late" ] || grep -q '==[0-9]*==' /tmp/ismsc-valgrind.$$; then
	echo "FAIL valgrind on a build that fails late (status $rc)"; head -40 /tmp/ismsc-valgrind.$$; fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
rm -rf "$out"
rm -f /tmp/ismsc-valgrind.$$
echo "valgrind: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
