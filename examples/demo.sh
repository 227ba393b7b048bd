#!/bin/sh
# demo.sh -- a month of an МО's billing cycle, on a generated workspace
#
# Makes examples/demo-ws (a fake МО: the fund's catalogs converted into its
# ref/, three months of cases from its MIS, two regional insurers and people
# insured elsewhere) and runs October 2026 the way the guide describes it:
# the catalogs, a test registry, the fund's answers to it,
# the refusals, a restore; the main registry, its answers, the invoice
# sums with withholdings; the answers to the payment demands; the refusals
# queued again; November's registry with the repeated accounts.  The fund
# and the insurers are simulated by examples/oms-fund.  Everything is
# synthetic.  Safe to run again: it starts over.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ws=${OMS_DEMO_WS:-$here/demo-ws}
PATH=$top:$here:$PATH
export OMS_XSDDIR="$top/xsd" OMS_REFDIR="$top/ref" SOURCE_DATE_EPOCH=1793836800
period=2026-10
next=2026-11

n=0
step() { n=$((n + 1)); printf '\n%d. %s\n' "$n" "$*"; }
say() { printf '   %s\n' "$*"; }
count() { tail -n +2 "$1" | grep -c . || true; }
rub() { awk -v s="$1" 'BEGIN { printf "%.2f", s }'; }
# the replies of the fund and the insurers, by kind
flk() { ls "$1"/V*.zip; }
ctl() { ls "$1"/[A-Z]*T76M760001_*[0-9].zip; }
dem() { ls "$1"/[A-Z]*S760*.zip "$1"/[A-Z]*T76M*D.zip; }

rm -rf "$ws"
# a workspace holds personal data and the ledger: its owner's alone
umask 077
mkdir -p "$ws/inbox"
cp "$here/oms.conf" "$ws/oms.conf"

step "oms-nsi: the fund's NSI packets into ref/"
# the catalogs the checks of ref/rules.tsv look codes up in; without them
# those checks are not in force (examples/nsi: small synthetic packets)
oms-nsi -v -d "$ws/ref" "$here"/nsi/*.xml 2>"$ws/nsi.log"
# F002 lists the insurers only: the fund's own row is kept from ref/F002.tsv
grep "^76000	" "$top/ref/F002.tsv" >>"$ws/ref/F002.tsv"
sed -n 's/^oms-nsi: .*: \([A-Z][0-9]*\), \([0-9]*\) record.*/\1 \2/p' "$ws/nsi.log" |
    awk '{ c = c " " $1; r += $2 } END { print NR " tables, " r " rows:" c }' |
    fold -s -w 66 | sed 's/ *$//; s/^/   /'
say "F002: $(($(count "$ws/ref/F002.tsv") - 1)) insurers, and the fund's own row (76000), which the register lacks"

step "The MIS exports three months of cases into source/"
oms-gen -s 1 -n 3000 -m 3 -p 2026-08 -o "$ws/source" 2>/dev/null
say "$(ls "$ws/source" | wc -l) files; the workspace is $ws"

step "oms-select -p $period: the accounts due for October"
oms-select -C "$ws" -p $period >"$ws/due.tsv"
awk -F'\t' 'NR > 1 { n[$4]++; s[$4] += $6; c++; t += $6 }
    END { for (p in n) printf "   payer %s: %5d accounts %13.2f rub.\n", p, n[p], s[p] | "sort"
          close("sort"); printf "   in all     %5d accounts %13.2f rub.\n", c, t }' "$ws/due.tsv"

step "oms-export --test: a test registry, to see what the fund would refuse"
oms-export -C "$ws" --test <"$ws/due.tsv" >"$ws/test-registries.tsv"
awk -F'\t' 'NR > 1 { printf "   %-22s %5d accounts %13s rub.  %s\n", $1, $3, $4, $2 }' \
    "$ws/test-registries.tsv"

step "The fund answers the test registry (ФЛК protocol, control answer)"
oms-fund -s 3 --flk 6 --refuse 25 --partial 5 -o "$ws/inbox/test" \
    $(awk -F'\t' 'NR > 1 { print "'"$ws"'/" $2 }' "$ws/test-registries.tsv") 2>/dev/null
oms-import -C "$ws" $(flk "$ws/inbox/test") $(ctl "$ws/inbox/test") >"$ws/test-decisions.tsv"
say "$(awk -F'\t' '$5 != "accepted"' "$ws/test-decisions.tsv" | grep -vc '^account' || true) refusals read; the replies are kept in archive/"

step "oms-analyze --test: what the test registry was refused for"
oms-analyze -C "$ws" -p $period --test |
    awk -F'\t' '$1 == "reason" { printf "   %-13s %3d accounts  %s\n", $2, $4, $3 }'
oms-analyze -C "$ws" -p $period --test -r >"$ws/test-rejected.tsv"
say "$(count "$ws/test-rejected.tsv") accounts to look at in the MIS: $ws/test-rejected.tsv"

step "The MIS is corrected; oms-requeue --restore-test $period"
oms-requeue -C "$ws" --restore-test $period >"$ws/restored.tsv"
say "$(count "$ws/restored.tsv") accounts are due again as if never sent"
oms-select -C "$ws" -p $period >"$ws/due.tsv"
say "oms-select -p $period lists $(count "$ws/due.tsv") accounts, all primary (pr_nov 0)"

step "oms-export: the main registry of October into outbox/"
oms-export -C "$ws" <"$ws/due.tsv" >"$ws/registries.tsv"
awk -F'\t' 'NR > 1 { printf "   %-22s %5d accounts %13s rub.  %s\n", $1, $3, $4, $2 }' \
    "$ws/registries.tsv"

step "The fund answers: ФЛК protocol and the control answer (МЭК)"
oms-fund -s 7 --flk 4 --refuse 30 --partial 12 --demand-refuse 20 -o "$ws/inbox/main" \
    $(awk -F'\t' 'NR > 1 { print "'"$ws"'/" $2 }' "$ws/registries.tsv") 2>/dev/null
oms-import -C "$ws" $(flk "$ws/inbox/main") $(ctl "$ws/inbox/main") >"$ws/decisions.tsv"
awk -F'\t' '$1 != "account" { n[$4 " " $5]++ }
    END { for (k in n) printf "   %-20s %5d\n", k, n[k] | "sort"; close("sort") }' "$ws/decisions.tsv"

step "oms-invoice -p $period: the sums for the invoices, with withholdings"
oms-invoice -C "$ws" -p $period --withhold "$here/withholdings.tsv" \
    --invoices "$ws/scheta" --date 2026-11-12 >"$ws/invoice.tsv"
awk -F'\t' '{ printf "   %-6s %13s %11s %9s %13s  %s\n", $1, $2, $3, $4, $5, $9 }' "$ws/invoice.tsv"
oms-invoice -C "$ws" -p $period --format html >"$ws/summy-$period.html"
say "report \"Суммы для счетов\": $ws/summy-$period.html"
say "invoices: $(ls "$ws/scheta" | tr '\n' ' ')in $ws/scheta"

step "The insurers answer the payment demands"
oms-import -C "$ws" $(dem "$ws/inbox/main") >"$ws/demand-decisions.tsv"
say "$(awk -F'\t' '$1 != "account" && $5 != "accepted"' "$ws/demand-decisions.tsv" | wc -l) accounts refused in the answers"

step "oms-analyze -p $period: the refusals of the month"
month_step=$n
oms-analyze -C "$ws" -p $period >"$ws/otkazy-$period.tsv"
awk -F'\t' '$1 == "total" && $2 == "all" { printf "   %d accounts claim %.2f rub.;", $4, $5 }
        $1 == "total" && $2 == "refused" { printf " %d were refused %.2f rub.\n", $4, $6 }
        $1 == "reason" || $1 == "payer" {
            printf "   %-6s %-13s %4d accounts %11s rub.  %s\n", $1, $2, $4, $6, $3 }' \
    "$ws/otkazy-$period.tsv"
oms-analyze -C "$ws" -p $period --html "$ws/otkazy-$period.html" \
    --csv-excel "$ws/otkazy-$period.csv" >/dev/null
say "report with charts: $ws/otkazy-$period.html; for Excel: otkazy-$period.csv"

step "oms-analyze -r | oms-requeue: the curable refusals go again next month"
oms-analyze -C "$ws" -p $period -r >"$ws/rejected.tsv"
oms-requeue -C "$ws" <"$ws/rejected.tsv" >"$ws/requeued.tsv" 2>"$ws/requeue-refused.txt" || true
say "$(awk -F'\t' '$2 == "queued"' "$ws/requeued.tsv" | wc -l) queued as repeated accounts"
say "$(awk -F'\t' '$2 == "refused"' "$ws/requeued.tsv" | wc -l) left for a person (reasons resending does not cure): requeue-refused.txt"
one=$(awk -F'\t' '$2 == "queued" { print $1; exit }' "$ws/requeued.tsv")
say "the lineage of $one (oms-select --history):"
oms-select -C "$ws" --history "$one" | cut -f2,3,7-10 | sed 's/^/     /'

step "oms-select -p $next | oms-export: November's registry"
oms-select -C "$ws" -p $next >"$ws/due-$next.tsv"
say "due: $(awk -F'\t' '$5 == 0' "$ws/due-$next.tsv" | wc -l) primary, $(awk -F'\t' '$5 == 1' "$ws/due-$next.tsv" | wc -l) repeated"
oms-export -C "$ws" <"$ws/due-$next.tsv" >"$ws/registries-$next.tsv"
awk -F'\t' 'NR > 1 { printf "   %-22s %5d accounts %13s rub.  %s\n", $1, $3, $4, $2 }' \
    "$ws/registries-$next.tsv"
h=$(awk -F'\t' '$7 == "H" { print $2 }' "$ws/registries-$next.tsv")
say "PR_NOV 1 in $h: $(unzip -p "$ws/$h" 'H*' | grep -o '<PR_NOV>1</PR_NOV>' | wc -l) records"

step "oms-analyze -p $period again: a period is history"
oms-analyze -C "$ws" -p $period >"$ws/otkazy-$period-later.tsv"
if cmp -s "$ws/otkazy-$period.tsv" "$ws/otkazy-$period-later.tsv"; then
	say "the same report as before the requeue and November's registry"
else
	say "CHANGED since step $month_step: compare otkazy-$period.tsv and otkazy-$period-later.tsv"
	exit 1
fi
oms-invoice -C "$ws" -p $period >"$ws/invoice-later.tsv"
if [ "$(awk -F'\t' '$1 == "payer_total" { print $2, $4, $5, $6 }' "$ws/otkazy-$period-later.tsv" | sort)" = \
     "$(awk -F'\t' 'NR > 1 { print $1, $6, $2, $3 }' "$ws/invoice-later.tsv" | sort)" ]; then
	say "per payer, its claimed and refused sums are oms-invoice -p $period's"
else
	say "per payer, oms-analyze and oms-invoice DISAGREE"
	exit 1
fi

printf '\nEverything is in %s: ledger.tsv is the journal of every step.\n' "$ws"
