#!/bin/sh
# oms-select: a filter that can match nothing by mistake (-k Q, -P 99999,
# a bad date or state) exits 2 naming the value, and prints nothing; a kind
# of the profile, or a payer that oms.conf, ref/F002.tsv, the ledger or
# source/ knows, is taken even when no account has it
cd "${0%/*}" && . ./lib.sh
plan 32

mkdir "$TMP/noref" "$TMP/refdir"
ws=$(newws ws conf)
sed 's/^payers = .*/payers = 76001 76002 76009/' data/conf/oms.conf >"$ws/oms.conf"
oms-gen -s 7 -n 30 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
sel() { oms-select -C "$ws" -p 2026-10 "$@"; }
sel >"$TMP/all"
header=$(head -1 "$TMP/all")
rows() { tail -n +2 "$1" | wc -l; }	# rows FILE: accounts printed
empty_out='[ ! -s "$TMP/out" ]'

# --- -k
expect_exit '-k Q exits 2 naming Q' 2 '^oms-select: -k: "Q" is not a registry kind' sel -k Q
check '... and prints nothing' "$empty_out"
expect_exit '-k H,Q exits 2 naming Q' 2 '-k: "Q" is not' sel -k H,Q
check '... and prints nothing, and does not blame H' \
    "$empty_out"' && ! grep -q "\"H\"" "$TMP/err"'
expect_exit '-k H -k dp,D: each bad one is named' 2 '"D" is not' sel -k H -k dp,D
check '... "dp" too (kinds are capitals)' 'grep -q "\"dp\" is not" "$TMP/err"'
expect_exit '-k B (yar76 only) exits 2 with profile ffoms' 2 '-k: "B" is not' sel -k B
expect_exit '-k "" names no kind: exit 2' 2 '-k: "" names no kind' sel -k ''
sel -k H >"$TMP/h"; rc=$?
check '-k H exits 0 and prints rows' '[ $rc -eq 0 ] && [ $(rows "$TMP/h") -ge 5 ]'
check '... exactly the H rows' \
    '[ "$(awk -F"\t" "NR == 1 || \$3 == \"H\"" "$TMP/all")" = "$(cat "$TMP/h")" ]'
sel -k 'DP, DZ' >"$TMP/dz"; rc=$?
check '-k "DP, DZ": any D and a capital is a kind; DZ has no cases' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" "NR == 1 || \$3 == \"DP\"" "$TMP/all")" = "$(cat "$TMP/dz")" ]'

# --- -P
expect_exit '-P 99999 exits 2 naming it and where it looked' 2 \
    '^oms-select: -P: no payer "99999" in oms.conf, ref/F002.tsv, the ledger or source/$' \
    sel -P 99999
check '... and prints nothing' "$empty_out"
expect_exit '-P 76001,99999,88888: each unknown one is named' 2 '"88888"' sel -P 76001,99999,88888
check '... 99999 too, not 76001, nothing printed' \
    "$empty_out"' && grep -q "\"99999\"" "$TMP/err" && ! grep -q 76001 "$TMP/err"'
expect_exit '-P "" names no payer: exit 2' 2 '-P: "" names no payer' sel -P ''
sel -P 76002 >"$TMP/p2"; rc=$?
check '-P 76002 (a payer of the source) exits 0 and prints its rows' \
    '[ $rc -eq 0 ] && [ $(rows "$TMP/p2") -ge 3 ] &&
     [ "$(awk -F"\t" "NR == 1 || \$4 == \"76002\"" "$TMP/all")" = "$(cat "$TMP/p2")" ]'
sel -P 76009 >"$TMP/p9" 2>"$TMP/p9.err"; rc=$?
check '-P 76009, known only from oms.conf payers: just the header, exit 0' \
    '[ $rc -eq 0 ] && [ "$(cat "$TMP/p9")" = "$header" ] && [ ! -s "$TMP/p9.err" ]'
mkdir "$ws/ref"
printf 'code\tname\n76005\tInsurer 5\n' >"$ws/ref/F002.tsv"
printf 'code\tname\n76006\tInsurer 6\n' >"$TMP/refdir/F002.tsv"
OMS_REFDIR=$TMP/noref sel -P 76005 >"$TMP/p5"; rc=$?
check "-P 76005, known only from the workspace's ref/F002.tsv: header, exit 0" \
    '[ $rc -eq 0 ] && [ "$(cat "$TMP/p5")" = "$header" ]'
expect_exit '... the installed ref/F002.tsv is not read when the workspace has one' 2 \
    '"76006"' env OMS_REFDIR="$TMP/refdir" oms-select -C "$ws" -p 2026-10 -P 76006
rm -r "$ws/ref"
OMS_REFDIR=$TMP/refdir sel -P 76006 >"$TMP/p6"; rc=$?
check '-P 76006, known only from the installed ref/F002.tsv: header, exit 0' \
    '[ $rc -eq 0 ] && [ "$(cat "$TMP/p6")" = "$header" ]'

# payers known from source/ only: no "payers" key, no F002
ws2=$(newws ws2 conf)
sed '/^payers/d' data/conf/oms.conf >"$ws2/oms.conf"
oms-gen -s 7 -n 30 -m 1 -p 2026-10 -o "$ws2/source" 2>/dev/null
OMS_REFDIR=$TMP/noref oms-select -C "$ws2" -p 2026-10 -P 76001 >"$TMP/s1"; rc=$?
check '-P 76001 known only from the cases of source/: rows, exit 0' \
    '[ $rc -eq 0 ] && [ $(rows "$TMP/s1") -ge 3 ] &&
     [ -z "$(tail -n +2 "$TMP/s1" | cut -f4 | grep -v "^76001$")" ]'
expect_exit '... while -P 76003 there is unknown' 2 '"76003"' \
    env OMS_REFDIR="$TMP/noref" oms-select -C "$ws2" -p 2026-10 -P 76003

# payers known from the ledger only: exported, then source/ emptied and
# 76002 taken out of oms.conf
oms-select -C "$ws2" -p 2026-10 | oms-export -C "$ws2" --date 2026-11-03 >/dev/null 2>"$TMP/exp.err"
check 'the export recorded payer 76002 in the ledger' \
    'awk -F"\t" "\$2 == \"export\" && \$7 == \"76002\"" "$ws2/ledger.tsv" | grep -q .'
rm "$ws2"/source/*
OMS_REFDIR=$TMP/noref oms-select -C "$ws2" -s in-flight -P 76002 >"$TMP/l2"; rc=$?
check '-s in-flight -P 76002, known only from the ledger: header, exit 0' \
    '[ $rc -eq 0 ] && [ "$(cat "$TMP/l2")" = "$header" ]'
expect_exit '-s in-flight -P 76003 exits 2 naming it' 2 '-P: no payer "76003"' \
    env OMS_REFDIR="$TMP/noref" oms-select -C "$ws2" -s in-flight -P 76003
check '... and prints nothing' "$empty_out"

# --- the other filters: a bad value is a usage error that names it
expect_exit '-s sent (no such state) exits 2 naming it' 2 '-s: unknown state "sent"' \
    sel -s sent
expect_exit '--primary-from 2026-02-30 exits 2 naming it' 2 \
    '--primary-from: "2026-02-30" is not a date' sel --primary-from 2026-02-30
expect_exit '--repeat-from 2026-9-01 exits 2 naming it' 2 \
    '--repeat-from: "2026-9-01" is not a date' sel --repeat-from 2026-9-01

# --- yar76: B is the only kind
wy=$(newws wy yar76)
oms-gen --profile yar76 -s 3 -n 10 -m 1 -p 2026-10 -o "$wy/source" 2>/dev/null
oms-select -C "$wy" -p 2026-10 -k B >"$TMP/b"; rc=$?
check 'yar76: -k B exits 0 with every account' \
    '[ $rc -eq 0 ] && [ $(rows "$TMP/b") -eq 10 ]'
expect_exit 'yar76: -k H exits 2 naming it' 2 \
    '-k: "H" is not a registry kind of profile yar76' oms-select -C "$wy" -p 2026-10 -k H
done_testing
