#!/bin/sh
# A period is history: October's summary and sums stay what its replies
# decided when its refused accounts are queued, sent again in November and
# answered there; the summary's payer_total rows are oms-invoice's figures
cd "$(dirname "$0")" && . ./lib.sh || exit 1
plan 12

ws=$(newws ws conf)
oms-gen -s 14 -n 40 -m 2 -p 2026-10 -o "$ws/source" 2>/dev/null
ctl() { ls "$1"/[A-Z]*T76M760001_*[0-9].zip; }
dem() { ls "$1"/[A-Z]*S760*.zip "$1"/[A-Z]*T76M*D.zip 2>/dev/null; }
# answer DIR SEED DATE REGISTRIES-TSV: the fund answers them, all imported
answer() {
	oms-fund -s "$2" --flk 3 --refuse 5 --partial 3 --demand-refuse 3 \
	    --date "$3" -o "$1" $(awk -F'\t' -v w="$ws" 'NR > 1 { print w "/" $2 }' "$4") \
	    2>/dev/null &&
	oms-import -C "$ws" "$1"/V*.zip >"$1.flk" &&
	oms-import -C "$ws" $(ctl "$1") >"$1.control" &&
	oms-import -C "$ws" $(dem "$1") >"$1.demand"
}
# payer accounts claimed refused, from oms-analyze's payer_total rows and
# from oms-invoice
ptotal() { awk -F'\t' '$1 == "payer_total" { print $2 "\t" $4 "\t" $5 "\t" $6 }' "$1" | sort; }
pinv() { awk -F'\t' 'NR > 1 { print $1 "\t" $6 "\t" $2 "\t" $3 }' "$1" | sort; }

oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg10" 2>>"$TMP/setup.err"
answer "$TMP/oct" 5 2026-11-10 "$TMP/reg10"; rc=$?
check 'October was answered, with refusals at the ФЛК, control and demand stages' \
    '[ $rc -eq 0 ] && [ "$(($(wc -l <"$TMP/reg10") - 1))" -ge 2 ] &&
     for s in flk control demand; do
	awk -F"\t" -v s=$s "NR > 1 && \$4 == s && \$5 != \"accepted\" { n++ } END { exit !n }" "$TMP/oct.$s" || exit 1
     done'
oms-analyze -C "$ws" -p 2026-10 >"$TMP/an0"
oms-invoice -C "$ws" -p 2026-10 >"$TMP/inv0" 2>>"$TMP/setup.err"
check 'the payer_total rows are oms-invoice'"'"'s payer, accounts, claimed, refused' \
    'ptotal "$TMP/an0" >"$TMP/pt0" && [ "$(wc -l <"$TMP/pt0")" -eq 3 ] &&
     awk -F"\t" "\$4 != \"0.00\" { n++ } END { exit !n }" "$TMP/pt0" &&
     pinv "$TMP/inv0" | diff -u - "$TMP/pt0" >&2'

# the refused accounts go again, in November's registries
oms-analyze -C "$ws" -p 2026-10 -r | oms-requeue -C "$ws" >"$TMP/q" 2>/dev/null
awk -F'\t' '$2 == "queued" { print $1 }' "$TMP/q" | sort >"$TMP/queued"
check 'oms-analyze -r | oms-requeue queued some of October'"'"'s accounts' '[ -s "$TMP/queued" ]'
oms-select -C "$ws" -p 2026-11 | oms-export -C "$ws" >"$TMP/reg11" 2>>"$TMP/setup.err"
oms-select -C "$ws" -s in-flight >"$TMP/fly"
check '... which are in flight in November'"'"'s registries, repeated (pr_nov 1)' \
    'awk -F"\t" "NR > 1 && \$5 == 1 && \$2 == \"2026-11\" { print \$1 }" "$TMP/fly" | sort |
     diff -u "$TMP/queued" - >&2 &&
     for r in $(awk -F"\t" "NR > 1 && \$5 == 1 { print \$9 }" "$TMP/fly" | sort -u); do
	grep -q "^$r	.*	2026-11	" "$TMP/reg11" || exit 1
     done'
oms-analyze -C "$ws" -p 2026-10 >"$TMP/an1"
oms-invoice -C "$ws" -p 2026-10 >"$TMP/inv1" 2>>"$TMP/setup.err"
check 'oms-analyze -p 2026-10 prints exactly what it printed before' \
    'cmp "$TMP/an0" "$TMP/an1" >&2 || { diff "$TMP/an0" "$TMP/an1" | sed "s/^/# /" >&2; exit 1; }'
check 'oms-invoice -p 2026-10: payer, claimed, refused and accounts unchanged' \
    'pinv "$TMP/inv0" >"$TMP/pi0" && pinv "$TMP/inv1" | diff -u "$TMP/pi0" - >&2'
check '... and the payer_total rows are still oms-invoice'"'"'s' \
    'pinv "$TMP/inv1" | diff -u - "$(ptotal "$TMP/an1" >"$TMP/pt1"; echo "$TMP/pt1")" >&2'

# November answered: October is still what it was
answer "$TMP/nov" 6 2026-12-10 "$TMP/reg11"; rc=$?
check 'November was answered' '[ $rc -eq 0 ] && [ -s "$TMP/nov.demand" ]'
oms-select -C "$ws" -s accepted >"$TMP/acc"
check '... and accepted some of the accounts October refused' \
    'awk -F"\t" "NR > 1 && \$5 == 1 && \$2 == \"2026-11\" { print \$1 }" "$TMP/acc" | sort |
     comm -12 - "$TMP/queued" | grep -q .'
oms-analyze -C "$ws" -p 2026-10 >"$TMP/an2"
oms-invoice -C "$ws" -p 2026-10 >"$TMP/inv2" 2>>"$TMP/setup.err"
check 'oms-analyze -p 2026-10 still prints exactly what it printed first' \
    'cmp "$TMP/an0" "$TMP/an2" >&2 || { diff "$TMP/an0" "$TMP/an2" | sed "s/^/# /" >&2; exit 1; }'
check '... oms-invoice -p 2026-10 the same sums, and payer_total equal to them' \
    'pinv "$TMP/inv2" | diff -u "$TMP/pi0" - >&2 &&
     pinv "$TMP/inv2" | diff -u - "$(ptotal "$TMP/an2" >"$TMP/pt2"; echo "$TMP/pt2")" >&2'
# November claims what it sent, the resent accounts again
oms-analyze -C "$ws" -p 2026-11 >"$TMP/an11"
oms-invoice -C "$ws" -p 2026-11 >"$TMP/inv11" 2>>"$TMP/setup.err"
check 'November claims every account it sent, the repeated ones too, as its payer_total rows say' \
    '[ "$(awk -F"\t" "NR > 1 { n += \$3 } END { print n }" "$TMP/reg11")" -eq \
	"$(awk -F"\t" "NR > 1 { n += \$6 } END { print n }" "$TMP/inv11")" ] &&
     pinv "$TMP/inv11" | diff -u - "$(ptotal "$TMP/an11" >"$TMP/pt11"; echo "$TMP/pt11")" >&2'
done_testing
