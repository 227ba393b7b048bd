#!/bin/sh
# oms-import prints each decision as the import hands it over, once it is
# in the ledger, and keeps no result of the whole reply; the decisions
# keep their reasons apart, made when they get their first.  Several
# files in one run print what each prints alone, each file's rows with
# its own accounts and counts; a yar76 expertise that refuses nothing
# leaves its defects out of the account accepted.
cd "${0%/*}" && . ./lib.sh
plan 7

ws=$(newws ws conf)
oms-gen -s 21 -n 12 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
oms-fund -s 3 --refuse 2 --partial 1 -o "$TMP/in" "$harc" 2>/dev/null
C=$TMP/in/HT76M760001_26101.zip D=$TMP/in/HS76002M760001_26101.zip
cp -R "$ws" "$TMP/clean"

# each file alone, in a workspace of its own
oms-import -v -C "$ws" "$C" >"$TMP/c.out" 2>"$TMP/c.err"
oms-import -v -C "$ws" "$D" >"$TMP/d.out" 2>"$TMP/d.err"
cut -f2- "$ws/ledger.tsv" >"$TMP/alone.ledger"
rm -rf "$ws" && cp -R "$TMP/clean" "$ws"
oms-import -e -v -C "$ws" "$C" "$D" >"$TMP/both.out" 2>"$TMP/both.err"; rc=$?
check 'both answers are read' \
    '[ "$(awk -F"\t" "NR > 1" "$TMP/c.out" | wc -l)" -eq 11 ] &&
    [ "$(awk -F"\t" "NR > 1" "$TMP/d.out" | wc -l)" -gt 0 ]'
check 'two files in one run print the rows each prints alone, in order' \
    '{ cat "$TMP/c.out"; sed 1d "$TMP/d.out"; } | cmp -s - "$TMP/both.out"'
check '... and say the same of each (-v): its records and how many refused' \
    'cat "$TMP/c.err" "$TMP/d.err" | cmp -s - "$TMP/both.err"'
check '... and write the same decisions into the ledger' \
    '[ "$(cut -f2- "$ws/ledger.tsv")" = "$(cat "$TMP/alone.ledger")" ]'
check '... -e: refused accounts exit 1' '[ $rc -eq 1 ]'

# yar76: an expertise whose ps_elem refuse nothing (sum = suml) leaves the
# account accepted, without the codes of its defects
y=$(newws y yar76)
oms-gen --profile yar76 -s 3 -n 60 -m 2 -p 2026-09 -o "$y/source" 2>/dev/null
oms-select -C "$y" -p 2026-10 | oms-export -C "$y" >/dev/null 2>&1
oms-fund -s 3 --refuse 2 --partial 2 -o "$TMP/ydem" "$y"/outbox/*.7z 2>/dev/null
cp -R "$y" "$TMP/yclean"
B=1027600000001760401001261012B
mkdir -p "$TMP/yx"
unzip -p "$TMP/ydem/$B.7z" bill.xml >"$TMP/yx/bill0.xml"
oms-import -C "$y" "$TMP/ydem/$B.7z" >"$TMP/y0.out" 2>/dev/null
acc=$(awk -F'\t' '$5 == "accepted" { print $1; exit }' "$TMP/y0.out")
# the first expertise, made that account's, its ps_elem refusing nothing
python3 - "$TMP/yx/bill0.xml" "$TMP/yx/bill.xml" "$acc" <<'EOF'
import re, sys
s = open(sys.argv[1], 'rb').read()
i = s.index(b'<expertise ')
j = s.index(b'</expertise>', i)
e = re.sub(rb'xkey="[^"]*"', b'xkey="' + sys.argv[3].encode() + b'"',
    s[i:j], count=1)
e = re.sub(rb'suml="([^"]*)" sum="[^"]*"', rb'suml="\1" sum="\1"', e)
assert b'<defects ' in e
open(sys.argv[2], 'wb').write(s[:i] + e + s[j:])
EOF
(cd "$TMP/yx" && rm -f "$B.7z" && zip -q "$B.7z" bill.xml)
rm -rf "$y" && cp -R "$TMP/yclean" "$y"
oms-import -C "$y" "$TMP/yx/$B.7z" >"$TMP/y.out" 2>"$TMP/y.err"
check 'yar76: an expertise refusing nothing: its account accepted, no reasons' \
    '[ -n "$acc" ] && [ "$(awk -F"\t" -v a="$acc" "\$1 == a { print \$5 \":\" \$9 }" "$TMP/y.out")" = "accepted:" ]'
check '... and so in the ledger' \
    'grep "	decision	$acc	" "$y/ledger.tsv" | grep -q "decision=accepted;.*;reasons=$"'
done_testing
