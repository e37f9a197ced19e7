#!/bin/bash
# make bench: `ismsc check` on generated corpora of 1,000, 10,000 and
# 100,000 documents (BENCH_SIZES to change), with documents per second and
# peak memory, beside one process of cmark-gfm rendering the same files in
# the same run. Corpora are kept in build/bench between runs.
#   tests/bench.sh BIN
set -u
bin=${1:?usage: bench.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
. "$(dirname "$0")/lib.sh"
need_shared bench
sizes=${BENCH_SIZES:-1000 10000 100000}
cache=$top/build/bench
mkdir -p "$cache"
unset SOURCE_DATE_EPOCH

# best of N wall-clock seconds and the peak RSS (KB) of that run
measure() {
	local n=$1; shift
	local best="" kb=""
	for _ in $(seq "$n"); do
		/usr/bin/time -f '%e %M' -o "$cache/time" "$@" > /dev/null 2>&1
		read -r s k < <(tail -n 1 "$cache/time")
		if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; kb=$k; fi
	done
	echo "$best $kb"
}

printf '%-8s %9s %10s %9s %12s %10s %7s\n' docs files check_s docs/s peak_MB cmark_s ratio
for n in $sizes; do
	dir=$cache/corpus-$n
	if [ ! -f "$dir/isms.yaml" ]; then
		python3 "$SHARED/bench/gen-corpus" --docs "$n" --seed 1 --force "$dir" 2>/dev/null || exit 1
	fi
	files=$(find "$dir" -name '*.md' | wc -l)
	# a clean corpus: exit 0, nothing on stdout
	"$bin" check "$dir" > "$cache/out" 2>/dev/null
	rc=$?
	if [ $rc != 0 ] || [ -s "$cache/out" ]; then echo "bench: the clean corpus of $n did not check clean"; exit 1; fi
	reps=3; [ "$n" -ge 100000 ] && reps=1
	read -r secs kb < <(measure $reps "$bin" check "$dir")
	find "$dir" -name '*.md' | sort > "$cache/list"
	read -r csecs _ < <(measure 1 sh -c "xargs -a '$cache/list' -d '\n' cmark-gfm -e table -e autolink -e strikethrough -e tasklist")
	printf '%-8s %9s %10s %9.0f %12.1f %10s %7.2f\n' "$n" "$files" "$secs" \
	  "$(awk "BEGIN{print $files / ($secs > 0 ? $secs : 0.001)}")" \
	  "$(awk "BEGIN{print $kb / 1024}")" "$csecs" \
	  "$(awk "BEGIN{print $secs / ($csecs > 0 ? $csecs : 0.001)}")"
done
echo "(ratio: ismsc check time / cmark-gfm time on the same files; the target is at most 0.5)"

# What the built-in Lua rules cost: the same corpus with them switched off.
n=${BENCH_PLUGINS_DOCS:-10000}
dir=$cache/corpus-$n
if [ -f "$dir/isms.yaml" ]; then
	off=$cache/corpus-$n-noplugins
	rm -rf "$off"; cp -al "$dir" "$off"; rm "$off/isms.yaml"
	{ cat "$dir/isms.yaml"; echo "rules:"
	  for f in "$top"/lua/*.lua; do echo "  $(basename "$f" .lua): off"; done; } > "$off/isms.yaml"
	read -r with _ < <(measure 5 "$bin" check "$dir")
	read -r without _ < <(measure 5 "$bin" check "$off")
	printf 'built-in Lua rules on %s docs: %s s with, %s s without: %+.2f s (target: under 0.3 s)\n' \
	  "$n" "$with" "$without" "$(awk "BEGIN{print $with - $without}")"
	rm -rf "$off"
fi

# ismsc build beside Hugo on the same files (the site of ../shared/bench/hugo-site),
# taking turns, best of BENCH_BUILD_RUNS (2) each, one run at 100,000; and
# what the DocBook step costs (build --format docbook against check, best of
# 3, one at 100,000).
#
# Every run writes a folder of its own, and all are removed only when the
# bench ends: on ext4 without a journal (this machine's disk), making a file
# skips the inodes freed in the last minutes (the kernel's recently_deleted),
# so a tree of 10,000 files made just after another was removed takes
# several times as long, for either tool.
bsizes=${BENCH_BUILD_SIZES:-1000 10000 100000}
runs=${BENCH_BUILD_RUNS:-2}
if ! command -v hugo > /dev/null; then
	echo "bench: hugo is missing (make bench installs Debian's hugo)"; exit 1
fi
trash=()
trap 'rm -rf "${trash[@]}"' EXIT
# one run: "seconds peak_KB"
once() {
	/usr/bin/time -f '%e %M' -o "$cache/time" "$@" > /dev/null 2>&1
	tail -n 1 "$cache/time"
}
floor=$(dirname "$bin")/floor
printf '\n%-8s %9s %10s %9s %12s %10s %10s %7s %11s %8s\n' docs files build_s docs/s peak_MB hugo_s hugo_MB speedup docbook_s floor_s
for n in $bsizes; do
	dir=$cache/corpus-$n
	[ -f "$dir/isms.yaml" ] || python3 "$SHARED/bench/gen-corpus" --docs "$n" --seed 1 --force "$dir" 2>/dev/null || exit 1
	files=$(find "$dir" -name '*.md' | wc -l)
	hsite=$cache/hugo-$n
	[ -d "$hsite/content" ] || sh "$SHARED/bench/hugo-site" "$dir" "$hsite" > /dev/null
	bsecs="" hsecs="" r=$runs reps=3
	if [ "$n" -ge 100000 ]; then r=1 reps=1; fi
	for k in $(seq "$r"); do
		out=$cache/run-$$-$n-ismsc-$k hout=$cache/run-$$-$n-hugo-$k
		trash+=("$out" "$hout")
		read -r s kb < <(once "$bin" build "$dir" -o "$out" --quiet)
		[ -f "$out/index.html" ] || { echo "bench: ismsc build of $n documents wrote no site"; exit 1; }
		if [ -z "$bsecs" ] || awk "BEGIN{exit !($s < $bsecs)}"; then bsecs=$s bkb=$kb; fi
		read -r s kb < <(once hugo --quiet -s "$hsite" -d "$hout")
		if [ -z "$hsecs" ] || awk "BEGIN{exit !($s < $hsecs)}"; then hsecs=$s hkb=$kb; fi
	done
	# the floor: the libraries and the kernel alone, redoing this build
	fsecs=-
	if [ -x "$floor" ] && [ "$n" -lt 100000 ]; then
		read -r _ _ _ fsecs _ < <("$floor" "$dir" "$out" "$cache") || fsecs=-
		trash+=("$cache"/floor-*)
	fi
	read -r csecs _ < <(measure "$reps" "$bin" check "$dir")
	out=$cache/run-$$-$n-docbook
	trash+=("$out")
	read -r dsecs _ < <(measure "$reps" "$bin" build "$dir" -o "$out" --format docbook --quiet)
	printf '%-8s %9s %10s %9.0f %12.1f %10s %10.0f %7.1f %11.2f %8s\n' "$n" "$files" "$bsecs" \
	  "$(awk "BEGIN{print $files / ($bsecs > 0 ? $bsecs : 0.001)}")" "$(awk "BEGIN{print $bkb / 1024}")" \
	  "$hsecs" "$(awk "BEGIN{print $hkb / 1024}")" "$(awk "BEGIN{print $hsecs / ($bsecs > 0 ? $bsecs : 0.001)}")" \
	  "$(awk "BEGIN{print $dsecs - $csecs}")" "$fsecs"
done
echo "(speedup: Hugo's time / ismsc build's time, target at least 5; docbook_s: build --format docbook minus check, target under 1 s;"
echo " floor_s: the least any build could take here, the libraries ismsc must use and the kernel alone (tests/bench/floor.c))"
