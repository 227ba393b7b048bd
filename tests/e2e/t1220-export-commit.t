#!/bin/sh
# oms-export writes its ledger lines while the archives are packed and
# made durable, and its commit line only after them: when an archive
# cannot be made durable, the lines already written are cut off, the
# ledger is what it was byte for byte, no archive and no temporary file
# stays, and the same export run again records what one undisturbed run
# records.  6000 accounts make more than a piece of lines (1 MiB), so
# that some are in the file before the archive fails.  A yar76 bill
# numbers its accounts while it is packed: there the lines wait for the
# numbers (3000 accounts, so that they would not be there in time).
cd "${0%/*}" && . ./lib.sh
plan 7

shim=$(cd ../faults && pwd)/faultshim.so
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
ws=$(newws w conf)
oms-gen -s 11 -n 6000 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
cp -R "$ws" "$TMP/ref"
oms-select -C "$ws" -p 2026-10 >"$TMP/all"
# a first export of 100 accounts, so that the ledger holds a commit
head -101 "$TMP/all" | oms-export -q -C "$ws" >/dev/null
head -101 "$TMP/all" | oms-export -q -C "$TMP/ref" >/dev/null
before=$(snapshot "$ws")
ledger_before=$(cksum <"$ws/ledger.tsv")
oms-select -C "$ws" -p 2026-10 >"$TMP/rest"

# the archives' fsync fails: the packing is done, the lines written
FAULT_DIR="$ws/outbox" FAULT_OPS=fsync FAULT_AT=0 LD_PRELOAD="$shim" \
    FAULT_LOG="$TMP/fault.log" oms-export -C "$ws" <"$TMP/rest" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
check 'an archive that cannot be made durable fails the export (exit 3)' \
    '[ $rc -eq 3 ] && [ -s "$TMP/fault.log" ] &&
     grep -q "outbox/HM760001T76_2610[0-9]*\.zip: fsync: No space left" "$TMP/err"'
check '... and the ledger is what it was, byte for byte' \
    '[ "$(cksum <"$ws/ledger.tsv")" = "$ledger_before" ]'
check '... no new archive, no temporary file: the workspace as it was' \
    '[ "$(snapshot "$ws")" = "$before" ]'

# the same again without the fault, and an undisturbed workspace
oms-select -C "$ws" -p 2026-10 | oms-export -q -C "$ws" >"$TMP/reg"
rc=$?
oms-select -C "$TMP/ref" -p 2026-10 | oms-export -q -C "$TMP/ref" >"$TMP/reg.ref"
check 'run again, the export records every account' \
    '[ $rc -eq 0 ] && [ "$(grep -c "	export	" "$ws/ledger.tsv")" -eq 6000 ]'
# the time column differs from run to run
mask() { awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $1 = "T" } { print }' "$1"; }
check '... its ledger that of an undisturbed run, the time aside' \
    '[ "$(mask "$ws/ledger.tsv" | cksum)" = "$(mask "$TMP/ref/ledger.tsv" | cksum)" ]'
check '... and the same registries' 'cmp -s "$TMP/reg" "$TMP/reg.ref"'

wy=$(newws wy yar76)
oms-gen --profile yar76 -s 3 -n 3000 -m 1 -p 2026-10 -o "$wy/source" 2>/dev/null
oms-select -C "$wy" -p 2026-10 | oms-export -q -C "$wy" >"$TMP/regy"
unzip -p "$wy/$(tail -n +2 "$TMP/regy" | cut -f2)" bill.xml |
    grep -o '<personal_account [^>]*>' |
    sed -n 's/.* n_pp="\([0-9]*\)" xkey="\([^"]*\)".*/\2 \1/p' | sort >"$TMP/npp"
awk -F'\t' '$2 == "export" { print $3, $9 }' "$wy/ledger.tsv" | sort >"$TMP/nzap"
check 'yar76: each account'"'"'s N_ZAP in the ledger is its n_pp in the bill' \
    '[ "$(wc -l <"$TMP/npp")" -gt 2900 ] && diff -u "$TMP/npp" "$TMP/nzap" >/dev/null'
done_testing
