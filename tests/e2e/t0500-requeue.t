#!/bin/sh
# oms-requeue: test registries restored, refused accounts resent as repeated
# ones with their lineage, one-off fixes, earlier periods
cd "${0%/*}" && . ./lib.sh
plan 27

ws=$(newws ws conf)
oms-gen -s 8 -n 80 -m 3 -p 2026-08 -o "$ws/source" 2>/dev/null
ctl() { ls "$1"/[A-Z]*T76M760001_*[0-9].zip; }

# --- the test cycle
oms-select -C "$ws" -p 2026-10 >"$TMP/due0"
oms-export -C "$ws" --test <"$TMP/due0" >/dev/null 2>>"$TMP/setup.err"
oms-fund -s 2 --refuse 1 -o "$TMP/t" "$ws"/outbox/HM*.zip 2>/dev/null
oms-import -C "$ws" $(ctl "$TMP/t") >"$TMP/tdec"
tref=$(awk -F'\t' '$5 == "rejected" { print $1 }' "$TMP/tdec")
check 'the test registry had one refusal' '[ "$(echo "$tref" | wc -w)" -eq 1 ]'
check '... which oms-analyze -r shows' \
    'oms-analyze -C "$ws" -r | cut -f1 | grep -qx "$tref"'
expect_exit 'an account refused by a test registry is not queued' 1 \
    'restore the test registries' oms-requeue -C "$ws" -a "$tref"
oms-requeue -C "$ws" --restore-test 2026-10 >"$TMP/restored"; rc=$?
check '--restore-test restores every account of the test registries' \
    '[ $rc -eq 0 ] && [ "$(tail -n +2 "$TMP/restored" | cut -f2 | sort -u)" = restored ] &&
     [ "$(($(wc -l <"$TMP/restored") - 1))" -eq "$(grep -c "	export	" "$ws/ledger.tsv")" ]'
check '... oms-analyze no longer shows what the test replies said' \
    '[ "$(oms-analyze -C "$ws" -r | wc -l)" -eq 1 ] &&
     ! oms-analyze -C "$ws" | grep -q "^total	refused"'
oms-select -C "$ws" -p 2026-10 >"$TMP/due1"
check '... and oms-select lists the whole period again, primary (pr_nov 0)' \
    'cmp -s "$TMP/due0" "$TMP/due1" && [ "$(tail -n +2 "$TMP/due1" | cut -f5 | sort -u)" = 0 ]'
check '... while the ledger keeps it all' \
    'grep -q "	decision	$tref	" "$ws/ledger.tsv" && grep -q "	restore	" "$ws/ledger.tsv"'
expect_exit 'restoring again finds nothing to restore' 1 'no test registry of 2026-10' \
    oms-requeue -C "$ws" --restore-test 2026-10

# --- the main cycle
oms-export -C "$ws" <"$TMP/due1" >/dev/null 2>>"$TMP/setup.err"
oms-fund -s 4 --refuse 12 --partial 2 -o "$TMP/m" "$ws"/outbox/HM760001T76_26103.zip "$ws"/outbox/DP*_26104.zip 2>/dev/null
oms-import -C "$ws" $(ctl "$TMP/m") >"$TMP/mdec"
awk -F'\t' '$5 == "rejected" && $9 !~ /(^|,)(221|222|205|207)(,|$)/ { print $1 }' "$TMP/mdec" | sort >"$TMP/curable"
awk -F'\t' '$5 == "rejected" && $9 ~ /(^|,)(221|222|205|207)(,|$)/ { print $1 }' "$TMP/mdec" | sort >"$TMP/final"
part=$(awk -F'\t' '$5 == "partial" { print $1; exit }' "$TMP/mdec")
acc=$(awk -F'\t' '$5 == "accepted" { print $1; exit }' "$TMP/mdec")
check 'the main registry had curable, final and partial refusals' \
    '[ -s "$TMP/curable" ] && [ -s "$TMP/final" ] && [ -n "$part" ]'
check 'a refused account is not due until queued' \
    '! oms-select -C "$ws" -p 2026-11 | cut -f1 | grep -qxF -f "$TMP/curable"'

before=$(snapshot "$ws")
expect_exit 'queueing an accepted account fails' 1 "$acc: accepted in HM760001T76_26103" \
    oms-requeue -C "$ws" -a "$acc"
expect_exit '... so does an unknown one' 1 'never sent' oms-requeue -C "$ws" -a no-such-account
oms-analyze -C "$ws" -r | oms-requeue -C "$ws" -n >"$TMP/dry" 2>"$TMP/dry.err"
check '... and neither, nor a dry run, changes anything' '[ "$before" = "$(snapshot "$ws")" ]'

oms-analyze -C "$ws" -r | oms-requeue -C "$ws" >"$TMP/q" 2>"$TMP/q.err"; rc=$?
check 'oms-analyze -r | oms-requeue queues the curable refusals' \
    'awk -F"\t" "\$2 == \"queued\" { print \$1 }" "$TMP/q" | sort | diff -u "$TMP/curable" - >&2'
check '... refuses the final reasons, naming account and reason, and exits 1' \
    '[ $rc -eq 1 ] && for a in $(cat "$TMP/final"); do grep -q "$a: refused for .*--force" "$TMP/q.err" || exit 1; done'
cp "$ws/oms.conf" "$TMP/conf.orig"
printf 'requeue.final = 999\n' >>"$ws/oms.conf"
check 'requeue.final in oms.conf replaces the final reasons' \
    '[ "$(oms-requeue -C "$ws" -n $(sed "s/^/-a /" "$TMP/final") | awk -F"\t" "\$2 == \"queued\"" | wc -l)" -eq "$(wc -l <"$TMP/final")" ]'
cp "$TMP/conf.orig" "$ws/oms.conf"
check '... which go with --force' \
    'oms-requeue -C "$ws" -f $(sed "s/^/-a /" "$TMP/final") | awk -F"\t" "\$2 == \"queued\"" | wc -l |
     grep -qx "$(wc -l <"$TMP/final")"'
expect_exit 'a partly paid account needs --force' 1 'partly paid in .*--force' \
    oms-requeue -C "$ws" -a "$part"
expect_exit 'an account queued already is refused' 1 'already queued' \
    oms-requeue -C "$ws" -a "$(head -1 "$TMP/curable")"

oms-select -C "$ws" -p 2026-11 >"$TMP/due11"
check 'the queued accounts are due in the next period with pr_nov 1' \
    'for a in $(cat "$TMP/curable" "$TMP/final"); do
         awk -F"\t" -v a="$a" "\$1 == a && \$5 == 1 { f = 1 } END { exit !f }" "$TMP/due11" || exit 1; done'

# a fix for one of them, checked by the export
one=$(head -1 "$TMP/curable")
expect_exit 'a fix with a bad path is refused' 2 'not a path' \
    oms-requeue -C "$ws" --set 'PACIENT/enp=1' -a "$one"
oms-requeue -C "$ws" --set 'PACIENT/ENP=123' -a "$one" >/dev/null
check '--fixes lists it' \
    'oms-requeue -C "$ws" --fixes | awk -F"\t" -v a="$one" "\$1 == a && \$2 == \"PACIENT/ENP\" && \$3 == 123 { f = 1 } END { exit !f }"'
expect_exit 'the export applies the fix and validates it (the value hidden)' 1 \
    'OMS.ENP.FORM: .*ENP "\(hidden\)" is not 16 digits' \
    oms-export -C "$ws" -n "$TMP/due11"
oms-requeue -C "$ws" --withdraw PACIENT/ENP -a "$one" >/dev/null
oms-requeue -C "$ws" --set 'PACIENT/ENP=7600000000009999' -a "$one" >/dev/null
oms-export -C "$ws" <"$TMP/due11" >"$TMP/reg11" 2>"$TMP/exp11.err"
h11=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg11")
unzip -p "$h11" 'H*' >"$TMP/h11.xml"
check 'the registry carries the repeated accounts with PR_NOV 1, fixed' \
    'grep -q "<ENP>7600000000009999</ENP>" "$TMP/h11.xml" &&
     [ "$(grep -c "<PR_NOV>1</PR_NOV>" "$TMP/h11.xml")" -ge "$(grep -c . "$TMP/curable")" ] &&
     ! grep -q "<PR_NOV>0</PR_NOV>" "$TMP/h11.xml"'
oms-select -C "$ws" --history "$one" >"$TMP/hist"
check '--history shows the lineage: refused, queued, fixed, sent again' \
    '[ "$(tail -n +2 "$TMP/hist" | cut -f2 | tr "\n" " ")" = "export decision export decision queue fix unfix fix export state " ] &&
     grep -q "	queue	HM760001T76_26103	" "$TMP/hist" && grep -q "	state	HM760001T76_26111	" "$TMP/hist"'

# --- earlier periods
old=$(oms-select -C "$ws" -p 2026-11 --primary-from 2026-08-01 | awk -F'\t' '$5 == 0 && $7 < "2026-09-01" { n++ } END { print n + 0 }')
check 'unsent accounts of two months ago appear only with --primary-from' \
    '[ "$old" -gt 0 ] && ! oms-select -C "$ws" -p 2026-11 | awk -F"\t" "NR > 1 && \$7 < \"2026-11-01\" && \$5 == 0 { f = 1 } END { exit !f }"'
printf 'primary_from = 2026-08-01\n' >>"$ws/oms.conf"
check '... or with primary_from in oms.conf' \
    '[ "$(oms-select -C "$ws" -p 2026-11 | awk -F"\t" "\$5 == 0 && \$7 < \"2026-09-01\"" | wc -l)" -eq "$old" ]'
done_testing
