#!/bin/bash
# Document control (clause 7.5) from git history: a body changed without a
# version or approved_on change is reported, one with it is not; a source
# that is not the top of a repository (a subfolder, a plain folder) is
# skipped with a note only when the rule is asked for; a shallow clone
# works; the built pages show the history, escaped.
#   tests/doccontrol.sh BIN
set -u
bin=${1:?usage: doccontrol.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH GIT_DIR GIT_WORK_TREE
export GIT_CONFIG_NOSYSTEM=1 HOME=$work GIT_AUTHOR_EMAIL=a@example.org GIT_COMMITTER_EMAIL=a@example.org
ok() { pass=$((pass + 1)); }
no() { echo "FAIL $1"; fail=$((fail + 1)); }
# same NAME GOT WANT
same() { if [ "$2" = "$3" ]; then ok; else no "$1"; diff <(echo "$3") <(echo "$2") | head -20; fi; }
check() { "$bin" check "$@" > "$work/stdout" 2> "$work/stderr"; echo $? > "$work/status"; }
# commit DIR DATE AUTHOR SUBJECT: commit everything in DIR on a fixed date
commit() {
	(cd "$1" && git add -A && GIT_AUTHOR_DATE="$2T10:00:00Z" GIT_COMMITTER_DATE="$2T10:00:00Z" \
	  GIT_AUTHOR_NAME="$3" GIT_COMMITTER_NAME="$3" git commit -q --allow-empty -m "$4") || exit 2
}
rev() { git -C "$1" rev-parse --short=7 "${2:-HEAD}"; }
pol=policies/security.md
proc=procedures/backup.md

# 1. A repository whose top is the ISMS.
repo=$work/repo
cp -R "$here/cases/clean-tree/src" "$repo"
git init -q -b main "$repo" || exit 2
commit "$repo" 2026-01-02 "Alice Example" "Initial ISMS"
c1=$(rev "$repo")
check "$repo"
same "clean history: no diagnostic" "$(cat "$work/stdout")" ""
same "clean history: summary only" "$(cat "$work/stderr")" "ismsc: 10 files, 0 errors, 0 warnings"

# 2. The policy's body changes, its version does not: reported at version.
echo "A new paragraph." >> "$repo/$pol"
commit "$repo" 2026-02-03 "Bob Builder" "Reword the policy"
c2=$(rev "$repo")
check "$repo"
same "body change without version" "$(cat "$work/stdout")" \
"$pol:7:10: warning: body changed in commit $c2 (2026-02-03) without a change of version or approved_on since commit $c1 (2026-01-02) [document-control]"
same "body change without version: status 0" "$(cat "$work/status")" 0

# ... and a change of another field (owner) is not a body change, nor a version change.
sed -i 's/^owner: CISO$/owner: Chief Information Security Officer/' "$repo/$pol"
commit "$repo" 2026-02-10 "Bob Builder" "New owner"
check "$repo"
same "owner change keeps the finding on the first unversioned body change" "$(cat "$work/stdout")" \
"$pol:7:10: warning: body changed in commit $c2 (2026-02-03) without a change of version or approved_on since commit $c1 (2026-01-02) [document-control]"

# 3. A version bump with a body change: silent.
sed -i 's/^version: 1.0$/version: 1.1/' "$repo/$pol"
echo "Another paragraph." >> "$repo/$pol"
commit "$repo" 2026-03-04 "Alice Example" "Policy 1.1"
check "$repo"
same "body change with version bump: silent" "$(cat "$work/stdout")" ""

# ... a version written another way but the same YAML value is no change.
sed -i 's/^version: 1.1$/version: "1.1"/' "$repo/$pol"
commit "$repo" 2026-03-05 "Alice Example" "Quote the version"
echo "Yet another paragraph." >> "$repo/$pol"
commit "$repo" 2026-03-06 "Alice Example" "Edit after quoting"
c6=$(rev "$repo")
check "$repo"
same "quoting the version is no version change" "$(cat "$work/stdout")" \
"$pol:7:10: warning: body changed in commit $c6 (2026-03-06) without a change of version or approved_on since commit $(rev "$repo" HEAD~2) (2026-03-04) [document-control]"
sed -i 's/^version: "1.1"$/version: 1.2/' "$repo/$pol"
commit "$repo" 2026-03-07 "Alice Example" "Policy 1.2"

# 4. A procedure with neither version nor approved_on: its first commit sets
# it; a later body change is reported at its id; an approved_on change counts.
echo "Backups are tested monthly." >> "$repo/$proc"
commit "$repo" 2026-04-01 "Carol" "Test the backups"
c7=$(rev "$repo")
check "$repo"
same "procedure without version: at its id" "$(cat "$work/stdout")" \
"$proc:2:5: warning: body changed in commit $c7 (2026-04-01) without a change of version or approved_on since commit $c1 (2026-01-02) [document-control]"
sed -i 's/^status: draft$/status: draft\napproved_on: 2026-04-02/' "$repo/$proc"
commit "$repo" 2026-04-02 "Carol" "Approve the backup procedure"
check "$repo"
same "approved_on change counts" "$(cat "$work/stdout")" ""
echo "Restores too." >> "$repo/$proc"
commit "$repo" 2026-04-03 "Carol" "Restores"
c9=$(rev "$repo")
check "$repo"
same "reported at approved_on when there is no version" "$(cat "$work/stdout")" \
"$proc:7:14: warning: body changed in commit $c9 (2026-04-03) without a change of version or approved_on since commit $(rev "$repo" HEAD~1) (2026-04-02) [document-control]"
sed -i 's/^approved_on: 2026-04-02$/approved_on: 2026-04-03/' "$repo/$proc"
commit "$repo" 2026-04-04 "Carol" "Re-approve"

# 5. Uncommitted changes: the committed history is what is checked.
echo "Not committed yet." >> "$repo/$pol"
check "$repo"
same "uncommitted body change: not checked" "$(cat "$work/stdout")" ""
git -C "$repo" checkout -q -- "$pol"

# 6. The rule is configurable like the others.
cp "$repo/isms.yaml" "$work/isms.yaml.orig"
echo "  document-control: error" >> "$repo/isms.yaml"
echo "More." >> "$repo/$pol"
commit "$repo" 2026-05-01 "Alice Example" "Configure, edit"
check "$repo"
case "$(cat "$work/stdout")" in
"$pol:7:10: error: body changed in commit "*"[document-control]") ok ;;
*) no "document-control: error in rules: makes it an error"; cat "$work/stdout" ;;
esac
same "document-control: error: status 1" "$(cat "$work/status")" 1
sed -i 's/^  document-control: error$/  document-control: off/' "$repo/isms.yaml"
commit "$repo" 2026-05-02 "Alice Example" "Rule off"
check "$repo"
same "document-control: off: silent" "$(cat "$work/stdout")" ""
same "document-control: off: no note" "$(cat "$work/stderr")" "ismsc: 10 files, 0 errors, 0 warnings"
cp "$work/isms.yaml.orig" "$repo/isms.yaml"
sed -i 's/^version: 1.2$/version: 1.3/' "$repo/$pol"
commit "$repo" 2026-05-03 "Alice Example" "Policy 1.3"
check "$repo"
same "back to a clean history" "$(cat "$work/stdout")" ""

# 7. The build: the policy's page lists its changes, newest first.
out=$work/site
"$bin" build "$repo" -o "$out" --quiet > "$work/stdout" 2> "$work/stderr"
same "build: status 0" "$?" 0
page=$out/policy/POL-1.html
rows=$(grep -c '^<tr><td>20' "$page")
same "build: one row per commit that changed the policy" "$rows" 9
grep -q "<tr><td>2026-05-03</td><td>Alice Example</td><td>Policy 1.3</td><td><code>$(rev "$repo")</code></td></tr>" "$page" \
  && ok || no "build: the newest row"
grep -q "<tr><td>2026-02-03</td><td>Bob Builder</td><td>Reword the policy</td><td><code>$c2</code></td></tr>" "$page" \
  && ok || no "build: Bob's row"
first=$(grep -m1 '^<tr><td>20' "$page" | cut -c9-18)
same "build: newest first" "$first" 2026-05-03
grep -q '>Test the backups<' "$page" && no "build: the procedure's commit is not on the policy's page" || ok
grep -q '>Test the backups<' "$out/procedure/PROC-1.html" && ok || no "build: the procedure's page has its commit"
grep -q 'Change history' "$out/risk/R-1.html" && no "build: a risk has no change history" || ok
python3 - "$out/isms.json" "$(git -C "$repo" rev-parse HEAD)" <<'EOF' && ok || no "build: isms.json document_control"
import json, sys
d = json.load(open(sys.argv[1]))["document_control"]
assert d == {"checked": True, "commit": sys.argv[2], "commits": 14, "complete": True}, d
EOF
grep -q "<releaseinfo>$(git -C "$repo" rev-parse HEAD)</releaseinfo>" "$out/isms.xml" && ok || no "build: DocBook releaseinfo"
grep -q '<entry>Reword the policy</entry>' "$out/isms.xml" && ok || no "build: DocBook change history"
if command -v xmllint > /dev/null && [ -f /usr/share/xml/docbook/schema/rng/5.0/docbook.rng ]; then
	xmllint --noout --relaxng /usr/share/xml/docbook/schema/rng/5.0/docbook.rng "$out/isms.xml" 2> "$work/rng" \
	  && ok || { no "build: DocBook valid"; head "$work/rng"; }
fi
# the same commit builds the same bytes
"$bin" build "$repo" -o "$work/site2" --quiet > /dev/null 2>&1
diff -r "$out" "$work/site2" > /dev/null && ok || no "build: deterministic"

# 8. ismsc diff across commits still works in a repository.
"$bin" diff --git HEAD~1 "$repo" > "$work/stdout" 2> "$work/stderr"
same "diff --git: status 0" "$?" 0

# 9. A shallow clone: history as far as it goes, no error.
git clone -q --depth 1 "file://$repo" "$work/shallow" 2> /dev/null || exit 2
check "$work/shallow"
same "shallow: no diagnostic" "$(cat "$work/stdout")" ""
same "shallow: status 0" "$(cat "$work/status")" 0
git clone -q --depth 3 "file://$repo" "$work/shallow3" 2> /dev/null || exit 2
"$bin" build "$work/shallow3" -o "$work/site3" --quiet > /dev/null 2>&1
same "shallow build: status 0" "$?" 0
python3 - "$work/site3/isms.json" <<'EOF' && ok || no "shallow build: history marked incomplete"
import json, sys
d = json.load(open(sys.argv[1]))["document_control"]
assert d["checked"] and d["commits"] == 3 and d["complete"] is False, d
EOF

# 10. A subfolder of a repository is not its top: skipped, quietly unless asked.
mono=$work/mono
mkdir -p "$mono"
cp -R "$here/cases/clean-tree/src" "$mono/isms"
git init -q -b main "$mono" || exit 2
commit "$mono" 2026-01-02 "Alice Example" "Initial"
echo "Changed." >> "$mono/isms/$pol"
commit "$mono" 2026-01-03 "Alice Example" "Edit"
check "$mono/isms"
same "subfolder: no diagnostic" "$(cat "$work/stdout")" ""
same "subfolder: no note by default" "$(cat "$work/stderr")" "ismsc: 10 files, 0 errors, 0 warnings"
echo "  document-control: warning" >> "$mono/isms/isms.yaml"
check "$mono/isms"
same "subfolder, rule asked for: the note, then the summary" "$(cat "$work/stderr")" \
"ismsc: note: $mono/isms is not the top of a git checkout; document-control skipped
ismsc: 10 files, 0 errors, 0 warnings"
check "$mono/isms" --quiet
same "subfolder, --quiet: no note" "$(cat "$work/stderr")" ""

# 11. Not a git checkout at all.
plain=$work/plain
cp -R "$here/cases/clean-tree/src" "$plain"
check "$plain"
same "plain: no diagnostic" "$(cat "$work/stdout")" ""
same "plain: summary only" "$(cat "$work/stderr")" "ismsc: 10 files, 0 errors, 0 warnings"
echo "  document-control: warning" >> "$plain/isms.yaml"
check "$plain"
same "plain, rule asked for: stdout unchanged" "$(cat "$work/stdout")" ""
same "plain, rule asked for: one note" "$(cat "$work/stderr")" \
"ismsc: note: $plain is not the top of a git checkout; document-control skipped
ismsc: 10 files, 0 errors, 0 warnings"
"$bin" build "$plain" -o "$work/plainsite" --quiet > /dev/null 2>&1
grep -q 'No change history: the source is not the top of a git checkout.' "$work/plainsite/policy/POL-1.html" \
  && ok || no "plain build: the page says why there is no history"
python3 - "$work/plainsite/isms.json" <<'EOF' && ok || no "plain build: isms.json says skipped"
import json, sys
d = json.load(open(sys.argv[1]))["document_control"]
assert d == {"checked": False, "reason": "the source is not the top of a git checkout"}, d
EOF

# 12. A repository with no commit yet.
empty=$work/empty
cp -R "$here/cases/clean-tree/src" "$empty"
git init -q -b main "$empty" || exit 2
echo "  document-control: warning" >> "$empty/isms.yaml"
check "$empty"
same "no commits: one note" "$(cat "$work/stderr")" \
"ismsc: note: $empty has no commits; document-control skipped
ismsc: 10 files, 0 errors, 0 warnings"

# ... and one whose HEAD names an object that is not there (detached): the
# same note, and no leak (under ASan; libgit2's revparse leaked one here).
dangling=$work/dangling
cp -R "$here/cases/clean-tree/src" "$dangling"
git init -q -b main "$dangling" || exit 2
echo "  document-control: warning" >> "$dangling/isms.yaml"
echo 0123456789012345678901234567890123456789 > "$dangling/.git/HEAD"
check "$dangling"
same "dangling HEAD: one note" "$(cat "$work/stderr")" \
"ismsc: note: $dangling has no commits; document-control skipped
ismsc: 10 files, 0 errors, 0 warnings"
same "dangling HEAD: status 0" "$(cat "$work/status")" 0

# ... and a .git that is no repository.
mkdir "$plain/.git"
check "$plain"
same "broken .git: one note" "$(cat "$work/stderr")" \
"ismsc: note: $plain has a git repository that cannot be opened; document-control skipped
ismsc: 10 files, 0 errors, 0 warnings"
same "broken .git: status 0" "$(cat "$work/status")" 0

# 13. Hostile commit metadata: odd names, a huge message, bad UTF-8, control
# characters, markup. The page stays well-formed and escaped.
hostile=$work/hostile
cp -R "$here/cases/clean-tree/src" "$hostile"
git init -q -b main "$hostile" || exit 2
commit "$hostile" 2026-01-02 '<script>alert(1)</script> & "Mallory"' "Initial <b>bold</b> & co"
echo "x" >> "$hostile/$pol"
python3 -c 'import sys; sys.stdout.buffer.write(b"<img src=x onerror=alert(1)> " + b"A" * 2000000 + b"\xff\xfe\x01\x1b[31m end\n\nbody\n")' > "$work/msg"
(cd "$hostile" && git add -A && GIT_AUTHOR_DATE=2026-01-03T10:00:00Z GIT_COMMITTER_DATE=2026-01-03T10:00:00Z \
  GIT_AUTHOR_NAME=$'\xc3\x28 bad \x07 utf8' GIT_COMMITTER_NAME=x git -c i18n.commitEncoding=latin1 commit -q -F "$work/msg") || exit 2
check "$hostile"
same "hostile: status 0" "$(cat "$work/status")" 0
case "$(cat "$work/stdout")" in *"[document-control]") ok ;; *) no "hostile: the finding"; cat "$work/stdout" ;; esac
"$bin" build "$hostile" -o "$work/hsite" --quiet > /dev/null 2> "$work/stderr"
same "hostile build: status 0" "$?" 0
hp=$work/hsite/policy/POL-1.html
grep -q '<script>alert' "$hp" && no "hostile: an author's markup is escaped" || ok
grep -q '<img src=x' "$hp" && no "hostile: a subject's markup is escaped" || ok
# (git itself drops < and > from names, and a trailing quote)
grep -q '<td>scriptalert(1)/script &amp; &quot;Mallory</td>' "$hp" && ok || no "hostile: the author shown escaped"
grep -q $'<td>\xef\xbf\xbd( bad   utf8</td>' "$hp" && ok || no "hostile: bad UTF-8 and control characters in a name replaced"
grep -q 'Initial &lt;b&gt;bold&lt;/b&gt; &amp; co' "$hp" && ok || no "hostile: the subject shown escaped"
size=$(wc -c < "$hp")
[ "$size" -lt 100000 ] && ok || no "hostile: a huge subject is cut ($size bytes)"
grep -q 'AAAA…' "$hp" && ok || no "hostile: a cut subject ends with an ellipsis"
python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$hp" 2> /dev/null \
  && ok || no "hostile: the page is valid UTF-8"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/hsite/isms.json" && ok || no "hostile: isms.json parses"
xmllint --noout "$work/hsite/isms.xml" 2> /dev/null && ok || no "hostile: isms.xml well-formed"

echo "doccontrol: $pass passed, $fail failed"
[ $fail = 0 ]
