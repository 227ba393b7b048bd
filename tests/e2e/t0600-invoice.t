#!/bin/sh
# oms-invoice: the four sums per payer against a hand computation from
# what the simulated fund decided, withholdings, the documents
cd "${0%/*}" && . ./lib.sh
plan 16

ws=$(newws ws conf)
cat >>"$ws/oms.conf" <<'CONF'
mo_name = ГБУЗ ЯО «Примерная больница» (пример)
mo_inn = 7600000099
invoice.prefix = 26-
CONF
oms-gen -s 12 -n 120 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
ctl() { ls "$1"/[A-Z]*T76M760001_*[0-9].zip; }
dem() { ls "$1"/[A-Z]*S760*.zip "$1"/[A-Z]*T76M*D.zip; }

# a test registry first: refused there, restored, and it must not count
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" --test >/dev/null 2>>"$TMP/setup.err"
oms-fund -s 1 --refuse 5 -o "$TMP/t" "$ws"/outbox/*.zip 2>/dev/null
oms-import -C "$ws" $(ctl "$TMP/t") >/dev/null
oms-requeue -C "$ws" --restore-test 2026-10 >/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
main=$(awk -F'\t' 'NR > 1 { printf "%s ", "'"$ws"'/" $2 }' "$TMP/reg")
oms-fund -s 6 --flk 2 --refuse 6 --partial 4 --demand-refuse 3 -o "$TMP/m" $main 2>/dev/null
oms-import -C "$ws" "$TMP"/m/V*.zip >/dev/null &&
oms-import -C "$ws" $(ctl "$TMP/m") >/dev/null &&
oms-import -C "$ws" $(dem "$TMP/m") >/dev/null
check 'the month was answered' '[ $? -eq 0 ]'

# by hand: the payer of each account (ledger export events of the main
# registries), what was claimed and what the fund's last word refused
for r in $(awk -F'\t' 'NR > 1 { print $1 }' "$TMP/reg"); do
	awk -F'\t' -v r="$r" '$2 == "export" && $4 == r { print $3 "\t" $7 }' "$ws/ledger.tsv"
done | sort >"$TMP/payer"
awk -F'\t' 'BEGIN { OFS = "\t"; k["flk"] = 1; k["control"] = 2; k["demand"] = 3 }
    NR > 1 && k[$2] >= best[$5] { best[$5] = k[$2]; v[$5] = $5 OFS $7 OFS $9 }
    END { for (a in v) print v[a] }' "$TMP/m/truth.tsv" | sort >"$TMP/last"
join -t "$(printf '\t')" "$TMP/payer" "$TMP/last" |
    awk -F'\t' '{ c[$2] += $3; r[$2] += $4 } END { for (p in c) printf "%s\t%.2f\t%.2f\n", p, c[p], r[p] }' |
    sort >"$TMP/hand"
check 'the hand computation covers three payers' '[ "$(wc -l <"$TMP/hand")" -eq 3 ]'
check 'some refusals are partial' 'awk -F"\t" "NR > 1 && \$6 == \"partial\"" "$TMP/m/truth.tsv" | grep -q .'

oms-invoice -C "$ws" -p 2026-10 >"$TMP/inv0" 2>>"$TMP/setup.err"; rc=$?
check 'the contract columns' \
    '[ $rc -eq 0 ] && head -1 "$TMP/inv0" | grep -q "^payer	claimed	refused	withheld	to_pay	"'
check 'claimed and refused per payer match the hand computation' \
    'tail -n +2 "$TMP/inv0" | cut -f1-3 | sort | diff -u "$TMP/hand" - >&2'

p1=$(sed -n 1p "$TMP/hand" | cut -f1); p2=$(sed -n 2p "$TMP/hand" | cut -f1)
printf 'payer\tkind\tamount\n%s\tckdl\t1500.25\n%s\tpetct\t700\n%s\tckdl\t99.99\n' \
    "$p1" "$p1" "$p2" >"$TMP/wh.tsv"
oms-invoice -C "$ws" -p 2026-10 --withhold "$TMP/wh.tsv" >"$TMP/inv1" 2>>"$TMP/setup.err"
awk -F'\t' -v p1="$p1" -v p2="$p2" '{ w = $1 == p1 ? 2200.25 : $1 == p2 ? 99.99 : 0
    printf "%s\t%.2f\t%.2f\t%.2f\t%.2f\n", $1, $2, $3, w, $2 - $3 - w }' "$TMP/hand" >"$TMP/hand4"
check 'the four sums with withholdings for two payers match, to the kopeck' \
    'tail -n +2 "$TMP/inv1" | cut -f1-5 | sort | diff -u "$TMP/hand4" - >&2'
check 'the withholdings are recorded and apply again without --withhold' \
    '[ "$(grep -c "	withhold	" "$ws/ledger.tsv")" -eq 4 ] &&
     oms-invoice -C "$ws" -p 2026-10 | cmp -s - "$TMP/inv1"'

before=$(snapshot "$ws")
printf 'payer\tkind\tamount\n%s\tckdl\tabc\n' "$p1" >"$TMP/bad1.tsv"
expect_exit 'a withholding of abc fails naming the line' 1 'bad1.tsv:2: amount "abc"' \
    oms-invoice -C "$ws" -p 2026-10 --withhold "$TMP/bad1.tsv"
printf 'payer\tkind\tamount\n%s\tckdl\t1.00\n76099\tckdl\t5.00\n' "$p1" >"$TMP/bad2.tsv"
expect_exit '... so does a payer the period does not have' 1 \
    'bad2.tsv:3: payer "76099" has no main registry of 2026-10' \
    oms-invoice -C "$ws" -p 2026-10 --withhold "$TMP/bad2.tsv"
printf 'payer\tkind\tamount\n%s\tckdl\t1.00\n%s\tckdl\t2.00\n' "$p1" "$p1" >"$TMP/bad3.tsv"
expect_exit '... and a line given twice' 1 'bad3.tsv:3: .*again \(line 2' \
    oms-invoice -C "$ws" -p 2026-10 --withhold "$TMP/bad3.tsv"
check '... and none of them recorded anything' '[ "$before" = "$(snapshot "$ws")" ]'

oms-invoice -C "$ws" -p 2026-10 --format html >"$TMP/sums.html" 2>>"$TMP/setup.err"
check 'the report is titled "Суммы для счетов" and names every payer' \
    'grep -q "<title>Суммы для счетов</title>" "$TMP/sums.html" &&
     for p in $(cut -f1 "$TMP/hand"); do grep -q ">$p<" "$TMP/sums.html" || exit 1; done &&
     grep -q "Пример-1" "$TMP/sums.html" && ! grep -qi "<script" "$TMP/sums.html"'

oms-invoice -C "$ws" -p 2026-10 --invoices "$TMP/docs" --date 2026-11-12 >"$TMP/inv2" 2>>"$TMP/setup.err"
check 'an invoice per payer, numbered and dated' \
    '[ "$(ls "$TMP/docs" | wc -l)" -eq 3 ] &&
     [ "$(tail -n +2 "$TMP/inv2" | cut -f9 | sort | tr "\n" " ")" = "26-1 26-2 26-3 " ] &&
     [ "$(tail -n +2 "$TMP/inv2" | cut -f10 | sort -u)" = 2026-11-12 ] &&
     [ "$(stat -c %a "$TMP"/docs/*.html | sort -u)" = 600 ]'
f=$(ls "$TMP"/docs/*-"$p1"-*.html)
tp=$(awk -F'\t' -v p="$p1" '$1 == p { print $5 }' "$TMP/inv1")
check 'the invoice says what to pay, in figures and words' \
    'grep -q "Счёт на оплату № 26-" "$f" &&
     [ "$(grep -o "Итого к оплате</td><td class=\"n\">[^<]*" "$f" | sed "s/.*>//; s/[^0-9,]//g; s/,/./")" = "$tp" ] &&
     grep -q "Всего к оплате: .* рубл.* [0-9][0-9] копе" "$f"'
oms-invoice -C "$ws" -p 2026-10 --invoices "$TMP/docs2" --date 2026-12-01 >"$TMP/inv3" 2>>"$TMP/setup.err"
check 'the same invoices again: same numbers and dates, not renumbered' \
    'cmp -s "$TMP/inv2" "$TMP/inv3" && [ "$(grep -c "	invoice	" "$ws/ledger.tsv")" -eq 3 ]'
expect_exit 'a period without main registries says so' 1 'no main registry' \
    oms-invoice -C "$ws" -p 2026-09
done_testing
