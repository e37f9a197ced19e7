#!/bin/bash
# ismsc build --pack: the audit pack lists every file of the manual with a
# SHA-256 that sha256sum -c accepts, holds the diagnostics and the source
# revision, is the same byte for byte for the same input, and is part of
# the atomic output (a failing build or pack writes nothing).
#   tests/pack.sh BIN
set -u
bin=${1:?usage: pack.sh BIN}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
unset SOURCE_DATE_EPOCH
ok() { pass=$((pass + 1)); }
no() { echo "FAIL $1"; fail=$((fail + 1)); }
build() { "$bin" build "$@" --quiet > "$work/stdout" 2> "$work/stderr"; }
listing() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }
# the zip's members, one a line, in the zip's order
members() { python3 -c 'import sys, zipfile; [print(i.filename) for i in zipfile.ZipFile(sys.argv[1]).infolist()]' "$1"; }
# the files of an output tree as the pack names them
manual() { (cd "$1" && find . -type f ! -path ./.ismsc-output ! -path ./audit-pack.zip | sed 's|^\./|manual/|'); }
unzip_to() { python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"; }

cp -r "$top/samples" "$work/src"
rm -rf "$work/src/_site"

# 1. The pack of the sample: every file of the manual, the pack's own files, nothing else.
if build "$work/src" -o "$work/out" --as-of 2026-11-01 --pack && [ -f "$work/out/audit-pack.zip" ]; then ok; else no "build --pack: status $?"; cat "$work/stderr"; fi
want=$( (manual "$work/out"; printf '%s\n' MANIFEST.sha256 diagnostics.json diagnostics.txt pack-info.txt) | LC_ALL=C sort)
got=$(members "$work/out/audit-pack.zip")
if [ -n "$got" ] && [ "$got" = "$want" ]; then ok; else no "the zip's members are not the manual and the pack's files, in byte order"; diff <(echo "$got") <(echo "$want") | head; fi
if [ "$(echo "$got" | grep -c '^manual/')" -gt 100 ] && echo "$got" | grep -qx manual/soa.csv && echo "$got" | grep -qx manual/matrix.csv &&
   echo "$got" | grep -qx manual/index.html; then ok; else no "the manual, the SoA and the matrix are in the zip"; fi

# 2. The members: CRCs good, one time (as_of 00:00), mode 0644, made on Unix, no folders.
if python3 - "$work/out/audit-pack.zip" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, "bad CRC"
for i in z.infolist():
    assert i.date_time == (2026, 11, 1, 0, 0, 0), (i.filename, i.date_time)
    assert i.external_attr >> 16 == 0o100644, (i.filename, oct(i.external_attr >> 16))
    assert i.create_system == 3, i.filename
    assert not i.is_dir(), i.filename
EOF
then ok; else no "zip member headers"; fi

# 3. Unzipped: sha256sum -c accepts the manifest, which names every member but itself,
#    and the manual is the output tree byte for byte.
unzip_to "$work/out/audit-pack.zip" "$work/x"
if (cd "$work/x" && sha256sum --strict -c MANIFEST.sha256 > "$work/sums" 2>&1); then ok; else no "sha256sum -c MANIFEST.sha256"; grep -v ': OK$' "$work/sums" | head; fi
names=$(sed 's/^[0-9a-f]\{64\}  //' "$work/x/MANIFEST.sha256")
if [ "$names" = "$(echo "$got" | grep -vx MANIFEST.sha256)" ]; then ok; else no "the manifest does not name every member"; fi
if [ "$(grep -c '^[0-9a-f]\{64\}  ' "$work/x/MANIFEST.sha256")" = "$(wc -l < "$work/x/MANIFEST.sha256")" ]; then ok; else no "manifest lines are not '<sha256>  <path>'"; fi
# a wrong sum is caught: the manifest is not vacuous
sed -i '1s/^./0/;1s/^00/11/' "$work/x/MANIFEST.sha256"
if ! (cd "$work/x" && sha256sum --quiet -c MANIFEST.sha256 > /dev/null 2>&1); then ok; else no "a changed sum still checks"; fi
if diff -r -x .ismsc-output -x audit-pack.zip "$work/out" "$work/x/manual" > /dev/null; then ok; else no "the unzipped manual differs from OUT"; diff -rq -x .ismsc-output -x audit-pack.zip "$work/out" "$work/x/manual" | head; fi
if [ "$(cat "$work/x/pack-info.txt")" = "generator: ismsc $("$bin" --version | cut -d' ' -f2)
as_of: 2026-11-01
source_revision: none" ]; then ok; else no "pack-info.txt outside git"; cat "$work/x/pack-info.txt"; fi
if [ ! -s "$work/x/diagnostics.txt" ] && python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["summary"]["errors"] == 0 and d["diagnostics"] == []' "$work/x/diagnostics.json"; then ok; else no "the sample's diagnostics in the pack"; fi

# 4. Byte-identical: another folder, two seconds later, another time zone.
sleep 2
if TZ=JST-9 build "$work/src" -o "$work/again/out2" --as-of 2026-11-01 --pack && cmp "$work/out/audit-pack.zip" "$work/again/out2/audit-pack.zip"; then ok; else no "two packs of the same input differ"; fi
if TZ=EST5EDT build "$work/src" -o "$work/out3" --as-of 2026-11-01 --pack --format html && cmp "$work/out/audit-pack.zip" "$work/out3/audit-pack.zip"; then ok; else no "a pack made in another time zone differs"; fi
# ... and a later as_of gives another time, so the time does come from as_of
build "$work/src" -o "$work/out4" --as-of 2026-12-24 --pack
if python3 -c 'import sys, zipfile; assert all(i.date_time == (2026, 12, 24, 0, 0, 0) for i in zipfile.ZipFile(sys.argv[1]).infolist())' "$work/out4/audit-pack.zip"; then ok; else no "member times follow as_of"; fi

# 5. --format docbook --pack packs what was written: isms.xml.
if build "$work/src" -o "$work/db" --as-of 2026-11-01 --format docbook --pack &&
   [ "$(members "$work/db/audit-pack.zip" | tr '\n' ' ')" = "MANIFEST.sha256 diagnostics.json diagnostics.txt manual/isms.xml pack-info.txt " ] &&
   unzip_to "$work/db/audit-pack.zip" "$work/dbx" && (cd "$work/dbx" && sha256sum --quiet -c MANIFEST.sha256) &&
   cmp "$work/db/isms.xml" "$work/dbx/manual/isms.xml"; then ok; else no "--format docbook --pack"; fi

# 6. The diagnostics of the build: warnings, as check prints them, in text and JSON.
case=$here/cases/review-overdue
if build "$case/src" -o "$work/warn" --pack && unzip_to "$work/warn/audit-pack.zip" "$work/wx" &&
   cmp "$work/wx/diagnostics.txt" "$case/expected" &&
   "$bin" check "$case/src" --diagnostics json > "$work/check.json" 2> /dev/null; cmp "$work/wx/diagnostics.json" "$work/check.json"; then ok
else no "diagnostics.txt and .json are check's"; fi

# 7. A build with errors and --pack writes nothing (status 1); over an old OUT, OUT is kept.
case=$here/cases/id-duplicate
build "$case/src" -o "$work/bad" --pack; rc=$?
if [ $rc = 1 ] && [ ! -e "$work/bad" ]; then ok; else no "a build with errors and --pack: status $rc"; fi
before=$(listing "$work/out")
build "$case/src" -o "$work/out" --pack; rc=$?
if [ $rc = 1 ] && [ "$before" = "$(listing "$work/out")" ]; then ok; else no "a failing build with --pack touched OUT (status $rc)"; fi

# 8. A pack that cannot be written (file size limit between the largest file of the
#    manual and the zip): status 2, OUT as it was, no temporary folder left.
max=$(find "$work/out" -type f ! -name audit-pack.zip -printf '%s\n' | sort -n | tail -1)
zip=$(stat -c %s "$work/out/audit-pack.zip")
lim=$(( (max + zip) / 2 / 1024 ))
if [ $((lim * 1024)) -gt "$max" ] && [ $((lim * 1024)) -lt "$zip" ]; then
	(trap '' XFSZ; ulimit -f "$lim"; exec "$bin" build "$work/src" -o "$work/out" --as-of 2026-11-02 --pack --quiet) > /dev/null 2> "$work/stderr"; rc=$?
	if [ $rc = 2 ] && [ "$before" = "$(listing "$work/out")" ] && grep -q 'audit-pack.zip' "$work/stderr" &&
	   [ -z "$(find "$work" -maxdepth 1 -name '.out.ismsc-tmp-*')" ]; then ok
	else no "a pack that cannot be written: status $rc, $(cat "$work/stderr")"; fi
else no "no room for the size limit test (largest file $max, zip $zip)"; fi

# 9. In a git checkout the pack names the commit, and says when the files read differ from it.
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' GIT_CONFIG_GLOBAL=/dev/null
mkdir "$work/repo"
cp -r "$work/src" "$work/repo/isms"
printf '_site/\n' > "$work/repo/.gitignore"
printf 'Extra notes.\n' > "$work/repo/isms/extra.md"
git -C "$work/repo" init -q -b main && git -C "$work/repo" add -A && git -C "$work/repo" commit -q -m sample
rev=$(git -C "$work/repo" rev-parse HEAD)
pinfo() { python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("pack-info.txt").decode())' "$1"; }
if build "$work/repo/isms" --as-of 2026-11-01 --pack && pinfo "$work/repo/isms/_site/audit-pack.zip" | grep -qx "source_revision: $rev" &&
   pinfo "$work/repo/isms/_site/audit-pack.zip" | grep -qx "source_modified: no"; then ok
else no "the pack names the commit: $(pinfo "$work/repo/isms/_site/audit-pack.zip" 2>&1)"; fi
cp "$work/repo/isms/_site/audit-pack.zip" "$work/git1.zip"
sleep 1
if build "$work/repo/isms" --as-of 2026-11-01 --pack && cmp "$work/git1.zip" "$work/repo/isms/_site/audit-pack.zip"; then ok; else no "two packs of a commit differ"; fi
# a changed file, an untracked file, a removed file: modified
modified() { build "$work/repo/isms" --as-of 2026-11-01 --pack && pinfo "$work/repo/isms/_site/audit-pack.zip" | grep -qx "source_modified: yes"; }
echo >> "$work/repo/isms/glossary.md"
if modified; then ok; else no "a changed file is not reported as modified"; fi
git -C "$work/repo" checkout -q -- isms/glossary.md
cp "$work/repo/isms/glossary.md" "$work/repo/isms/glossary2.md"
if modified; then ok; else no "an untracked file is not reported as modified"; fi
rm "$work/repo/isms/glossary2.md"
rm "$work/repo/isms/extra.md"
if modified; then ok; else no "a removed file is not reported as modified"; fi
git -C "$work/repo" reset -q --hard
if build "$work/repo/isms" --as-of 2026-11-01 --pack && cmp "$work/git1.zip" "$work/repo/isms/_site/audit-pack.zip"; then ok; else no "back at the commit, the pack differs"; fi

# 9b. Hostile file names (a newline, a backslash, spaces, markup) are hashed and
# named so that sha256sum -c still accepts the manifest.
mkdir -p "$work/odd"
cp -r "$top/tests/cases/clean-tree/src/." "$work/odd/"
printf '# odd\n' > "$work/odd/we
ird\\name.md"
printf '# amp\n' > "$work/odd/a b&c <x>.md"
if build "$work/odd" -o "$work/odd-out" --as-of 2026-11-01 --pack; then
	unzip_to "$work/odd-out/audit-pack.zip" "$work/odd-x"
	if (cd "$work/odd-x" && sha256sum --strict -c MANIFEST.sha256 > /dev/null 2>&1) &&
	   grep -q '^\\[0-9a-f]\{64\}  manual/pages/we\\nird\\\\name.html$' "$work/odd-x/MANIFEST.sha256"; then ok
	else no "odd file names: the manifest does not check"; fi
else no "build --pack of odd file names: status $?"; cat "$work/stderr"; fi

# 10. --pack is an option of build only.
"$bin" check "$work/src" --pack > /dev/null 2>&1; rc=$?
if [ $rc = 2 ]; then ok; else no "check --pack: status $rc"; fi

echo "pack: $pass passed, $fail failed"
[ $fail = 0 ]
