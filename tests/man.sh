#!/bin/bash
# The man page renders without a warning (mandoc -Tlint, groff -ww); --help
# names every command.
set -u
here=$(cd "$(dirname "$0")" && pwd)
page=$here/../man/ismsc.1
pass=0 fail=0
for tool in mandoc groff; do
	command -v $tool >/dev/null || { echo "man: FAILED: $tool is not installed" >&2; exit 1; }
done
out=$(mandoc -Tlint -W warning "$page" 2>&1)
if [ -z "$out" ]; then pass=$((pass + 1)); else echo "FAIL mandoc -Tlint:"; echo "$out"; fail=$((fail + 1)); fi
out=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
if [ -z "$out" ]; then pass=$((pass + 1)); else echo "FAIL groff -ww:"; echo "$out"; fail=$((fail + 1)); fi
out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
if [ -z "$out" ]; then pass=$((pass + 1)); else echo "FAIL man -l:"; echo "$out"; fail=$((fail + 1)); fi
# --help names every command of SPEC §6.
bin=${1:-$here/../build/ismsc}
if [ -x "$bin" ]; then
	help=$("$bin" --help)
	for cmd in check build init diff migrate; do
		if printf '%s\n' "$help" | grep -q "^  $cmd "; then
			pass=$((pass + 1)); else echo "FAIL --help lacks '$cmd'"; fail=$((fail + 1)); fi
	done
fi
echo "man: $pass passed, $fail failed"
[ $fail = 0 ]
