#!/bin/bash
# The man page renders without a warning (mandoc -Tlint, groff -ww); --help
# names every command; the command line keeps what the page says of usage,
# init and exit status.
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
	usage=$("$bin" 2>&1)
	for cmd in check build init diff migrate; do
		if printf '%s\n' "$help" | grep -q "^  $cmd "; then
			pass=$((pass + 1)); else echo "FAIL --help lacks '$cmd'"; fail=$((fail + 1)); fi
		# and so does the usage printed after bad usage
		if printf '%s\n' "$usage" | grep -q "ismsc $cmd "; then
			pass=$((pass + 1)); else echo "FAIL the usage lacks '$cmd'"; fail=$((fail + 1)); fi
	done
fi

# The command line. expect STATUS WHAT CMD...: CMD exits STATUS, and with 2
# says why on standard error, in one line; OUT is where its stdout goes.
[ -x "$bin" ] || { echo "man: FAILED: $bin is not built" >&2; exit 1; }
[ -c /dev/full ] || { echo "man: FAILED: /dev/full is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expect() {
	local want=$1 what=$2 got lines
	shift 2
	"$@" > "${OUT:-$work/out}" 2> "$work/err"
	got=$?
	lines=$(wc -l < "$work/err")
	if [ "$got" = "$want" ] && { [ "$want" != 2 ] || [ "$lines" -ge 1 ]; } &&
	    { [ -z "${OUT:-}" ] || [ "$lines" = 1 ]; }; then
		pass=$((pass + 1))
	else
		echo "FAIL $what: status $got (want $want), $lines lines on stderr"; head -3 "$work/err"
		fail=$((fail + 1))
	fi
}
pair=$here/diff/error-twice

# A bad option is bad usage, whatever comes before it.
expect 2 "--version --bogus" "$bin" --version --bogus
expect 2 "--help --bogus" "$bin" --help --bogus
expect 0 "--version" "$bin" --version

# A malformed --as-of is status 2 for init too, which checks nothing; a
# good one, and the options of a check, are accepted as for every command.
expect 2 "init --as-of 2026-99-99" "$bin" init "$work/new" --as-of 2026-99-99
[ ! -e "$work/new" ] || { echo "FAIL init with a bad --as-of made its folder"; fail=$((fail + 1)); }
expect 0 "init --as-of 2026-01-01 --quiet" "$bin" init "$work/new" --as-of 2026-01-01 --quiet
expect 0 "diff --quiet --diagnostics json" "$bin" diff "$pair/base" "$pair/head" --quiet --diagnostics json

# --quiet prints errors only: not the note on a SOURCE_DATE_EPOCH that is no
# number (a tree with no as_of), which a run without it prints.
mkdir -p "$work/noasof" && printf 'name: N\nrules: {soa-missing: off, mandatory-docs: off}\n' > "$work/noasof/isms.yaml"
SOURCE_DATE_EPOCH=abc "$bin" check "$work/noasof" --quiet > /dev/null 2> "$work/err"
q=$(wc -c < "$work/err")
SOURCE_DATE_EPOCH=abc "$bin" check "$work/noasof" > /dev/null 2> "$work/err"
if [ "$q" = 0 ] && grep -q SOURCE_DATE_EPOCH "$work/err"; then pass=$((pass + 1)); else
	echo "FAIL --quiet: a note on SOURCE_DATE_EPOCH ($q bytes)"; fail=$((fail + 1)); fi

# init makes the folders above DIR that are missing, as the page says, and
# still refuses a folder that is not empty.
expect 0 "init deep/a/b" "$bin" init "$work/deep/a/b"
if [ -f "$work/deep/a/b/isms.yaml" ]; then pass=$((pass + 1)); else
	echo "FAIL init deep/a/b: no isms.yaml"; fail=$((fail + 1)); fi
expect 2 "init into a folder that is not empty" "$bin" init "$work/deep/a"

# Standard output that cannot be written is status 2 and one line on stderr,
# for every command that writes to it.
for args in --version --help "check --help" "diff $pair/base $pair/head" \
    "check $here/cases/ref-unknown-body/src" "init $work/full"; do
	OUT=/dev/full expect 2 "$args > /dev/full" "$bin" $args
done
echo "man: $pass passed, $fail failed"
[ $fail = 0 ]
