#!/bin/sh
# oms-export with send_to = smo: one registry per kind and payer; --test
cd "${0%/*}" && . ./lib.sh
plan 7

ws=$(newws ws conf)
echo 'send_to = smo' >>"$ws/oms.conf"
oms-gen -s 4 -n 40 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 -k H >"$TMP/sel"
oms-export -C "$ws" --test <"$TMP/sel" >"$TMP/reg" 2>>"$TMP/setup.err"; rc=$?
check 'export to the insurers exits 0' '[ $rc -eq 0 ]'
check 'one registry per payer, named for the receiver' \
    '[ "$(cut -f1 "$TMP/reg" | tail -n +2 | sed "s/_.*//" | sort | tr "\n" " ")" = "HM760001S76001 HM760001S76002 HM760001T76 " ]'
check 'each registry holds the accounts of its payer' \
    'for p in 76001 76002 76000; do
        n=$(awk -F"\t" -v p=$p "\$4 == p" "$TMP/sel" | wc -l)
        m=$(awk -F"\t" -v p=$p "\$8 == p { print \$3 }" "$TMP/reg")
        [ "$n" -eq "$m" ] || exit 1
     done'
arc=$(awk -F'\t' '$8 == "76001" { print $2 }' "$TMP/reg")
reg=$(awk -F'\t' '$8 == "76001" { print $1 }' "$TMP/reg")
unzip -p "$ws/$arc" "$reg.XML" >"$TMP/h.xml"
check 'SCHET/PLAT names the insurer' \
    '[ "$(xmllint --xpath "string(//SCHET/PLAT)" "$TMP/h.xml")" = 76001 ]'
check 'the file is valid against its schema' \
    'xmllint --noout --schema "$OMS_XSDDIR/H-5.1.xsd" "$TMP/h.xml" 2>/dev/null'
check '--test is printed and recorded' \
    '[ "$(cut -f5 "$TMP/reg" | tail -n +2 | sort -u)" = 1 ] &&
     [ "$(grep -c "	registry	.*test=1;" "$ws/ledger.tsv")" -eq 3 ] &&
     grep -q "op=export-test" "$ws/ledger.tsv"'
check 'package numbers are distinct and consecutive' \
    '[ "$(cut -f1 "$TMP/reg" | tail -n +2 | sed "s/.*_2610//" | sort -n | tr "\n" " ")" = "1 2 3 " ]'
done_testing
