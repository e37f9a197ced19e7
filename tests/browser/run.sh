#!/bin/bash
# ismsc: the real-browser test. Builds samples/ with BIN into a temporary folder, then
# drives Debian's Chromium over it (test.mjs, through playwright-core) from file://.
# Screenshots go to build/browser/ at the top of the checkout.
#   tests/browser/run.sh BIN
# Needs: chromium (/usr/bin/chromium), node, and `npm ci --prefix tests/browser`
# (make browser-deps). Any of them missing is a failure, not a skip.
set -u
bin=${1:?usage: run.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fail() { echo "browser: FAIL: $*" >&2; exit 1; }

command -v node > /dev/null || fail "node is missing (make browser-deps)"
[ -f "$here/node_modules/playwright-core/package.json" ] \
	|| fail "playwright-core is not installed (npm ci --prefix tests/browser, or make browser-deps)"
[ -x "${ISMSC_CHROMIUM:-/usr/bin/chromium}" ] \
	|| fail "${ISMSC_CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium, or make browser-deps)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The checkout's templates and catalogues, whatever BIN would find on its own.
if ! ISMSC_DATADIR=${ISMSC_DATADIR:-$top} "$bin" build "$top/samples" -o "$work/site" \
	--as-of 2026-11-01 --quiet > "$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	fail "$bin build $top/samples failed"
fi

out=$top/build/browser
rm -rf "$out"
mkdir -p "$out"
node "$here/test.mjs" "$work/site" "$out" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^browser: [0-9]+ passed, [0-9]+ failed$' "$work/test.log" | tail -n 1)
passed=$(sed -E 's/^browser: ([0-9]+) passed.*/\1/' <<< "$summary")
if [ "$status" = 0 ] && [ -n "$summary" ]; then
	echo "browser: $passed checks passed (screenshots in ${out#"$PWD"/})"
	exit 0
fi
echo "browser: FAILED (exit $status; screenshots in ${out#"$PWD"/})" >&2
exit 1
