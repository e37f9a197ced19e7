#!/bin/bash
# Hostile input: each case is made here (some are too big or too odd to
# commit), checked within a time bound, and its diagnostics compared
# exactly. No case may crash, hang or take unbounded memory.
#   tests/hostile.sh BIN
set -u
bin=${1:?usage: hostile.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
# Under a sanitizer the binary is slower and bigger: bounds are looser.
case "$bin" in *asan*) tmax=60 mmax=2000000 ;; *) tmax=10 mmax=400000 ;; esac

# A tree with isms.yaml and the SoA rule off, so that a case shows only its own finding.
mktree() {
	rm -rf "$work/t"; mkdir -p "$work/t"
	printf 'name: Hostile\nas_of: 2026-01-01\nrules:\n  soa-missing: off\n' > "$work/t/isms.yaml"
}

# run NAME STATUS EXPECTED [ARGS...]: check $work/t, compare stdout and status.
run() {
	local name=$1 want=$2 expected=$3; shift 3
	local out=$work/out err=$work/err rc kb secs
	/usr/bin/time -f '%e %M' -o "$work/time" timeout "$tmax" "$bin" check "$work/t" "$@" > "$out" 2> "$err"
	rc=$?
	read -r secs kb < <(tail -n 1 "$work/time")
	if [ "$rc" = 124 ] || [ "$rc" -gt 2 ]; then
		echo "FAIL $name: status $rc (crash or timeout)"; sed -n '1,20p' "$err"; fail=$((fail + 1)); return
	fi
	if [ "$rc" != "$want" ] || [ "$(cat "$out")" != "$expected" ]; then
		echo "FAIL $name: status $rc (want $want)"; diff <(echo "$expected") "$out" | head -20
		sed -n '1,5p' "$err"; fail=$((fail + 1)); return
	fi
	if [ "${kb:-0}" -gt "$mmax" ]; then
		echo "FAIL $name: $kb KB peak memory"; fail=$((fail + 1)); return
	fi
	pass=$((pass + 1))
}

# 1. Invalid UTF-8 in a body, reported at its line and character column.
mktree
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n\nCaf\xc3\xa9 \xff here\n' > "$work/t/p.md"
run invalid-utf8 1 'p.md:9:6: error: text is not valid UTF-8 [syntax]'

# 2. Overlong and surrogate encodings are not UTF-8 either.
mktree
printf 'a\xc0\xafb\n' > "$work/t/a.md"
printf 'ok\n\xed\xa0\x80\n' > "$work/t/b.md"
run overlong-surrogate 1 'a.md:1:2: error: text is not valid UTF-8 [syntax]
b.md:2:1: error: text is not valid UTF-8 [syntax]'

# 3. A NUL byte.
mktree
printf -- '---\nid: P1\nkind: po\000licy\n---\n' > "$work/t/p.md"
run nul-byte 1 'p.md:3:9: error: text contains a NUL byte [syntax]'

# 4. A 50 MB file compiles.
mktree
{ printf -- '---\nid: BIG\nkind: asset\ntitle: Big\nowner: O\ntype: information\n---\n\n'
  yes 'A line of a very large asset description that goes on and on and on.
Another line of it, and a reference to [[BIG]] in a paragraph of its own.
' | head -c 50000000; echo; } > "$work/t/big.md"
mmax_saved=$mmax; mmax=$((mmax * 3))  # cmark-gfm's tree: ~20 bytes per byte of text
run file-50mb 0 "big.md:2:5: warning: asset 'BIG' is referred to by no risk [asset-unassessed]"
mmax=$mmax_saved

# 5. A file over 64 MiB: refused unread, at 1:1.
mktree
truncate -s 67108865 "$work/t/huge.md"
run file-over-64mib 1 'huge.md:1:1: error: file is larger than the limit of 64 MiB [limit]'

# 6. 20,000-deep YAML nesting, flow and block.
mktree
{ printf -- '---\nkind: policy\nx: '; head -c 20000 /dev/zero | tr '\0' '['; printf '\n---\n'; } > "$work/t/flow.md"
{ printf -- '---\nkind: policy\nx:\n'; for i in $(seq 20000); do printf -- '- '; done; printf 'leaf\n---\n'; } > "$work/t/block.md"
run yaml-depth-20000 1 'block.md:4:127: error: YAML nesting deeper than the limit of 64 [limit]
flow.md:3:67: error: YAML nesting deeper than the limit of 64 [limit]'

# 7. A YAML alias bomb (billion laughs), in front matter and in isms.yaml.
mktree
cat > "$work/t/bomb.md" <<'Y'
---
kind: policy
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
Y
run alias-bomb 1 'bomb.md:7:8: error: YAML aliases expand past the limit of 10000 nodes [limit]'

# A broken isms.yaml is the only finding: nothing is checked with settings it did not give.
mktree
printf 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n' >> "$work/t/isms.yaml"
run alias-bomb-isms-yaml 1 'isms.yaml:8:29: error: YAML aliases expand past the limit of 10000 nodes [limit]'

# 8. An alias to its own anchor cannot make a cycle.
mktree
printf -- '---\nkind: policy\na: &x [1, *x]\n---\n' > "$work/t/self.md"
run alias-self 1 "self.md:3:11: error: invalid YAML: undefined alias 'x' [syntax]"

# 9. Symbolic links out of the root (a file and a folder), one that leads
#    nowhere, one back up the tree (a cycle) and one inside: only the
#    inside one is followed.
mktree
mkdir -p "$work/outside" "$work/t/docs"
printf '# Outside\n' > "$work/outside/secret.md"
ln -s /etc/passwd "$work/t/passwd.md"
ln -s "$work/outside" "$work/t/out"
ln -s "$work/nowhere" "$work/t/dangling.md"
ln -s .. "$work/t/docs/up"
printf '# Page\n\nSee [the inside link](inside.md).\n' > "$work/t/docs/page.md"
ln -s page.md "$work/t/docs/inside.md"
run symlinks 0 'dangling.md:1:1: warning: symbolic link leads nowhere; not followed [symlink]
out:1:1: warning: symbolic link leads out of the source root; not followed [symlink]
passwd.md:1:1: warning: symbolic link leads out of the source root; not followed [symlink]'

# 10. A FIFO in the tree is not opened (it would block).
mktree
mkfifo "$work/t/fifo.md"
run fifo 0 ''

# 11. A million-key front matter: duplicate keys found without quadratic work.
mktree
python3 - "$work/t/keys.md" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("---\n")
    for i in range(300000):
        f.write("k%d: v\n" % i)
    f.write("k5: again\n---\n")
PY
run many-keys 1 "keys.md:300002:1: error: duplicate key 'k5' (first at line 7) [syntax]"

# 12. Pathological Markdown: deep nesting and a line of many [[ made by entities.
mktree
{ head -c 100000 /dev/zero | tr '\0' '>'; echo ' deep [[NOPE]]'; } > "$work/t/quotes.md"
python3 - "$work/t/entities.md" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("x " + "&#91;&#91;A]] " * 100000 + "\n")
PY
run markdown-pathological 1 'quotes.md:1:100007: error: reference to unknown id '"'NOPE'"' [ref-unknown]'

# 12b. The same, 100,000 lines of one paragraph, each with a link whose URL
# is written with an entity: the searches that find nodes cmark-gfm
# misplaces are paid for by the body's length (unbounded, they took minutes).
mktree
printf 'A page.\n' > "$work/t/a&b.md"
python3 - "$work/t/entities.md" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("".join("&#91;&#91;A]] [t](a&amp;b.md) x\n" for _ in range(100000)))
PY
run markdown-unfindable 0 ''

# 12c. A reference at each of 100,000 levels of emphasis: finding each one's
# block costs at most a few steps, not its depth (that was quadratic).
mktree
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/t/p.md"
python3 - "$work/t/deep.md" <<'PY'
import sys
n = 100000
with open(sys.argv[1], "w") as f:
    f.write("x " + "*[[P1]] " * n + "y" + "*" * n + "\n")
PY
run deep-emphasis-refs 0 ''

# 12d. The same tree built: the page links a reference by putting a link
# node before its text, and cmark-gfm walks every ancestor of a node put in
# (to refuse a cycle), so 100,000 links 100,000 deep took over a minute.
# Deeper than 128 nodes, references stay text; those above are links.
rm -rf "$work/o"
/usr/bin/time -f '%e %M' -o "$work/time" timeout "$tmax" "$bin" build "$work/t" -o "$work/o" \
    --quiet > "$work/out" 2> "$work/err"
rc=$?
page=$work/o/pages/deep.html
if [ $rc != 0 ] || [ ! -f "$page" ]; then
	echo "FAIL deep-emphasis-refs-build: status $rc"; sed -n '1,5p' "$work/err"; fail=$((fail + 1))
elif [ "$(grep -o 'href="../policy/P1.html"' "$page" | wc -l)" -lt 100 ] ||
    [ "$(grep -o '\[\[P1\]\]' "$page" | wc -l)" -lt 99000 ]; then
	echo "FAIL deep-emphasis-refs-build: links above 128 nodes, text below"; fail=$((fail + 1))
else
	pass=$((pass + 1))
fi

# 13. Front matter never closed; not a mapping; a scalar.
mktree
printf -- '---\nid: X\nkind: policy\n' > "$work/t/open.md"
printf -- '---\n- a\n- b\n---\n' > "$work/t/list.md"
printf -- '---\njust text\n---\n' > "$work/t/scalar.md"
run front-matter-shapes 1 'list.md:2:1: error: front matter is not a mapping [syntax]
open.md:1:1: error: front matter is never closed [syntax]
scalar.md:2:1: error: front matter is not a mapping [syntax]'

# 14. The command line: a missing folder, a folder without isms.yaml, a bad
#     --as-of, an unknown option: status 2 and nothing on stdout.
mktree
rm "$work/t/isms.yaml"
run no-isms-yaml 2 ''
mktree
run bad-as-of 2 '' --as-of 2026-02-30
run unknown-option 2 '' --frobnicate
rm -rf "$work/t"
run missing-folder 2 ''

# 15. 200,000 references on one line: each located without recounting the line
# (that was quadratic: minutes). A plain page, so no entity rules fire; the
# ids are unknown but one: the count of findings is what is checked.
mktree
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/t/p.md"
{ printf 'é '; for i in $(seq 2000); do printf '[[P1]] '; done; } > "$work/t/line.txt"
{ for i in $(seq 100); do cat "$work/t/line.txt"; done; echo; } > "$work/t/refs.md"
rm "$work/t/line.txt"
run many-refs-one-line 0 ''
if ! "$bin" check "$work/t" --diagnostics json 2>/dev/null | grep -q '"errors": 0'; then
	echo "FAIL many-refs-one-line: not clean"; fail=$((fail + 1))
fi

# 16. build on pathological bodies: 100,000 nested quotes, lists nested 2,000 deep (cmark-gfm
# itself is quadratic in list depth: 5,000 take it 2.4 s a parse), a
# 100,000-level emphasis run, 200,000 references on a line, headings by the thousand with
# one name: the site and the DocBook book are written, in bounded time and memory.
mktree
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/t/p.md"
{ head -c 100000 /dev/zero | tr '\0' '>'; echo ' deep [[P1]]'; } > "$work/t/quotes.md"
python3 - "$work/t" <<'PY'
import sys
d = sys.argv[1]
open(d + "/lists.md", "w").write("".join("  " * i + "- item [[P1]]\n" for i in range(2000)))
open(d + "/emph.md", "w").write("*" * 100000 + "x" + "*" * 100000 + "\n")
open(d + "/refs.md", "w").write("é " + "[[P1]] " * 200000 + "\n")
open(d + "/heads.md", "w").write("## Same\n\ntext\n\n" * 5000)
PY
out=$work/site
/usr/bin/time -f '%e %M' -o "$work/time" timeout "$tmax" "$bin" build "$work/t" -o "$out" --quiet > /dev/null 2> "$work/err"
rc=$?
read -r secs kb < <(tail -n 1 "$work/time")
if [ $rc = 0 ] && [ -f "$out/pages/lists.html" ] && [ -f "$out/isms.xml" ] && grep -q 'id="same-4999"' "$out/pages/heads.html" &&
   [ "${kb:-0}" -le $((mmax * 2)) ]; then pass=$((pass + 1))
else echo "FAIL build-pathological: status $rc, ${secs}s, ${kb} KB"; sed -n '1,5p' "$work/err"; fail=$((fail + 1)); fi
rm -rf "$out"

# 17. Rules stuck where the instruction count cannot reach (string patterns
# that backtrack, in C): each stopped at plugin_limits: seconds, keeping what
# it reported before, and the rules after each still run, in check and in
# build (which writes nothing).
mktree
printf 'plugins: [lua/]\nplugin_limits:\n  seconds: 1\n' >> "$work/t/isms.yaml"
mkdir -p "$work/t/lua"
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/t/p.md"
cat > "$work/t/lua/a.lua" <<'LUA'
return { id = "stuck-find", severity = "error", check = function(isms, report)
  report(nil, "a report before it is kept")
  string.find(string.rep("a", 100000), ".-.-.-.-.-b")
end }
LUA
cat > "$work/t/lua/b.lua" <<'LUA'
return { id = "after-one", severity = "warning", check = function(isms, report)
  report(nil, "%d entities", #isms.entities)
end }
LUA
cat > "$work/t/lua/c.lua" <<'LUA'
return {
  { id = "stuck-gsub", severity = "warning", check = function(isms, report)
    string.gsub(string.rep("x", 50000), "(.-)(.-)(.-)(.-)y", "%1")
  end },
  { id = "after-two", severity = "warning", check = function(isms, report)
    report(isms.by_id["P1"], "still here")
  end },
}
LUA
expected='isms.yaml:1:1: warning: 1 entities [after-one]
isms.yaml:1:1: error: a report before it is kept [stuck-find]
lua/a.lua:1:1: error: rule '"'"'stuck-find'"'"' stopped: time limit of 1 s reached (in a library call the instruction count cannot see, such as a string pattern that backtracks) [plugin]
lua/c.lua:2:1: error: rule '"'"'stuck-gsub'"'"' stopped: time limit of 1 s reached (in a library call the instruction count cannot see, such as a string pattern that backtracks) [plugin]
p.md:2:5: warning: still here [after-two]'
run stuck-patterns 1 "$expected"
timeout "$tmax" "$bin" build "$work/t" -o "$work/stuck-site" --quiet > /dev/null 2>&1; rc=$?
if [ $rc = 1 ] && [ ! -e "$work/stuck-site" ]; then pass=$((pass + 1))
else echo "FAIL stuck-patterns build: status $rc"; fail=$((fail + 1)); fi

# 18. File names that are not UTF-8 (every output names its files: JSON, the
# zip, links) are left out with a syntax error, written \xff in the text
# format; JSON and SARIF stay UTF-8 and keep every diagnostic.
mktree
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/t/p.md"
printf 'x\n' > "$work/t/$(printf 'bad-\xff.md')"
mkdir -p "$work/t/$(printf 'dir-\xe9')" && printf 'y\n' > "$work/t/$(printf 'dir-\xe9')/in.md"
run bad-file-names 1 'bad-\xff.md:1:1: error: file name is not valid UTF-8; left out [syntax]
dir-\xe9:1:1: error: file name is not valid UTF-8; left out [syntax]'
for fmt in json sarif; do
	if "$bin" check "$work/t" --diagnostics $fmt 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
n = len(d["diagnostics"]) if "diagnostics" in d else len(d["runs"][0]["results"])
sys.exit(0 if n == 2 else 1)'; then pass=$((pass + 1))
	else echo "FAIL bad-file-names: $fmt is not UTF-8 JSON with both diagnostics"; fail=$((fail + 1)); fi
done

# 19. A rule that reports huge messages: each is cut at 4 KiB (with an
# ellipsis), and what the reports keep counts against the rule's memory.
mktree
printf 'plugins: [lua/]\nplugin_limits:\n  memory_mb: 2\n' >> "$work/t/isms.yaml"
mkdir -p "$work/t/lua"
cat > "$work/t/lua/flood.lua" <<'LUA'
return {
  { id = "flood-some", severity = "warning", check = function(isms, report)
    local s = string.rep("x", 100000)
    for i = 1, 100 do report(nil, "%s", s) end
  end },
  { id = "flood-more", severity = "warning", check = function(isms, report)
    local s = string.rep("y", 100000)
    for i = 1, 1000 do report(nil, "%s", s) end
  end },
}
LUA
/usr/bin/time -f '%e %M' -o "$work/time" timeout "$tmax" "$bin" check "$work/t" > "$work/out" 2> /dev/null; rc=$?
read -r secs kb < <(tail -n 1 "$work/time")
if [ $rc = 1 ] && [ "$(grep -c '\[flood-some\]$' "$work/out")" = 100 ] &&
   [ "$(awk '{ if (length($0) > 4200) n++ } END { print n + 0 }' "$work/out")" = 0 ] &&
   grep -q "error: rule 'flood-more' failed: memory limit of 2 MiB reached \[plugin\]" "$work/out" &&
   [ "${kb:-0}" -le "$mmax" ]; then pass=$((pass + 1))
else echo "FAIL report-flood: status $rc, ${kb} KB"; grep -v '^isms.yaml' "$work/out" | head -3; fail=$((fail + 1)); fi

# 20. Bodies in the shapes where cmark-gfm 0.29 is quadratic, refused before
# it parses them: image openers around links, a line opening 40,000 lists,
# a table padded to 2,000 columns by 2,000 rows (gigabytes), also inside a
# block quote and with lines ended by \r alone. Each is a limit
# error at its line, at once; build writes nothing.
mktree
python3 - "$work/t" <<'PY'
import sys
d = sys.argv[1]
open(d + "/images.md", "w").write("intro\n\n" + "![[]()" * 30000 + "\n")
open(d + "/lists.md", "w").write("- " * 40000 + "x\n" + "\n" * 100)
n = 2000
open(d + "/table.md", "w").write("|" + "a|" * n + "\n|" + "-|" * n + "\n" + "|x|\n" * n)
open(d + "/quoted.md", "w").write("> |" + "a|" * n + "\n> |" + "-|" * n + "\n" + "> |x|\n" * n)
open(d + "/cr.md", "w", newline="").write("|" + "a|" * n + "\r|" + "-|" * n + "\r" + "|x|\r" * n)
PY
run markdown-quadratic 1 'cr.md:127:1: error: a table of more than 250000 cells [limit]
images.md:3:1: error: more than 20000 images in one file; cmark-gfm would take too long [limit]
lists.md:1:1: error: a line that opens more than 1000 lists; cmark-gfm would take too long [limit]
quoted.md:127:1: error: a table of more than 250000 cells [limit]
table.md:127:1: error: a table of more than 250000 cells [limit]'
timeout "$tmax" "$bin" build "$work/t" -o "$work/quad-site" --quiet > /dev/null 2>&1; rc=$?
if [ $rc = 1 ] && [ ! -e "$work/quad-site" ]; then pass=$((pass + 1))
else echo "FAIL markdown-quadratic build: status $rc"; fail=$((fail + 1)); fi

# 21. Plugin files stuck while they load (top-level code in a pattern that
# backtracks): each a plugin error, loading goes on without it, and every
# other rule runs once; a duplicate id, a missing plugin and a rule stuck at
# the end are each said once.
mktree
printf 'plugins: [lua/, nowhere.lua]\nplugin_limits:\n  seconds: 1\n' >> "$work/t/isms.yaml"
mkdir -p "$work/t/lua"
printf -- '---\nid: P1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n' > "$work/t/p.md"
cat > "$work/t/lua/a.lua" <<'LUA'
return { id = "first", severity = "warning", check = function(isms, report) report(nil, "first runs") end }
LUA
cat > "$work/t/lua/b.lua" <<'LUA'
string.find(string.rep("a", 100000), ".-.-.-.-.-b")
return { id = "never", severity = "warning", check = function(isms, report) report(nil, "never") end }
LUA
cat > "$work/t/lua/c.lua" <<'LUA'
return { { id = "third", severity = "warning", check = function(isms, report) report(nil, "third runs") end },
  { id = "first", severity = "warning", check = function(isms, report) report(nil, "dup") end } }
LUA
cat > "$work/t/lua/d.lua" <<'LUA'
local x = string.gsub(string.rep("x", 50000), "(.-)(.-)(.-)(.-)y", "%1")
return { id = "never2", severity = "warning", check = function() end }
LUA
cat > "$work/t/lua/e.lua" <<'LUA'
return { id = "last", severity = "warning", check = function(isms, report)
  report(nil, "kept, as when a rule errors"); string.find(string.rep("a", 100000), ".-.-.-.-.-b") end }
LUA
limit='time limit of 1 s reached (in a library call the instruction count cannot see, such as a string pattern that backtracks)'
run stuck-loads 1 "isms.yaml:1:1: warning: first runs [first]
isms.yaml:1:1: warning: kept, as when a rule errors [last]
isms.yaml:1:1: warning: third runs [third]
isms.yaml:5:17: error: plugin 'nowhere.lua' is no file or folder of the tree [plugin]
lua/b.lua:1:1: error: plugin does not load: $limit [plugin]
lua/c.lua:2:1: error: rule id 'first' is already taken [plugin]
lua/d.lua:1:1: error: plugin does not load: $limit [plugin]
lua/e.lua:1:1: error: rule 'last' stopped: $limit [plugin]"

# 22. plugins: naming folders that hold no plugin: an empty one (which git
# cannot keep, so it is made here) and a missing one written as a folder
# load nothing, in silence (SPEC §1: the project's Lua files are optional).
mktree
printf 'plugins: [lua/, empty, empty/]\n' >> "$work/t/isms.yaml"
mkdir -p "$work/t/empty"
run plugin-folders-empty 0 ''

# 23. Finalizers: a __gc that loops ran when the Lua state closed, after the
# budgets and the watch were off, and hung the run. setmetatable refuses a
# metatable with __gc; one added later marks nothing, so never runs. A file
# named lua, not a folder, is no plugin (the default loads lua/*.lua).
mktree
mkdir -p "$work/t/lua"
printf 'return { id="gc-loop", severity="warning", check=function()\n  keep = setmetatable({}, {__gc=function() while true do end end}) end }\n' \
  > "$work/t/lua/gc.lua"
printf 'local mt = {}\nlocal t = setmetatable({}, mt)\nmt.__gc = function() while true do end end\nreturn { id="gc-late", severity="warning", check=function(i, report) report(nil, "late __gc: %%s", tostring(getmetatable(t) == mt)) end }\n' \
  > "$work/t/lua/late.lua"
run plugin-finalizers 1 "isms.yaml:1:1: warning: late __gc: true [gc-late]
lua/gc.lua:2:1: error: rule 'gc-loop' failed: setmetatable: a plugin may not set __gc (a finalizer would run outside its rule) [plugin]"
mktree
printf 'notes, not Lua\n' > "$work/t/lua"
run plugin-default-not-a-file 0 ''

# 24. A body of 5,000,000 lines ended by CR alone: md_guard searched for the
# next LF from every line (quadratic: minutes); and its refusals count CR
# line ends too.
mktree
printf '  mandatory-docs: off\n' >> "$work/t/isms.yaml"
python3 -c "import sys;sys.stdout.buffer.write(b'---\nid: P-1\nkind: policy\ntitle: T\nowner: O\nstatus: draft\n---\n'+b'\r'*5000000+b'[[X]]\n')" > "$work/t/a.md"
run cr-lines 1 "a.md:5000008:1: error: reference to unknown id 'X' [ref-unknown]"
python3 -c "import sys;sys.stdout.buffer.write(b'a\rb\rc\r'+b'![x '*20001)" > "$work/t/a.md"
run cr-lines-limit 1 "a.md:4:1: error: more than 20000 images in one file; cmark-gfm would take too long [limit]"

echo "hostile ($bin): $pass passed, $fail failed"
[ $fail = 0 ]
