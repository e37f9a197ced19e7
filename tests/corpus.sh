#!/bin/bash
# Generated corpora and real-world policy sets.
#  - a clean gen-corpus tree checks with exit 0 and no diagnostics;
#  - one made with --break 30 gets errors at exactly the files it lists;
#  - every real-world corpus of ../shared/corpora, given an isms.yaml,
#    checks without a crash (exit 0 or 1) in bounded time.
#   tests/corpus.sh BIN
set -u
bin=${1:?usage: corpus.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
. "$(dirname "$0")/lib.sh"
need_shared corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH

# The generator writes no audit records: audit-interval would warn on every tree for
# that alone (by design, so a team can adopt ismsc before its first audit).
noaudit() { printf 'rules:\n  audit-interval: off\n' >> "$1/isms.yaml"; }

python3 "$SHARED/bench/gen-corpus" --docs 2000 --seed 7 "$work/clean" 2>/dev/null
noaudit "$work/clean"
"$bin" check "$work/clean" > "$work/out" 2> "$work/err"; rc=$?
if [ $rc = 0 ] && [ ! -s "$work/out" ]; then pass=$((pass + 1)); else
	echo "FAIL clean corpus: status $rc"; head "$work/out" "$work/err"; fail=$((fail + 1)); fi

python3 "$SHARED/bench/gen-corpus" --docs 2000 --seed 7 --break 30 "$work/broken" > "$work/listed" 2>/dev/null
noaudit "$work/broken"
"$bin" check "$work/broken" > "$work/out" 2> "$work/err"; rc=$?
cut -d: -f1 "$work/listed" | sort > "$work/want"
cut -d: -f1 "$work/out" | sort > "$work/got"
if [ $rc = 1 ] && [ "$(wc -l < "$work/want")" = 30 ] && cmp -s "$work/want" "$work/got" \
   && ! grep -qv ': error: ' "$work/out"; then pass=$((pass + 1)); else
	echo "FAIL broken corpus: status $rc"; diff "$work/want" "$work/got" | head; fail=$((fail + 1)); fi
# Each listed error has its rule: dangling-ref -> ref-unknown, missing-field -> schema,
# duplicate-id -> id-duplicate.
while IFS= read -r line; do
	f=${line%%:*}; code=$(echo "$line" | awk '{print $2}')
	case $code in dangling-ref) r=ref-unknown ;; missing-field) r=schema ;; duplicate-id) r=id-duplicate ;; esac
	grep -q "^$f:[0-9]*:[0-9]*: error: .*\[$r\]\$" "$work/out" || { echo "FAIL $f: no [$r]"; fail=$((fail + 1)); }
done < "$work/listed"

for corpus in "$SHARED"/corpora/*/; do
	name=$(basename "$corpus")
	rm -rf "$work/real"; cp -R "$corpus" "$work/real"; chmod -R u+w "$work/real"
	printf 'name: %s\nas_of: 2026-11-01\n' "$name" > "$work/real/isms.yaml"
	timeout 30 "$bin" check "$work/real" > "$work/out" 2> "$work/err"; rc=$?
	if [ $rc = 0 ] || [ $rc = 1 ]; then pass=$((pass + 1)); else
		echo "FAIL real corpus $name: status $rc"; tail -3 "$work/err"; fail=$((fail + 1)); fi
done
echo "corpus ($bin): $pass passed, $fail failed"
[ $fail = 0 ]
