#!/bin/sh
# oms-import keeps the reply in archive/ while it reads it (a second
# thread copies it under a temporary name): whichever side fails, the
# read or the copy, nothing is recorded and no copy, temporary file or
# archive/ made by the run stays; a reply read whole is kept as received
cd "${0%/*}" && . ./lib.sh
plan 11

ws=$(newws ws conf)
oms-gen -s 21 -n 60 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
mkdir -p "$TMP/in"
oms-fund -s 3 --refuse 4 --partial 5 -o "$TMP/in" "$harc" 2>/dev/null
c=$(ls "$TMP"/in/HT76M760001_*[0-9].zip | head -1)
n=$(basename "$c" .zip)
# the same answer, its last end tag broken: the read fails at its end
mkdir "$TMP/bad" && (cd "$TMP/bad" && unzip -q "$c" && for f in *; do
    sed 's|</ZL_LIST>|</ZL_LIS>|' "$f" >x && mv x "$f"; done && zip -q "../$n.zip" * &&
    cd .. && rm -r bad && mkdir bad && mv "$n.zip" bad/)
# nothing in archive/, no temporary file, no decision: what the export left
untouched() {
	[ ! -e "$ws/archive" ] && cmp -s "$TMP/ledger.before" "$ws/ledger.tsv" &&
	    [ -z "$(find "$ws" -name '.tmp-*')" ]
}
cp "$ws/ledger.tsv" "$TMP/ledger.before"

expect_exit 'a reply that fails to read is refused, naming file and line' 1 \
    "bad/$n.zip:$n.XML:[0-9]+: " oms-import -C "$ws" "$TMP/bad/$n.zip"
check '... nothing recorded, no copy, no archive/ left behind' untouched

# the copy fails (archive is no directory), the read would succeed
: >"$ws/archive"
expect_exit 'a reply that cannot be kept is refused, naming archive' 3 'archive' \
    oms-import -C "$ws" "$c"
check '... nothing recorded, no temporary file' \
    'cmp -s "$TMP/ledger.before" "$ws/ledger.tsv" && [ -f "$ws/archive" ] &&
     [ ! -s "$ws/archive" ] && [ -z "$(find "$ws" -name ".tmp-*")" ]'
rm "$ws/archive"

oms-import -C "$ws" "$c" >"$TMP/out" 2>"$TMP/err"; rc=$?
check 'the reply itself is then imported' '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/out")" -gt 1 ]'
check '... kept as received, under its name, no temporary file' \
    'cmp -s "$c" "$ws/archive/$n.zip" && [ "$(ls -A "$ws/archive")" = "$n.zip" ]'
check '... its decisions recorded once' \
    '[ "$(grep -c "	decision	" "$ws/ledger.tsv")" -eq "$(($(wc -l <"$TMP/out") - 1))" ]'

# archive/ there already: a failed read leaves it as it was
cp "$ws/ledger.tsv" "$TMP/ledger.after"
mkdir "$TMP/bad2" && cp "$TMP/bad/$n.zip" "$TMP/bad2/$n-2.zip"
expect_exit 'a bad reply with archive/ there is refused' 1 "bad2/$n-2.zip" \
    oms-import -C "$ws" "$TMP/bad2/$n-2.zip"
check '... and archive/ holds what it held' \
    'cmp -s "$TMP/ledger.after" "$ws/ledger.tsv" &&
     [ "$(ls -A "$ws/archive")" = "$n.zip" ]'

oms-import -C "$ws" "$c" >"$TMP/again" 2>"$TMP/err"; rc=$?
check 'the same reply again changes nothing' \
    '[ $rc -eq 0 ] && cmp -s "$TMP/ledger.after" "$ws/ledger.tsv" &&
     grep -q "already imported" "$TMP/err"'
# the same name, other bytes, read whole: kept next to it (NAME-SHA8)
mkdir "$TMP/v2" && (cd "$TMP/v2" && unzip -q "$c" && zip -q -9 "$n.zip" *.XML)
oms-import -C "$ws" "$TMP/v2/$n.zip" >/dev/null 2>&1
check 'another file of that name is kept next to the first' \
    '[ "$(ls "$ws/archive" | wc -l)" -eq 2 ] && cmp -s "$c" "$ws/archive/$n.zip" &&
     [ -z "$(find "$ws" -name ".tmp-*")" ]'
done_testing
