#!/bin/sh
# profile yar76 and the public template of bill.xml: the four attributes it
# requires (from oms.conf), one personal_account per register_accounts, and
# xsd/yar76-6.15.xsd checked before a bill is written
cd "${0%/*}" && . ./lib.sh
plan 26

bill() { unzip -p "$1" bill.xml; }
xp() { xmllint --xpath "$1" - 2>/dev/null; }
xsd=$OMS_XSDDIR/yar76-6.15.xsd
name=1027600000001760401001261013x

ws=$(newws ws yar76)
oms-gen --profile yar76 -s 3 -n 40 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
src=$ws/source/bill_760001_202610.xml
oms-select -C "$ws" -p 2026-10 >"$TMP/due" 2>/dev/null

# copyws NAME: a fresh copy of ws, nothing exported yet
copyws() {
	w=$TMP/w-$1
	rm -rf "$w"
	cp -R "$ws" "$w"
	echo "$w"
}
# unchanged W: no bill written, nothing in the ledger
unchanged() { [ -z "$(ls "$1/outbox" 2>/dev/null)" ] && [ ! -s "$1/ledger.tsv" ]; }

# --- 1. the default bill: the template's shape
w=$(copyws default)
oms-export -C "$w" <"$TMP/due" >"$TMP/reg" 2>"$TMP/reg.err"; rc=$?
bill "$w/outbox/$name.7z" >"$TMP/bill.xml"
check 'a default yar76 export writes its bill' '[ $rc -eq 0 ] && [ -s "$TMP/bill.xml" ]'
check '... and says nothing of the federal rule table or its reference tables' \
    '! grep -q "not in force\|rules.tsv" "$TMP/reg.err"'
check '... body@telcreator as yar76.telcreator says' \
    '[ "$(xp "string(/package/body/@telcreator)" <"$TMP/bill.xml")" = "(000) 000-00-00" ]'
check '... bill@date_2 and bill@date_in: "date", the registry date, body@date_1' \
    '[ "$(xp "string(/package/body/@date_1)" <"$TMP/bill.xml")" = 2026-10-28 ] &&
     [ "$(xp "string(/package/body/bill/@date_2)" <"$TMP/bill.xml")" = 2026-10-28 ] &&
     [ "$(xp "string(/package/body/bill/@date_in)" <"$TMP/bill.xml")" = 2026-10-28 ]'
check '... bill@n_out: "package", the bill'"'"'s number in its period' \
    '[ "$(xp "string(/package/body/bill/@n_out)" <"$TMP/bill.xml")" = 1 ]'
check '... exactly one personal_account per register_accounts, one register_accounts per patient' \
    '[ "$(xp "count(//register_accounts[count(personal_account) != 1])" <"$TMP/bill.xml")" -eq 0 ] &&
     [ "$(xp "count(//patient[count(register_accounts) != 1])" <"$TMP/bill.xml")" -eq 0 ] &&
     [ "$(xp "count(//patient)" <"$TMP/bill.xml")" -eq "$(($(wc -l <"$TMP/due") - 1))" ]'
check '... also for the patients whose two accounts the MIS put under one register_accounts' \
    '[ "$(xp "count(//register_accounts[count(personal_account) > 1])" <"$src")" -gt 0 ] &&
     [ "$(grep -c "<personal_account " "$src")" -eq "$(grep -c "<personal_account " "$TMP/bill.xml")" ]'
ok '... and it validates: xmllint --schema xsd/yar76-6.15.xsd' \
    xmllint --noout --schema "$xsd" "$TMP/bill.xml"
ok '... as does the demo conf'"'"'s bill (examples/yar76.conf)' \
    sh -c 'w=$1; cp ../../examples/yar76.conf "$w/oms.conf" && rm -rf "$w/outbox" "$w/ledger.tsv" &&
        oms-export -C "$w" <"$2" >/dev/null &&
        unzip -p "$w"/outbox/*.7z bill.xml | xmllint --noout --schema "$3" -' sh "$(copyws demo)" "$TMP/due" "$xsd"

# --- 2. the other values of the four keys
w=$(copyws values)
grep -v '^yar76\.' "$ws/oms.conf" >"$w/oms.conf"
printf '%s\n' 'yar76.date_2 = period-end' 'yar76.date_in = 2026-11-05' \
    'yar76.n_out = name' 'yar76.telcreator = +7 (4852) 00-00-00 & 01' >>"$w/oms.conf"
oms-export -C "$w" <"$TMP/due" >/dev/null 2>&1
bill "$w/outbox/$name.7z" >"$TMP/v.xml"
check 'date_2 = period-end, date_in = a date, n_out = name: the last day, that date, the registry name' \
    '[ "$(xp "string(/package/body/bill/@date_2)" <"$TMP/v.xml")" = 2026-10-31 ] &&
     [ "$(xp "string(/package/body/bill/@date_in)" <"$TMP/v.xml")" = 2026-11-05 ] &&
     [ "$(xp "string(/package/body/bill/@n_out)" <"$TMP/v.xml")" = "$name" ]'
check '... and a telcreator with & is written escaped' \
    '[ "$(xp "string(/package/body/@telcreator)" <"$TMP/v.xml")" = "+7 (4852) 00-00-00 & 01" ] &&
     xmllint --noout --schema "$xsd" "$TMP/v.xml" 2>/dev/null'

# --- 3. a required value oms.conf does not give
w=$(copyws unset)
grep -v -e '^yar76.telcreator' -e '^yar76.n_out' "$ws/oms.conf" >"$w/oms.conf"
expect_exit 'yar76.telcreator and yar76.n_out unset: refused, naming oms.conf, both keys and what to do' 1 \
    'oms.conf: yar76.telcreator, yar76.n_out are not set: the Yaroslavl template requires body@telcreator, bill@n_out .*set them in oms.conf' \
    oms-export -C "$w" <"$TMP/due"
check '... and nothing is written' 'unchanged "$w"'
w=$(copyws empty)
sed 's/^yar76.date_in = .*/yar76.date_in =/' "$ws/oms.conf" >"$w/oms.conf"
expect_exit 'yar76.date_in set to nothing is unset' 1 'yar76.date_in is not set: .*bill@date_in' \
    oms-export -C "$w" -n <"$TMP/due"
w=$(copyws shape)
sed 's/^yar76.date_2 = .*/yar76.date_2 = 2026-02-30/' "$ws/oms.conf" >"$w/oms.conf"
expect_exit 'yar76.date_2 = 2026-02-30 is refused, naming the key and what it takes' 1 \
    'yar76.date_2: expected "date", "period-start", "period-end" or a date YYYY-MM-DD, got "2026-02-30"' \
    oms-export -C "$w" <"$TMP/due"

# --- 4. what the schema refuses
w=$(copyws manip)
acc=$(xp 'string((//personal_account)[3]/@xkey)' <"$src")
# the third account's first manipulation loses its service code
awk -v k="xkey=\"$acc\"" 'index($0, k) { f = 1 } f && /<manipulation / && !d { sub(/ service="[^"]*"/, ""); d = 1 } { print }' \
    "$src" >"$w/source/bill_760001_202610.xml"
expect_exit 'a manipulation without service is refused, naming file:line, the account and the attribute' 1 \
    "source/bill_760001_202610.xml:[0-9]+: account $acc: xsd: Element 'manipulation': The attribute 'service' is required but missing" \
    oms-export -C "$w" <"$TMP/due"
check '... and nothing is written' 'unchanged "$w"'
oms-export -C "$w" --skip-invalid <"$TMP/due" >"$TMP/skip" 2>/dev/null
check '... with --skip-invalid that account is left out and the rest validates' \
    '[ "$(tail -n +2 "$TMP/skip" | cut -f3)" -eq "$(($(wc -l <"$TMP/due") - 2))" ] &&
     ! bill "$w/outbox/$name.7z" | grep -q "$acc" &&
     bill "$w/outbox/$name.7z" | xmllint --noout --schema "$xsd" - 2>/dev/null'
w=$(copyws order)
acc=$(xp 'string((//personal_account)[2]/@xkey)' <"$src")
awk -v k="xkey=\"$acc\"" 'index($0, k) { f = 1 } f && /<sum>/ && !d { print "<consiliums><consilium pr=\"1\"/></consiliums>"; d = 1 } { print }' \
    "$src" >"$w/source/bill_760001_202610.xml"
expect_exit 'an element out of the template'"'"'s order is refused, naming the account and the element' 1 \
    "account $acc: xsd: Element 'consiliums': This element is not expected" \
    oms-export -C "$w" -n <"$TMP/due"
w=$(copyws smo)
sed 's/ogrn_smo="1027600000000"/ogrn_smo="1027600"/' "$src" >"$w/source/bill_760001_202610.xml"
expect_exit 'a bill@ogrn_smo of 7 digits (no yar76.tfoms_ogrn) is refused, naming oms.conf and the key' 1 \
    "oms.conf: bill.xml would not match yar76-6.15.xsd: Element 'bill', attribute 'ogrn_smo'.*set yar76.tfoms_ogrn" \
    oms-export -C "$w" <"$TMP/due"
check '... and nothing is written' 'unchanged "$w"'
echo 'yar76.tfoms_ogrn = 1027600000000' >>"$w/oms.conf"
ok '... which yar76.tfoms_ogrn settles' oms-export -C "$w" <"$TMP/due"
mkdir -p "$TMP/noxsd"
w=$(copyws noxsd)
expect_exit 'no schema for the version: an error naming the file, nothing written' 3 \
    'yar76-6.15.xsd: no schema for bill.xml version 6.15' \
    env OMS_XSDDIR="$TMP/noxsd" oms-export -C "$w" <"$TMP/due"
check '... and nothing is written' 'unchanged "$w"'

# --- 5. yar76.group_patients = yes, the grouped layout, still works
w=$(copyws group)
echo 'yar76.group_patients = yes' >>"$w/oms.conf"
oms-export -C "$w" <"$TMP/due" >/dev/null 2>"$TMP/g.err"; rc=$?
bill "$w/outbox/$name.7z" >"$TMP/g.xml"
check 'group_patients = yes: the accounts of one patient under one register_accounts' \
    '[ $rc -eq 0 ] && [ "$(xp "count(//register_accounts[count(personal_account) > 1])" <"$TMP/g.xml")" -gt 0 ] &&
     [ "$(grep -c "<personal_account " "$TMP/g.xml")" -eq "$(($(wc -l <"$TMP/due") - 1))" ]'
check '... which is the one point where it departs from the schema' \
    '! xmllint --noout --schema "$xsd" "$TMP/g.xml" 2>"$TMP/g.lint" &&
     [ "$(grep -c "validity error" "$TMP/g.lint")" -eq "$(xp "count(//register_accounts[count(personal_account) > 1])" <"$TMP/g.xml")" ] &&
     ! grep "validity error" "$TMP/g.lint" | grep -v "Element .personal_account.: This element is not expected" >&2'

done_testing
