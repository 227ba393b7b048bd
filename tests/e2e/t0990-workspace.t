#!/bin/sh
# a workspace that cannot be turned against its owner: links planted in it
# are refused, not followed; an empty or header-torn ledger is mended, one
# with events after a torn header is refused with the command that mends
# it; what an interrupted run left is finished by any writer and reported
# by the readers; nothing in outbox/ is removed or written over
cd "${0%/*}" && . ./lib.sh
plan 34

ws=$(newws ws conf)
oms-gen -s 4 -n 6 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due"
victim=$TMP/victim
printf 'precious\n' >"$victim"
intact() { [ "$(cat "$victim")" = precious ]; }

# --- a planted lock link: refused, the file it points at untouched
ln -s "$victim" "$ws/.oms.lock"
expect_exit 'a linked .oms.lock is refused' 3 '\.oms\.lock: is a symbolic link' \
    oms-export -C "$ws" "$TMP/due"
check '... and the file it points at is untouched' intact
expect_exit '... by a dry-run oms-requeue too' 3 'is a symbolic link' \
    oms-requeue -C "$ws" -n -a X
check '... still untouched' intact
rm "$ws/.oms.lock"

ln "$victim" "$ws/.oms.lock"
expect_exit 'a hard-linked .oms.lock is refused' 3 'other hard links' \
    oms-export -C "$ws" "$TMP/due"
check '... the other name untouched' intact
rm "$ws/.oms.lock"

mkfifo "$ws/.oms.lock"
expect_exit 'a FIFO for .oms.lock is refused, not waited on' 3 'not a plain file' \
    timeout 10 oms-export -C "$ws" "$TMP/due"
rm "$ws/.oms.lock"

# --- a linked ledger: neither read nor appended to
cp "$victim" "$TMP/victim2"
ln -s "$TMP/victim2" "$ws/ledger.tsv"
expect_exit 'a linked ledger.tsv is refused by a writer' 3 'ledger\.tsv: is a symbolic link' \
    oms-export -C "$ws" "$TMP/due"
expect_exit '... and by a reader' 3 'ledger\.tsv: is a symbolic link' \
    oms-select -C "$ws" -s new
check '... the file it points at is unchanged' \
    '[ "$(cat "$TMP/victim2")" = precious ]'
rm "$ws/ledger.tsv"

# --- a linked outbox/: no archive written through it
mkdir "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$ws/outbox"
expect_exit 'a linked outbox/ is refused' 3 'outbox: is a symbolic link' \
    oms-export -C "$ws" "$TMP/due"
check '... nothing written where it points, nothing recorded' \
    '[ -z "$(ls -A "$TMP/elsewhere")" ] &&
     [ "$(oms-select -C "$ws" -s in-flight | tail -n +2 | wc -l)" -eq 0 ]'
rm "$ws/outbox"

# --- a linked archive/: no reply copied through it, nothing recorded
ws5=$(newws ws5 conf)
cp -R "$ws/source" "$ws5/"
oms-export -C "$ws5" "$TMP/due" >/dev/null 2>&1
oms-fund -s 5 --refuse 2 -o "$TMP/in5" "$ws5"/outbox/H*.zip 2>/dev/null
mkdir "$TMP/elsewhere5"
ln -s "$TMP/elsewhere5" "$ws5/archive"
before=$(cksum <"$ws5/ledger.tsv")
expect_exit 'a linked archive/ is refused by oms-import' 3 'archive: is a symbolic link' \
    oms-import -C "$ws5" "$TMP"/in5/V*.zip
check '... nothing copied where it points, the ledger unchanged' \
    '[ -z "$(ls -A "$TMP/elsewhere5")" ] && [ "$(cksum <"$ws5/ledger.tsv")" = "$before" ]'

# --- a workspace others may write: said
chmod 0777 "$ws"
expect_exit 'a workspace others can write is named, with the chmod to run' 0 \
    'writable by others|written by others.*chmod go-w' oms-select -C "$ws" -s new
chmod 0700 "$ws"

# --- the ledger: empty, or its header cut, with no events: made anew
: >"$ws/ledger.tsv"
expect_exit 'an empty ledger.tsv reads as a new ledger' 0 '' oms-select -C "$ws" -s new
ok '... and an export writes it anew, with its header' \
    oms-export -C "$ws" "$TMP/due"
check '... whose first line is the header' \
    'head -n 1 "$ws/ledger.tsv" | grep -q "^time	event	account	"'
full=$(cat "$ws/ledger.tsv")
nsent=$(oms-select -C "$ws" -s in-flight | tail -n +2 | wc -l)
check '... and which records every account sent' \
    '[ "$nsent" -eq $(($(wc -l <"$TMP/due") - 1)) ]'

ws2=$(newws ws2 conf)
cp -R "$ws/source" "$ws2/"
head -c 17 "$ws/ledger.tsv" >"$ws2/ledger.tsv"	# the header, cut
ok 'a ledger cut inside its header, with no events, is written anew' \
    oms-export -C "$ws2" "$TMP/due"
check '... and then holds the same export' \
    '[ "$(oms-select -C "$ws2" -s in-flight | tail -n +2 | wc -l)" -eq "$nsent" ]'

# --- events after a missing or cut header: refused with the exact mend
ws3=$(newws ws3 conf)
cp -R "$ws/source" "$ws3/"
tail -n +2 "$ws/ledger.tsv" >"$ws3/ledger.tsv"	# no header at all
expect_exit 'events after a missing header are refused' 1 \
    'ledger\.tsv:1: .*header line is missing but events follow' \
    oms-select -C "$ws3" -s in-flight
fix=$(sed -n 's/.*in the workspace run: //p' "$TMP/err")
check '... naming the command that mends it' '[ -n "$fix" ]'
check '... which mends it: the same ledger as before' \
    '(cd "$ws3" && eval "$fix") && [ "$(cat "$ws3/ledger.tsv")" = "$full" ] &&
     [ "$(stat -c %a "$ws3/ledger.tsv")" = 600 ]'
{ head -c 20 "$ws/ledger.tsv"; tail -n +2 "$ws/ledger.tsv"; } >"$ws3/ledger.tsv"
expect_exit 'events after a cut header are refused too' 1 \
    'header line is cut short but events follow' oms-select -C "$ws3" -s new
fix=$(sed -n 's/.*in the workspace run: //p' "$TMP/err")
check '... and the command given mends that as well' \
    '(cd "$ws3" && eval "$fix") && [ "$(cat "$ws3/ledger.tsv")" = "$full" ]'

# --- an export stopped between its commit and the rename
arch=$(ls "$ws/outbox" | head -n 1)
mv "$ws/outbox/$arch" "$ws/outbox/.tmp-$arch-Xy12Z9"
mkdir -p "$ws/archive" && echo half >"$ws/archive/.tmp-reply.zip-Ab34Cd"
expect_exit 'a reader reports a recorded archive not yet in place' 0 \
    "outbox/$arch: warning: recorded in the ledger but still named" \
    oms-select -C "$ws" -s new
check '... and an import'"'"'s leftover, changing nothing' \
    'grep -q "archive/.tmp-reply.zip-Ab34Cd: warning: left by an interrupted" "$TMP/err" &&
     [ -e "$ws/outbox/.tmp-$arch-Xy12Z9" ] && [ -e "$ws/archive/.tmp-reply.zip-Ab34Cd" ]'
head -n 1 "$TMP/due" >"$TMP/none"
ok 'an export with nothing due finishes it' oms-export -C "$ws" "$TMP/none"
check '... the archive under its name, the leftovers gone' \
    '[ -e "$ws/outbox/$arch" ] && [ ! -e "$ws/outbox/.tmp-$arch-Xy12Z9" ] &&
     [ ! -e "$ws/archive/.tmp-reply.zip-Ab34Cd" ]'

# --- a ledger cut inside its first block: the sent archive is kept
ws4=$(newws ws4 conf)
cp -R "$ws/source" "$ws4/"
oms-export -C "$ws4" "$TMP/due" >/dev/null 2>&1
arch=$(ls "$ws4/outbox" | grep "^H")
sum=$(cksum <"$ws4/outbox/$arch")
head -c 700 "$TMP/ws4/ledger.tsv" >"$TMP/cut" && cp "$TMP/cut" "$ws4/ledger.tsv"
expect_exit 'after the ledger lost its export, the next one refuses to write over it' 3 \
    "outbox/$arch: exists but the ledger does not record it" \
    oms-export -C "$ws4" "$TMP/due"
check '... the archive that may have been sent is there, unchanged' \
    '[ "$(cksum <"$ws4/outbox/$arch")" = "$sum" ] &&
     grep -q "outbox/$arch: warning: not recorded in the ledger" "$TMP/err"'
check '... and the ledger records no second export of its accounts' \
    '[ "$(oms-select -C "$ws4" -s in-flight 2>/dev/null | tail -n +2 | wc -l)" -eq 0 ]'

# --- workspaces made by the examples are their owner's alone
rm -rf "$TMP/newws"
oms-gen -s 1 -n 2 -m 1 -p 2026-10 -o "$TMP/newws/source" 2>/dev/null
check 'oms-gen makes the directories it creates 0700' \
    '[ "$(stat -c %a "$TMP/newws")" = 700 ] &&
     [ "$(stat -c %a "$TMP/newws/source")" = 700 ]'

done_testing
