#!/bin/sh
# The demo's month: October's refusal report is the same after the requeue
# and November's registry as before them, and agrees with oms-invoice
cd "${0%/*}" && . ./lib.sh
plan 5

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
done_testing
