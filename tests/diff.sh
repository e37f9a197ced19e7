#!/bin/bash
# ismsc diff: golden reports for pairs of trees (tests/diff/NAME/{base,head},
# expected.md, status, args), and one run through --git on a repository
# made here, whose base is read from a commit while the work tree differs.
#   tests/diff.sh [--regen] BIN
set -u
regen=0
if [ "${1:-}" = "--regen" ]; then regen=1; shift; fi
bin=${1:?usage: diff.sh [--regen] BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
for case in "$here"/diff/*/; do
	case=${case%/}
	name=$(basename "$case")
	set --
	[ -f "$case/args" ] && while IFS= read -r a; do [ -n "$a" ] && set -- "$@" "$a"; done < "$case/args"
	(cd "$case" && "$bin" diff base head "$@") > "$work/out" 2> "$work/err"
	status=$?
	if [ $regen = 1 ]; then cp "$work/out" "$case/expected.md"; echo $status > "$case/status"; continue; fi
	if cmp -s "$work/out" "$case/expected.md" && [ "$status" = "$(cat "$case/status")" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL diff $name (status $status)"; diff -u "$case/expected.md" "$work/out" | head -30; head -5 "$work/err"
	fi
done
[ $regen = 1 ] && { echo "diff: expected files rewritten; review git diff"; exit 0; }

# --git: the base comes from a commit, not from the work tree
command -v git >/dev/null || { echo "diff: FAILED: git is not installed" >&2; exit 1; }
repo=$work/repo
mkdir -p "$repo"
cp -R "$here/diff/everything/base" "$repo/isms"
(cd "$repo" && git init -q && git -c user.name=t -c user.email=t@example.com add -A &&
 git -c user.name=t -c user.email=t@example.com commit -qm base) || exit 1
rm -rf "$repo/isms"; cp -R "$here/diff/everything/head" "$repo/isms"
(cd "$repo/isms" && "$bin" diff --git HEAD . --fail-on new) > "$work/git.md" 2> "$work/err"
status=$?
# the same report as the two folders give, but for its header line
sed 1,4d "$here/diff/everything/expected.md" > "$work/want"
sed 1,4d "$work/git.md" > "$work/got"
if [ $status = 1 ] && cmp -s "$work/want" "$work/got" && grep -q '^Base `HEAD`, head `.`' "$work/git.md"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL diff --git (status $status)"; diff -u "$work/want" "$work/got" | head -30; head -5 "$work/err"
fi
# a revision that does not exist: status 2
(cd "$repo/isms" && "$bin" diff --git no-such-rev .) > /dev/null 2>&1
if [ $? = 2 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL diff --git no-such-rev: not status 2"; fi
echo "diff: $pass passed, $fail failed"
[ $fail = 0 ]
