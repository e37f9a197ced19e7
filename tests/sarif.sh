#!/bin/bash
# SARIF output validates against the official SARIF 2.1.0 JSON schema
# (../shared/suites/sarif-2.1.0), for the samples and for a tree with errors
# and warnings. Fails when the validator (python3-jsonschema) is missing.
#   tests/sarif.sh BIN
set -u
bin=${1:?usage: sarif.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
. "$(dirname "$0")/lib.sh"
need_shared sarif
schema=$SHARED/suites/sarif-2.1.0/sarif-2.1/schema/sarif-schema-2.1.0.json
python3 -c 'import jsonschema' 2>/dev/null || { echo "sarif: FAILED: python3-jsonschema is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
for src in "$top/samples" "$here/cases/format-sarif/src" "$here/cases/plugin-load-errors/src" \
    "$here/cases/plugin-description-not-utf8/src"; do
	[ -f "$src/isms.yaml" ] || { echo "FAIL $src is missing"; fail=$((fail + 1)); continue; }
	"$bin" check "$src" --diagnostics sarif > "$work/out.sarif" 2>/dev/null
	if python3 - "$schema" "$work/out.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator(schema).validate(doc)
run = doc["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(set(ids)) == len(ids), ids
for res in run["results"]:
    assert 0 <= res["ruleIndex"] < len(ids), res
    assert ids[res["ruleIndex"]] == res["ruleId"], res
    assert res["partialFingerprints"]["ismsc/v1"]
# a plugin's description that is not UTF-8 keeps its rule, U+FFFD for the byte
for r in rules:
    if r["id"] == "bad-description":
        assert r["shortDescription"]["text"] == "bad \ufffd desc", r
PY
	then pass=$((pass + 1)); else echo "FAIL SARIF of $src"; fail=$((fail + 1)); fi
done
echo "sarif: $pass passed, $fail failed"
[ $fail = 0 ]
