#!/bin/sh
# privacy: what the programs create is 0600/0700 whatever the umask; names
# and policy numbers never in outputs or messages unless --names asks
cd "${0%/*}" && . ./lib.sh
plan 5

ws=$(newws ws conf)
oms-gen -s 4 -n 40 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
# personal values of the source, to look for: surnames, names, ENP, SNILS
for f in "$ws"/source/L*; do iconv -f cp1251 -t utf-8 "$f"; done |
    sed -n 's/.*<\(FAM\|IM\|ENP\|SNILS\|DR\)>\([^<]*\)<.*/\2/p' | sort -u >"$TMP/personal"
for f in "$ws"/source/H* "$ws"/source/D*; do iconv -f cp1251 -t utf-8 "$f"; done |
    sed -n 's/.*<\(ENP\|NPOLIS\)>\([^<]*\)<.*/\2/p' | sort -u >>"$TMP/personal"
check 'the source holds personal data to look for' '[ "$(wc -l <"$TMP/personal")" -gt 40 ]'

(
	umask 000
	oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" --test
	oms-fund -s 2 --flk 2 --refuse 4 -o "$TMP/in" "$ws"/outbox/*.zip
	oms-import -C "$ws" "$TMP"/in/V*.zip "$TMP"/in/[A-Z]*T76M760001_*[0-9].zip
	oms-analyze -C "$ws" -p 2026-10
	oms-analyze -C "$ws" -p 2026-10 -r --html "$ws/r.html" --csv-excel "$ws/r.csv"
	oms-analyze -C "$ws" -p 2026-10 -r --names >"$TMP/names"
	oms-requeue -C "$ws" --restore-test 2026-10
	oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws"
	oms-invoice -C "$ws" -p 2026-10 --invoices "$ws/scheta" --format html
	oms-select -C "$ws" -s in-flight
) >"$TMP/all" 2>&1
check 'every file the programs made is 0600, every directory 0700' \
    '[ -z "$(cd "$ws" && find . -path ./source -prune -o -name oms.conf -o -type f ! -perm 0600 -print)" ] &&
     [ -z "$(cd "$ws" && find . -path ./source -prune -o -path . -o -type d ! -perm 0700 -print)" ] &&
     [ -d "$ws/archive" ] && [ -d "$ws/scheta" ]'
check 'no name, birth date, SNILS or policy number in any output or message' \
    '! grep -qF -f "$TMP/personal" "$TMP/all" "$ws/ledger.tsv" "$ws/r.html" &&
     ! iconv -f cp1251 -t utf-8 "$ws/r.csv" | grep -qF -f "$TMP/personal"'

# a schema error on a policy number: the element is named, the value is not
ws2=$(newws ws2 conf)
cp "$ws"/source/* "$ws2/source/" 2>/dev/null || { mkdir "$ws2/source"; cp "$ws"/source/* "$ws2/source/"; }
enp=$(grep -o "<ENP>[0-9]*</ENP>" "$ws2"/source/H* | head -1 | sed 's/<[^>]*>//g')
sed -i "0,/<ENP>$enp</s//<ENP>${enp%????}</" "$ws2"/source/H*
oms-select -C "$ws2" -p 2026-10 | oms-export -C "$ws2" -n >/dev/null 2>"$TMP/err"
check 'a bad ENP is reported without its value' \
    'grep -q "ENP.*(hidden)" "$TMP/err" && ! grep -q "${enp%????}" "$TMP/err"'
check '--names shows the patients' \
    'cut -f17 "$TMP/names" | tail -n +2 | grep -qF -f "$TMP/personal"'
done_testing
