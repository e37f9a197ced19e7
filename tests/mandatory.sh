#!/bin/sh
# mandatory-docs: the complete tree of tests/cases/mandatory-docs-complete is
# silent; taking away each item of documented information (clauses 4 to 10)
# makes the rule name exactly that item's clause, at isms.yaml.
#   tests/mandatory.sh BIN
set -u
bin=${1:?usage: mandatory.sh BIN}
here=$(cd "$(dirname "$0")" && pwd)
complete=$here/cases/mandatory-docs-complete/src
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# clauses named by the mandatory-docs lines of a check of $tmp/src
named() {
	"$bin" check "$tmp/src" 2>/dev/null | sed -n 's/^isms\.yaml:3:10: \(warning\|error\): clause \([^:]*\): .*\[mandatory-docs\]$/\2/p' |
	  tr '\n' ' ' | sed 's/ $//'
}

# case NAME EXPECTED-CLAUSES COMMAND...: run COMMAND in a fresh copy, compare
case_() {
	name=$1 want=$2
	shift 2
	rm -rf "$tmp/src"
	cp -R "$complete" "$tmp/src"
	(cd "$tmp/src" && eval "$*")
	got=$(named)
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL mandatory $name: named '$got', expected '$want'"
	fi
}

case_ complete   ""        true
case_ 4.3        "4.3"     rm policies/scope.md
case_ 5.2        "5.2"     "sed -i 's/^clauses: .*/clauses: []/' policies/security.md"
case_ 6.1.2      "6.1.2"   rm procedures/risk-assessment.md
case_ 6.1.3      "6.1.3"   rm procedures/risk-treatment.md
case_ 6.2        "6.2 9.1" rm objectives/OBJ-1.md
case_ 7.2        "7.2"     rm pages/competence.md
case_ 7.2-list   "7.2"     "sed -i 's/\"7.2\"/\"7.3\"/' pages/competence.md"
case_ 8.1        "8.1"     rm procedures/operations.md
case_ 8.2        "8.2 8.3" rm risks/R-1.md
case_ 8.3        "8.3"     "sed -i '/^treatment:/d' risks/R-1.md"
case_ 9.1        "9.1"     "sed -i '/^measurements:/,/^  - /d' objectives/OBJ-1.md"
case_ 9.1-doc    ""        "sed -i '/^measurements:/,/^  - /d' objectives/OBJ-1.md; sed -i 's/\"8.1\"/\"8.1\", \"9.1\"/' procedures/operations.md"
case_ 9.2        "9.2"     "rm audits/AUD-1.md; sed -i '/^audit:/d' audits/FND-1.md"
case_ 9.3        "9.3"     rm audits/MR-1.md
# an audit's clauses are those it audited: they document nothing
case_ audit-4.3  "4.3"     "rm policies/scope.md; sed -i 's/^date: /clauses: [\"4.3\"]\ndate: /' audits/AUD-1.md; grep -q '^clauses: \[\"4.3\"\]' audits/AUD-1.md || rm isms.yaml"
case_ 10.2       "10.2"    "sed -i '/^finding:/d' audits/ACT-1.md"
case_ 10.2-doc   ""        "sed -i '/^finding:/d' audits/ACT-1.md; sed -i 's/\"8.1\"/\"8.1\", \"10.2\"/' procedures/operations.md"
case_ all        "10.2 4.3 5.2 6.1.2 6.1.3 6.2 7.2 8.1 8.2 8.3 9.1 9.2 9.3" \
	"find . -name '*.md' -delete"
# off by default (a tree that follows SPEC v1 stays clean), and off when told
case_ default    ""        "rm policies/scope.md; sed -i '/mandatory-docs/d' isms.yaml"
case_ off        ""        "rm policies/scope.md; sed -i 's/mandatory-docs: warning/mandatory-docs: off/' isms.yaml"
case_ error      "4.3"     "rm policies/scope.md; sed -i 's/mandatory-docs: warning/mandatory-docs: error/' isms.yaml"

echo "mandatory: $pass passed, $fail failed"
[ "$fail" = 0 ]
