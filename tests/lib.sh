# Shared by the test scripts: where ../shared is, and what to do without it.
# SHARED may point elsewhere; when it is missing, CI=true fails the test,
# anywhere else the test says plainly that it was skipped.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SHARED=${SHARED:-$top/../shared}
case "$SHARED" in /*) ;; *) SHARED=$top/$SHARED ;; esac

need_shared() {
	if [ -x "$SHARED/bench/gen-corpus" ]; then return 0; fi
	if [ "${CI:-}" = true ]; then
		echo "$1: FAILED: $SHARED (the shared folder beside the checkout) is missing" >&2
		exit 1
	fi
	echo "$1: SKIPPED: $SHARED is missing (it sits beside the checkout in development and CI)"
	exit 0
}
