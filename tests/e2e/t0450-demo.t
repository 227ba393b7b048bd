#!/bin/sh
# The demo's month: October's refusal report is the same after the requeue
# and November's registry as before them, and agrees with oms-invoice; the
# catalogs it converts with oms-nsi put every catalog rule in force
cd "${0%/*}" && . ./lib.sh
plan 11

OMS_DEMO_WS=$TMP/demo sh ../../examples/demo.sh >"$TMP/out" 2>"$TMP/err"; rc=$?
check 'the demo runs to its end' '[ $rc -eq 0 ] && grep -q "^Everything is in" "$TMP/out"'
check 'it requeued accounts and sent them in November' \
    'grep -q "due: 0 primary, [1-9][0-9]* repeated" "$TMP/out" &&
     [ "$(awk -F"\t" "\$2 == \"export\" && \$8 == 1" "$TMP/demo/ledger.tsv" | wc -l)" -gt 0 ]'
check 'October refused something' \
    'awk -F"\t" "\$1 == \"total\" && \$2 == \"refused\" && \$6 > 0 { n++ } END { exit !n }" "$TMP/demo/otkazy-2026-10.tsv"'
check 'oms-analyze -p 2026-10 prints after them what it printed before' \
    'oms-analyze -C "$TMP/demo" -p 2026-10 | cmp -s - "$TMP/demo/otkazy-2026-10.tsv"'
oms-invoice -C "$TMP/demo" -p 2026-10 | awk -F'\t' 'NR > 1 { print $1, $6, $2, $3 }' | sort >"$TMP/inv"
awk -F'\t' '$1 == "payer_total" { print $2, $4, $5, $6 }' "$TMP/demo/otkazy-2026-10.tsv" | sort >"$TMP/an"
check '... and its claimed and refused per payer are oms-invoice -p 2026-10s' \
    '[ -s "$TMP/inv" ] && diff -u "$TMP/inv" "$TMP/an" >&2'

# --- the catalogs: examples/nsi converted into the demo's ref/
check 'the demo converted a table for every catalog ref/rules.tsv names' \
    'for t in $(cut -f8,10 ../../ref/rules.tsv | grep -o "[A-Z][0-9][0-9][0-9]\.tsv" | sort -u); do
         [ -s "$TMP/demo/ref/$t" ] || { echo "no $t" >&2; exit 1; }
     done'
check '... and F002 the fund'"'"'s row besides the insurers' \
    'grep -q "^76000	" "$TMP/demo/ref/F002.tsv" && grep -q "^77011	" "$TMP/demo/ref/F002.tsv"'
check 'no export of the demo says a rule is not in force' \
    '[ -s "$TMP/demo/ref/V002.tsv" ] && ! grep -q "not in force" "$TMP/err"'
# the demo's cases with its tables, again: then with a code taken out
ws=$TMP/again
mkdir -p "$ws"
cp -R "$TMP/demo/oms.conf" "$TMP/demo/ref" "$TMP/demo/source" "$ws/"
oms-select -C "$ws" -p 2026-10 >"$TMP/due"
expect_exit 'October'"'"'s cases pass every rule with the demo'"'"'s tables' 0 '' \
    oms-export -n -C "$ws" "$TMP/due"
check '... no rule named, none out of force' '! grep -q "F\.00\.\|not in force" "$TMP/err"'
awk -F'\t' '$1 != "97"' "$TMP/demo/ref/V002.tsv" >"$ws/ref/V002.tsv"
expect_exit 'with profile 97 taken out of ref/V002.tsv, its cases are refused by 001F.00.0270' 1 \
    'account [-0-9a-f]+: 001F\.00\.0270: PROFIL must be a code of V002 .*PROFIL "97" is not in V002\.tsv' \
    oms-export -n -C "$ws" "$TMP/due"
done_testing
