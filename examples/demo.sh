#!/bin/sh
# demo.sh -- what exists of the month so far, on a generated workspace
#
# Makes examples/demo-ws (a fake МО's MIS export of three months), then
# selects the accounts of the last month, builds and checks its registry,
# and shows what the workspace holds.  Safe to run again: it starts over.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ws=$here/demo-ws
PATH=$top:$here:$PATH
export OMS_XSDDIR=$top/xsd OMS_REFDIR=$top/ref
period=2026-10

step() { printf '\n== %s\n' "$*"; }

rm -rf "$ws"
mkdir -p "$ws"
cat >"$ws/oms.conf" <<CONF
# the demo МО (synthetic): see oms.conf(5)
profile = ffoms
mo      = 760001
ogrn    = 1027600000001
kpp     = 760401001
tfoms   = 76
payers  = 76001 76002
# the details on the invoices (oms-invoice(1))
mo_name = ГБУЗ ЯО «Демонстрационная больница» (пример)
mo_inn  = 7600000099
mo_address = 150000, г. Ярославль, ул. Демонстрационная, д. 1
mo_bank = ПАО «Пример-Банк» (пример)
mo_bik  = 047800000
mo_account = 03224643780000007100
mo_corr_account = 40102810000000000000
mo_head = И. И. Примеров
mo_accountant = П. П. Образцова
invoice.prefix = 2026/
CONF

step "The MIS exports three months of cases into source/"
oms-gen -s 1 -n 400 -m 3 -p 2026-08 -o "$ws/source" 2>&1 | sed 's/^/   /'

step "oms-select -p $period: the accounts due for $period"
oms-select -C "$ws" -p $period >"$ws/selected.tsv"
awk -F'\t' 'NR > 1 { n[$3 " " $4]++; s += $6; c++ }
    END { for (k in n) printf "   kind %-2s payer %s: %d\n", substr(k, 1, index(k, " ") - 1), substr(k, index(k, " ") + 1), n[k] | "sort";
          close("sort"); printf "   %d accounts, %.2f rub.\n", c, s }' "$ws/selected.tsv"

step "oms-export: check them and build the registries into outbox/"
oms-export -C "$ws" <"$ws/selected.tsv" |
    awk -F'\t' '{ printf "   %-20s %-32s %8s %12s %4s\n", $1, $2, $3, $4, $5 }'
ls -l "$ws/outbox" | sed 's/^/   /'

step "oms-select again: exported accounts are in flight, not due"
printf '   due now: %s\n' "$(oms-select -C "$ws" -p $period | tail -n +2 | wc -l)"
printf '   in flight: %s\n' "$(oms-select -C "$ws" -s in-flight | tail -n +2 | wc -l)"

step "The fund and the insurers answer (simulated by oms-fund into inbox/)"
oms-fund -s 7 --flk 4 --refuse 12 --partial 6 --demand-refuse 8 \
    -o "$ws/inbox" "$ws"/outbox/*.zip 2>/dev/null
ls "$ws/inbox" | grep -v truth | sed 's/^/   /'

step "oms-import: ФЛК protocols, then the control answers, then the demands"
{
	oms-import -C "$ws" "$ws"/inbox/V*.zip
	oms-import -C "$ws" "$ws"/inbox/[A-Z]*T76M760001_*[0-9].zip
	oms-import -C "$ws" "$ws"/inbox/[A-Z]*S760*.zip "$ws"/inbox/*D.zip
} >"$ws/decisions.tsv"
awk -F'\t' '$1 != "account" { n[$4 " " $5]++ }
    END { for (k in n) printf "   %-20s %d\n", k, n[k] | "sort"; close("sort") }' \
    "$ws/decisions.tsv"
printf '   the replies are kept in archive/: %s files\n' "$(ls "$ws/archive" | wc -l)"

step "oms-analyze -p $period: refusals by reason and payer"
oms-analyze -C "$ws" -p $period |
    awk -F'\t' '$1 == "total" && $2 == "all" { printf "   %d accounts claim %s rub.;", $4, $5 }
        $1 == "total" && $2 == "refused" { printf " %d of them were refused %s rub.:\n", $4, $6 }
        $1 == "reason" || $1 == "payer" {
            printf "   %-7s %-13s %4s acc. %11s  %s\n", $1, $2, $4, $6, $3 }'

step "oms-analyze -r: the refused accounts to fix (first five)"
oms-analyze -C "$ws" -p $period -r >"$ws/rejected.tsv"
tail -n +2 "$ws/rejected.tsv" | head -5 |
    awk -F'\t' '{ printf "   %s  %-8s %10s  %s\n", $1, $4, $8, $9 }'
printf '   %s accounts in all, in %s\n' "$(($(wc -l <"$ws/rejected.tsv") - 1))" "$ws/rejected.tsv"

step "oms-analyze --html: a report for people"
oms-analyze -C "$ws" -p $period --html "$ws/otkazy-$period.html" \
    --csv-excel "$ws/otkazy-$period.csv" >/dev/null
printf '   %s (open it in a browser)\n   %s (windows-1251, for Excel)\n' \
    "$ws/otkazy-$period.html" "$ws/otkazy-$period.csv"

step "oms-invoice -p $period: what each payer owes, with withholdings"
oms-invoice -C "$ws" -p $period --withhold "$here/withholdings.tsv" \
    --invoices "$ws/scheta" --date 2026-11-12 |
    awk -F'\t' '{ printf "   %-6s %12s %11s %9s %12s  %s\n", $1, $2, $3, $4, $5, $9 }'
oms-invoice -C "$ws" -p $period --format html >"$ws/summy-$period.html"
printf '   %s ("Суммы для счетов")\n' "$ws/summy-$period.html"
ls "$ws/scheta" | sed 's/^/   scheta\//'

step "oms-analyze -r | oms-requeue: send the curable refusals again"
oms-analyze -C "$ws" -p $period -r | oms-requeue -C "$ws" >"$ws/requeued.tsv" 2>"$ws/requeue.err" || true
printf '   queued: %s; left for a person to decide (final reasons, see requeue.err): %s\n' \
    "$(awk -F'\t' '$2 == "queued"' "$ws/requeued.tsv" | wc -l)" \
    "$(awk -F'\t' '$2 == "refused"' "$ws/requeued.tsv" | wc -l)"
printf '   due in 2026-11 as repeated accounts (pr_nov 1): %s\n' \
    "$(oms-select -C "$ws" -p 2026-11 | awk -F'\t' '$5 == 1' | wc -l)"
one=$(awk -F'\t' '$2 == "queued" { print $1; exit }' "$ws/requeued.tsv")
if [ -n "$one" ]; then
	printf '   the lineage of %s:\n' "$one"
	oms-select -C "$ws" --history "$one" | cut -f2,3,7-10 | sed 's/^/     /'
fi

step "ledger.tsv, the journal of every change (first lines)"
head -4 "$ws/ledger.tsv" | cut -f1-8 | sed 's/^/   /'
printf '\nThe workspace is %s.\n' "$ws"
