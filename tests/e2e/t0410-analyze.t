#!/bin/sh
# oms-analyze: the refusals of a simulated month against what the fund
# meant (oms-fund's truth.tsv), reason texts, the reports for people
cd "${0%/*}" && . ./lib.sh
plan 26

ws=$(newws ws conf)
oms-gen -s 5 -n 150 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >/dev/null 2>>"$TMP/setup.err"
oms-fund -s 9 --flk 3 --refuse 8 --partial 5 --demand-refuse 4 \
    -o "$TMP/in" "$ws"/outbox/*.zip 2>/dev/null
oms-import -C "$ws" "$TMP"/in/V*.zip >"$TMP/d1" &&
oms-import -C "$ws" "$TMP"/in/[A-Z]*T76M760001_*[0-9].zip >"$TMP/d2" &&
oms-import -C "$ws" "$TMP"/in/[A-Z]*S760*.zip "$TMP"/in/[A-Z]*T76M*D.zip >"$TMP/d3"
check 'the month was imported' '[ $? -eq 0 ]'

# the truth, as an account's last word: account decision claimed refused reasons
awk -F'\t' 'BEGIN { OFS = "\t"; r["flk"] = 1; r["control"] = 2; r["demand"] = 3 }
    NR > 1 && r[$2] >= best[$5] { best[$5] = r[$2]; last[$5] = $5 OFS $6 OFS $7 OFS $9 OFS $10 }
    END { for (a in last) print last[a] }' "$TMP/in/truth.tsv" | sort >"$TMP/truth"
awk -F'\t' '$2 == "rejected" { print $1 }' "$TMP/truth" >"$TMP/want-rej"
awk -F'\t' '$2 != "accepted" { print $1 }' "$TMP/truth" >"$TMP/want-ref"
check 'the simulated month has rejected and partly refused accounts' \
    '[ -s "$TMP/want-rej" ] && [ "$(wc -l <"$TMP/want-ref")" -gt "$(wc -l <"$TMP/want-rej")" ]'

cp "$ws/ledger.tsv" "$TMP/ledger.before"
before=$(snapshot "$ws")
oms-analyze -C "$ws" -p 2026-10 -r >"$TMP/rej"; rc=$?
check '-r prints the contract columns' \
    '[ $rc -eq 0 ] && head -1 "$TMP/rej" | grep -q "^account	reasons	registry	stage	decision	claimed	accepted	refused	reason_text	"'
check '-r lists exactly the rejected accounts' \
    'tail -n +2 "$TMP/rej" | cut -f1 | sort | diff -u "$TMP/want-rej" - >&2'
oms-analyze -C "$ws" -p 2026-10 -r --partial >"$TMP/ref"
check '-r --partial adds exactly the partly refused ones' \
    'tail -n +2 "$TMP/ref" | cut -f1 | sort | diff -u "$TMP/want-ref" - >&2'
check '... with the sums and reasons of the last reply' \
    'tail -n +2 "$TMP/ref" | awk -F"\t" "BEGIN { OFS = \"\t\" } { print \$1, \$5, \$6, \$8, \$2 }" | sort |
     diff -u "$(awk -F"\t" "\$2 != \"accepted\"" "$TMP/truth" >"$TMP/t2"; echo "$TMP/t2")" - >&2'
check 'reason texts come from F014 by code and date' \
    'awk -F"\t" "\$2 == \"205\" { print \$9 }" "$TMP/ref" | head -1 |
     grep -qx "205 (1.4.1) Медицинская помощь оказана лицу, застрахованному другой СМО"'

oms-analyze -C "$ws" -p 2026-10 >"$TMP/sum"
check 'the summary has the contract columns' \
    'head -1 "$TMP/sum" | grep -qx "by	key	name	accounts	claimed	refused"'
check 'the totals match the truth' \
    '[ "$(awk -F"\t" "\$1 == \"total\" && \$2 == \"refused\" { print \$4, \$6 }" "$TMP/sum")" = \
       "$(awk -F"\t" "\$2 != \"accepted\" { n++; s += \$4 } END { printf \"%d %.2f\n\", n, s }" "$TMP/truth")" ]'
awk -F'\t' '$2 != "accepted" { n = split($5, c, ","); for (i = 1; i <= n; i++) { k[c[i]]++; s[c[i]] += $4 } }
    END { for (x in k) printf "%s\t%d\t%.2f\n", x, k[x], s[x] }' "$TMP/truth" | sort >"$TMP/want-reason"
check 'refusals by reason match the truth, each with its text' \
    'awk -F"\t" "BEGIN { OFS = \"\t\" } \$1 == \"reason\" && \$3 != \"\" { print \$2, \$4, \$6 }" "$TMP/sum" | sort |
     diff -u "$TMP/want-reason" - >&2'
# payer of each account, from the ledger's export events
awk -F'\t' '$2 == "export" { print $3 "\t" $7 }' "$ws/ledger.tsv" | sort >"$TMP/payer"
join -t "$(printf '\t')" "$TMP/payer" "$TMP/truth" |
    awk -F'\t' '$3 != "accepted" { n[$2]++; s[$2] += $5 } END { for (p in n) printf "%s\t%d\t%.2f\n", p, n[p], s[p] }' |
    sort >"$TMP/want-payer"
check 'refusals by payer match the truth' \
    'awk -F"\t" "BEGIN { OFS = \"\t\" } \$1 == \"payer\" { print \$2, \$4, \$6 }" "$TMP/sum" | sort |
     diff -u "$TMP/want-payer" - >&2'
check 'and by stage, kind, department and doctor' \
    'for b in stage kind dept doctor; do grep -q "^$b	" "$TMP/sum" || exit 1; done'
check 'oms-analyze changed nothing in the workspace' \
    '[ "$before" = "$(snapshot "$ws")" ] && cmp -s "$TMP/ledger.before" "$ws/ledger.tsv"'

# patients are personal data: only with --names
fam=$(unzip -p "$ws"/outbox/HM*.zip 'L*' 2>/dev/null | iconv -f cp1251 -t utf-8 |
    sed -n 's/.*<FAM>\([^<]*\)<.*/\1/p' | head -1)
[ -n "$fam" ] || fam=$(cat "$ws"/source/L* | iconv -f cp1251 -t utf-8 | sed -n 's/.*<FAM>\([^<]*\)<.*/\1/p' | head -1)
oms-analyze -C "$ws" -p 2026-10 -r --names >"$TMP/names"
check 'no patient name without --names' \
    '[ -n "$fam" ] && ! grep -q "$fam" "$TMP/rej" "$TMP/ref" "$TMP/sum"'
check '--names adds a patient column with names' \
    'head -1 "$TMP/names" | grep -q "	patient$" &&
     [ "$(tail -n +2 "$TMP/names" | awk -F"\t" "\$17 ~ /^[^ ]+ [^ ]+/" | wc -l)" -eq "$(wc -l <"$TMP/want-rej")" ]'

# decisions TSV instead of the ledger: the same refusals
cat "$TMP/d1" "$TMP/d2" "$TMP/d3" | oms-analyze -r - >"$TMP/rej-tsv"
check 'decisions TSV on stdin (several runs) gives the same rejected accounts' \
    'tail -n +2 "$TMP/rej-tsv" | cut -f1 | sort | diff -u "$TMP/want-rej" - >&2'
oms-analyze -r --partial "$TMP/d1" "$TMP/d2" "$TMP/d3" >"$TMP/ref-tsv"
check '... and decisions files the same refused ones, the last reply counting' \
    'tail -n +2 "$TMP/ref-tsv" | cut -f1,5,6,8 | sort | diff -u "$(tail -n +2 "$TMP/ref" | cut -f1,5,6,8 | sort >"$TMP/r2"; echo "$TMP/r2")" - >&2'
printf 'account\tdecision\n' >"$TMP/bad.tsv"
expect_exit 'a decisions TSV without its columns is refused naming the file' 1 \
    'bad.tsv:1: no column "stage"' oms-analyze "$TMP/bad.tsv"
expect_exit '--names is for a workspace, not decisions files' 2 'names' \
    oms-analyze --names "$TMP/d1"

# the reports for people
printf 'account\tstage\tdecision\treasons\tclaimed\trefused\tpayer\n' >"$TMP/odd.tsv"
printf '<b>x&y</b>\tcontrol\trejected\t202\t10.00\t10.00\t76001\n' >>"$TMP/odd.tsv"
printf '=HYPERLINK("x")\tcontrol\trejected\t203\t1.50\t1.50\t76002\n' >>"$TMP/odd.tsv"
OMS_DIR= oms-analyze -r --html "$TMP/odd.html" --csv-excel "$TMP/odd.csv" "$TMP/odd.tsv" >/dev/null
check 'the HTML escapes what it shows' \
    'grep -q "&lt;b&gt;x&amp;y&lt;/b&gt;" "$TMP/odd.html" && ! grep -q "<b>x" "$TMP/odd.html"'
check 'the Excel CSV guards against formulas and quotes' \
    'iconv -f cp1251 -t utf-8 "$TMP/odd.csv" | grep -q "^\"'"'"'=HYPERLINK(\"\"x\"\")\";203;"'
oms-analyze -C "$ws" -p 2026-10 --html "$TMP/r.html" --csv-excel "$TMP/r.csv" >/dev/null
check 'the HTML report is written 0600, titled, with every reason, no script' \
    '[ "$(stat -c %a "$TMP/r.html")" = 600 ] && grep -q "<title>Отказы в оплате" "$TMP/r.html" &&
     grep -q "<svg" "$TMP/r.html" && ! grep -qi "<script\|https\?://" "$TMP/r.html" &&
     for c in $(cut -f1 "$TMP/want-reason"); do grep -q "$c" "$TMP/r.html" || exit 1; done'
check 'the Excel CSV is windows-1251 with CRLF, ; and decimal commas' \
    'iconv -f cp1251 -t utf-8 "$TMP/r.csv" >"$TMP/r.csv.u" &&
     head -1 "$TMP/r.csv.u" | grep -q "^Разрез;Код;Наименование;Счетов;Предъявлено;Отказано.$" &&
     [ "$(grep -c "$(printf "\r")\$" "$TMP/r.csv")" -eq "$(wc -l <"$TMP/r.csv")" ] &&
     grep -q "^итого;all;;[0-9]*;[0-9]*,[0-9][0-9];" "$TMP/r.csv.u"'

# scope and exit status
expect_exit 'another period has nothing to report' 0 '' oms-analyze -C "$ws" -p 2026-09 -e
check '... and -e exits 1 when there are refusals' \
    'oms-analyze -C "$ws" -p 2026-10 -e >/dev/null; [ $? -eq 1 ]'
flock -n "$ws/.oms.lock" oms-analyze -C "$ws" -p 2026-10 -r >"$TMP/locked"
check 'it reads while another program holds the workspace' \
    'cmp -s "$TMP/locked" "$TMP/rej"'
done_testing
