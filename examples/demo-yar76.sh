#!/bin/sh
# demo-yar76.sh -- a month of a Yaroslavl МО's cycle (profile yar76)
#
# Makes examples/demo-yar76-ws (a fake МО whose MIS writes bill.xml files:
# three months of personal accounts) and runs October 2026: a test bill, the
# fund's ФЛК answer, a restore; the main bill ({OGRN}{KPP}2610 + 23x.7z,
# the second bill of the month), the insurers' answers to the payment
# demands (...2A, ...2B, ...2T), the invoice sums; the refusals queued
# again and November's bill with the repeated accounts (x_key2).  The fund
# and the insurers are simulated by examples/oms-fund.  Everything is
# synthetic.  Safe to run again: it starts over.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ws=$here/demo-yar76-ws
PATH=$top:$here:$PATH
export OMS_XSDDIR="$top/xsd" OMS_REFDIR="$top/ref" SOURCE_DATE_EPOCH=1793836800
period=2026-10
next=2026-11

n=0
step() { n=$((n + 1)); printf '\n%d. %s\n' "$n" "$*"; }
say() { printf '   %s\n' "$*"; }
count() { tail -n +2 "$1" | grep -c . || true; }
bills() { awk -F'\t' 'NR > 1 { printf "   %s  %5d accounts %13s rub.\n", $2, $3, $4 }' "$1"; }
outbox() { awk -F'\t' 'NR > 1 { print "'"$ws"'/" $2 }' "$1"; }

rm -rf "$ws"
# a workspace holds personal data and the ledger: its owner's alone
umask 077
mkdir -p "$ws/inbox"
cp "$here/yar76.conf" "$ws/oms.conf"

step "The MIS writes three months of bills into source/"
oms-gen --profile yar76 -s 1 -n 2000 -m 3 -p 2026-09 -o "$ws/source" 2>/dev/null
say "$(ls "$ws/source" | tr '\n' ' ')in $ws/source"

step "oms-select -p $period: the personal accounts due for October"
oms-select -C "$ws" -p $period >"$ws/due.tsv"
awk -F'\t' 'NR > 1 { n[$4]++; s[$4] += $6; c++; t += $6 }
    END { for (p in n) printf "   payer %s: %5d accounts %13.2f rub.\n", p, n[p], s[p] | "sort"
          close("sort"); printf "   in all     %5d accounts %13.2f rub.\n", c, t }' "$ws/due.tsv"

step "oms-export --test: a test bill"
oms-export -C "$ws" --test <"$ws/due.tsv" >"$ws/test-bill.tsv"
bills "$ws/test-bill.tsv"
say "one entry, bill.xml, in windows-1251: $(unzip -Z1 "$(outbox "$ws/test-bill.tsv")")"
say "checked against xsd/yar76-6.15.xsd before it was written: one patient"
say "element per account; the values the template requires come from oms.conf:"
say "$(unzip -p "$(outbox "$ws/test-bill.tsv")" bill.xml | grep -m 1 -o '<bill [^>]*>')"

step "The fund answers the test bill: its ФЛК (...0x.7z)"
oms-fund -s 3 --flk 8 -o "$ws/inbox/test" $(outbox "$ws/test-bill.tsv") 2>/dev/null
oms-import -C "$ws" "$ws"/inbox/test/*0x.7z >"$ws/test-decisions.tsv"
say "$(awk -F'\t' 'NR > 1 && $5 != "accepted"' "$ws/test-decisions.tsv" | wc -l) accounts refused at ФЛК:"
oms-analyze -C "$ws" -p $period --test |
    awk -F'\t' '$1 == "reason" { printf "   %-8s %3d accounts  %s\n", $2, $4, $3 }'

step "The MIS is corrected; oms-requeue --restore-test $period"
oms-requeue -C "$ws" --restore-test $period >"$ws/restored.tsv"
say "$(count "$ws/restored.tsv") accounts are due again as if never sent"

step "oms-export: the main bill of October"
oms-select -C "$ws" -p $period | oms-export -C "$ws" >"$ws/bill.tsv"
bills "$ws/bill.tsv"
say "(yar76.digit = package: the second bill of the month has 2 at position 27)"

step "The fund's ФЛК, then the insurers' answers to the payment demands"
oms-fund -s 7 --flk 5 --refuse 25 --partial 10 -o "$ws/inbox/main" $(outbox "$ws/bill.tsv") 2>/dev/null
say "replies: $(cd "$ws/inbox/main" && ls *.7z | tr '\n' ' ')"
oms-import -C "$ws" "$ws"/inbox/main/*0x.7z "$ws"/inbox/main/*2?.7z >"$ws/decisions.tsv"
awk -F'\t' '$1 != "account" { n[$4 " " $5]++ }
    END { for (k in n) printf "   %-20s %5d\n", k, n[k] | "sort"; close("sort") }' "$ws/decisions.tsv"

step "oms-invoice -p $period: the sums for the invoices, with withholdings"
oms-invoice -C "$ws" -p $period --withhold "$here/withholdings.tsv" \
    --invoices "$ws/scheta" --date 2026-11-12 >"$ws/invoice.tsv"
awk -F'\t' '{ printf "   %-6s %13s %11s %9s %13s  %s\n", $1, $2, $3, $4, $5, $9 }' "$ws/invoice.tsv"

step "oms-analyze -p $period: the refusals of the month"
oms-analyze -C "$ws" -p $period |
    awk -F'\t' '$1 == "reason" || $1 == "payer" {
            printf "   %-6s %-13s %4d accounts %11s rub.  %s\n", $1, $2, $4, $6, $3 }'
oms-analyze -C "$ws" -p $period --html "$ws/otkazy-$period.html" >/dev/null
say "report with charts: $ws/otkazy-$period.html"

step "oms-analyze -r | oms-requeue: the curable refusals go again"
oms-analyze -C "$ws" -p $period -r >"$ws/rejected.tsv"
oms-requeue -C "$ws" <"$ws/rejected.tsv" >"$ws/requeued.tsv" 2>"$ws/requeue-refused.txt" || true
say "$(awk -F'\t' '$2 == "queued"' "$ws/requeued.tsv" | wc -l) queued as repeated accounts, $(awk -F'\t' '$2 == "refused"' "$ws/requeued.tsv" | wc -l) left for a person"

step "oms-select -p $next | oms-export: November's bill"
oms-select -C "$ws" -p $next >"$ws/due-$next.tsv"
say "due: $(awk -F'\t' '$5 == 0' "$ws/due-$next.tsv" | wc -l) primary, $(awk -F'\t' '$5 == 1' "$ws/due-$next.tsv" | wc -l) repeated"
oms-export -C "$ws" <"$ws/due-$next.tsv" >"$ws/bill-$next.tsv"
bills "$ws/bill-$next.tsv"
say "repeated accounts carry x_key2: $(unzip -p "$(outbox "$ws/bill-$next.tsv")" bill.xml | grep -c 'x_key2=')"

printf '\nEverything is in %s: ledger.tsv is the journal of every step.\n' "$ws"
