#!/bin/sh
# profile yar76: bill.xml in a ZIP named ...13x.7z, the replies that share
# its first 27 characters, and the rest of the cycle on such a workspace
cd "${0%/*}" && . ./lib.sh
plan 39

utf8() { iconv -f cp1251 -t utf-8; }
bill() { unzip -p "$1" bill.xml; }
xp() { xmllint --xpath "$1" - 2>/dev/null; }

ws=$(newws ws yar76)
oms-gen --profile yar76 -s 3 -n 60 -m 2 -p 2026-09 -o "$ws/source" 2>/dev/null
src=$ws/source/bill_760001_202610.xml

# --- the bill
oms-select -C "$ws" -p 2026-10 >"$TMP/due" 2>"$TMP/due.err"; rc=$?
check 'oms-select lists every personal_account of October, kind B' \
    '[ $rc -eq 0 ] && [ "$(tail -n +2 "$TMP/due" | cut -f3 | sort -u)" = B ] &&
     [ "$(($(wc -l <"$TMP/due") - 1))" -eq "$(grep -c "<personal_account " "$src")" ]'
check '... with the insurer of the policy as payer, out-of-region people the fund' \
    '[ "$(tail -n +2 "$TMP/due" | cut -f4 | sort -u | tr "\n" " ")" = "76000 76001 76002 " ]'
oms-export -C "$ws" <"$TMP/due" >"$TMP/reg"; rc=$?
name=1027600000001760401001261013x
check 'oms-select | oms-export writes {OGRN}{KPP}261013x.7z' \
    '[ $rc -eq 0 ] && [ -f "$ws/outbox/$name.7z" ] &&
     [ "$(tail -n +2 "$TMP/reg" | cut -f1,2)" = "$name	outbox/$name.7z" ]'
arc=$ws/outbox/$name.7z
check '... a ZIP holding only bill.xml' '[ "$(unzip -Z1 "$arc")" = bill.xml ]'
bill "$arc" >"$TMP/bill.xml"
check '... windows-1251, well-formed, with CRLF line ends' \
    'head -1 "$TMP/bill.xml" | grep -q "encoding=\"windows-1251\"" &&
     xmllint --noout "$TMP/bill.xml" && utf8 <"$TMP/bill.xml" >/dev/null &&
     [ "$(grep -c "$(printf "\r")\$" "$TMP/bill.xml")" -eq "$(wc -l <"$TMP/bill.xml")" ]'
xp '//personal_account/@xkey' <"$TMP/bill.xml" | tr ' ' '\n' |
    sed -n 's/^xkey="\(.*\)"$/\1/p' | sort >"$TMP/sent"
check '... with exactly the selected accounts' \
    'tail -n +2 "$TMP/due" | cut -f1 | sort | diff -u - "$TMP/sent" >&2'
total=$(tail -n +2 "$TMP/due" | awk -F'\t' '{ s += $6 } END { printf "%.2f", s }')
check '... and the right totals: account_sum, the registry line, Σ sum/elem' \
    '[ "$(xp "string(//account_elem_t/account_elem/@amount)" <"$TMP/bill.xml")" = "$total" ] &&
     [ "$(tail -n +2 "$TMP/reg" | cut -f4)" = "$total" ] &&
     [ "$(xp "//personal_account/sum/elem/@sum" <"$TMP/bill.xml" | tr " " "\n" |
          sed -n "s/^sum=\"\(.*\)\"\$/\1/p" | awk "{ s += \$1 } END { printf \"%.2f\", s }")" = "$total" ]'
check '... n_pp numbers the accounts 1..N in the order written' \
    '[ "$(xp "//personal_account/@n_pp" <"$TMP/bill.xml" | tr " " "\n" | sed -n "s/n_pp=\"\(.*\)\"/\1/p" | tr "\n" " ")" = "$(seq 1 "$(wc -l <"$TMP/sent")" | tr "\n" " ")" ]'
s1=$(xp 'string((//patient)[1]/@surname)' <"$src")
check "a surname with ' and & survives the round trip" \
    'case "$s1" in *"'"'"'"*"&"*) ;; *) false ;; esac &&
     [ "$(xp "string((//patient)[1]/@surname)" <"$TMP/bill.xml")" = "$s1" ] &&
     utf8 <"$TMP/bill.xml" | grep -q "surname=\"[^\"]*&amp;[^\"]*\""'
npat=$(xp 'count(//patient)' <"$TMP/bill.xml")
ncod=$(xp '//patient/@patientcod' <"$TMP/bill.xml" | tr ' ' '\n' | grep -c . )
ucod=$(xp '//patient/@patientcod' <"$TMP/bill.xml" | tr ' ' '\n' | grep . | sort -u | wc -l)
check 'one patient element per account, as the template has it, a patient with two accounts twice' \
    '[ "$npat" -eq "$ncod" ] && [ "$ucod" -lt "$ncod" ] &&
     [ "$npat" -eq "$(wc -l <"$TMP/sent")" ] &&
     [ "$(xp "count(//register_accounts[count(personal_account) != 1])" <"$TMP/bill.xml")" -eq 0 ]'
check 'every personal_account of the source is read, also the second of a patient' \
    '[ "$(xp "count(//register_accounts[count(personal_account) > 1])" <"$src")" -gt 0 ] &&
     [ "$(grep -c "<personal_account " "$src")" -eq "$(grep -c "<personal_account " "$TMP/bill.xml")" ]'
# each account's n_pp in the bill, and its N_ZAP in the ledger (numbered
# while the bill is packed: the ledger's lines must wait for it)
grep -o '<personal_account [^>]*>' "$TMP/bill.xml" |
    sed -n 's/.* n_pp="\([0-9]*\)" xkey="\([^"]*\)".*/\2 \1/p' |
    sort >"$TMP/npp"
awk -F'\t' -v r="$name" '$2 == "export" && $4 == r { print $3, $9 }' \
    "$ws/ledger.tsv" | sort >"$TMP/nzap"
check 'the ledger maps n_pp and xkey to the accounts, each N_ZAP its n_pp' \
    '[ "$(grep -c "	export	" "$ws/ledger.tsv")" -eq "$(wc -l <"$TMP/sent")" ] &&
     [ "$(wc -l <"$TMP/npp")" -eq "$(wc -l <"$TMP/sent")" ] &&
     diff -u "$TMP/npp" "$TMP/nzap" >&2'

# --- the insurers' answers to the payment demands
oms-fund -s 2 --refuse 1 -o "$TMP/dem" "$arc" 2>/dev/null
check 'the simulated insurers answer with ...2A, ...2B, ...2T' \
    '[ "$(cd "$TMP/dem" && ls *.7z | tr "\n" " ")" = "${name%??}0x.7z ${name%??}2A.7z ${name%??}2B.7z ${name%??}2T.7z " ]'
refused=$(awk -F'\t' '$2 == "demand" && $5 != "accepted" { print $4 }' "$TMP/dem/truth.tsv")
code=$(awk -F'\t' '$2 == "demand" && $5 != "accepted" { print $9 }' "$TMP/dem/truth.tsv")
check "... one refusal, pay=\"4\" with an an_mes code, in ${name%??}2A.7z" \
    '[ "$(echo "$refused" | wc -w)" -eq 1 ] && [ -n "$code" ] &&
     bill "$TMP/dem/${name%??}2A.7z" | utf8 | grep -A3 "xkey=\"$refused\"" >/dev/null &&
     bill "$TMP/dem/${name%??}2A.7z" | xp "string(//personal_account[@xkey=\"$refused\"]/smo/@pay)" | grep -qx 4 &&
     bill "$TMP/dem/${name%??}2A.7z" | xp "string(//personal_account[@xkey=\"$refused\"]/smo/an_mess/an_mes/@an_mes)" | grep -qx "$code"'
oms-import -C "$ws" "$TMP/dem/${name%??}2A.7z" >"$TMP/a" 2>"$TMP/a.err"; rc=$?
check '...2A.7z is read as stage demand: that account rejected with that code' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" "NR > 1 && \$5 != \"accepted\" { print \$1, \$4, \$5, \$9 }" "$TMP/a")" = "$refused demand rejected $code" ]'
check '... the others in it are accepted' \
    '[ "$(tail -n +2 "$TMP/a" | awk -F"\t" "\$5 == \"accepted\"" | wc -l)" -eq \
       "$(($(wc -l <"$TMP/a") - 2))" ] && [ "$(wc -l <"$TMP/a")" -gt 2 ]'
oms-import -C "$ws" "$TMP/dem/${name%??}2B.7z" "$TMP/dem/${name%??}2T.7z" >"$TMP/bt"
awk -F'\t' '$2 == "demand" { print $4, $5, $6, $7, $8, $9 }' "$TMP/dem/truth.tsv" | sort >"$TMP/want"
cat "$TMP/a" "$TMP/bt" | awk -F'\t' '$1 != "account" { print $1, $5, $6, $7, $8, $9 }' | sort >"$TMP/got"
check 'every account has the decision and the sums the insurers gave' \
    'diff -u "$TMP/want" "$TMP/got" >&2 && [ "$(wc -l <"$TMP/got")" -eq "$(wc -l <"$TMP/sent")" ]'
oms-analyze -C "$ws" -r >"$TMP/r"
check 'oms-analyze --rejected lists exactly that account' \
    '[ "$(tail -n +2 "$TMP/r" | cut -f1)" = "$refused" ] && [ "$(tail -n +2 "$TMP/r" | cut -f2)" = "$code" ]'
before=$(snapshot "$ws")
oms-import -C "$ws" "$TMP/dem/${name%??}2A.7z" >/dev/null 2>"$TMP/again"; rc=$?
check 'importing it again changes nothing' \
    '[ $rc -eq 0 ] && grep -q "already imported" "$TMP/again" && [ "$before" = "$(snapshot "$ws")" ]'
oms-invoice -C "$ws" -p 2026-10 >"$TMP/inv"; rc=$?
check 'oms-invoice: claimed per payer adds up to the bill, refused is the refusal' \
    '[ $rc -eq 0 ] && [ "$(tail -n +2 "$TMP/inv" | awk -F"\t" "{ c += \$2 } END { printf \"%.2f\", c }")" = "$total" ] &&
     [ "$(tail -n +2 "$TMP/inv" | awk -F"\t" "{ r += \$3 } END { printf \"%.2f\", r }")" = \
       "$(awk -F"\t" "\$2 == \"demand\" { r += \$8 } END { printf \"%.2f\", r }" "$TMP/dem/truth.tsv")" ]'

# --- sent again
oms-analyze -C "$ws" -r | oms-requeue -C "$ws" >"$TMP/q"; rc=$?
check 'the refused account can be requeued' \
    '[ $rc -eq 0 ] && [ "$(tail -n +2 "$TMP/q" | cut -f1,2)" = "$refused	queued" ]'
# a second bill of the period needs a digit of its own
before=$(snapshot "$ws")
expect_exit 'a second bill of 2026-10 with yar76.digit = 1 is refused, saying what to set' \
    1 'yar76.digit = package' sh -c 'printf "account\tperiod\n%s\t2026-10\n" "$0" |
        oms-export -C "$1" --test' "$refused" "$ws"
check '... and changes nothing' '[ "$before" = "$(snapshot "$ws")" ]'

oms-select -C "$ws" -p 2026-11 >"$TMP/due11" 2>/dev/null
check '... and is due in November as a repeated account (pr_nov 1)' \
    'awk -F"\t" "\$1 == \"$refused\" && \$5 == 1 { f = 1 } END { exit !f }" "$TMP/due11"'
oms-export -C "$ws" <"$TMP/due11" >/dev/null 2>&1
nov=$ws/outbox/1027600000001760401001261113x.7z
check '... and goes out again in the next bill, keeping its xkey, x_key2 naming it' \
    '[ "$(bill "$nov" | xp "string(//personal_account[@xkey=\"$refused\"]/@x_key2)")" = "$refused" ] &&
     [ "$(bill "$nov" | xp "count(//personal_account[@x_key2])")" -eq 1 ]'
oms-select -C "$ws" --history "$refused" >"$TMP/hist"
check 'its history: exported, refused on demand, queued, exported again' \
    '[ "$(tail -n +2 "$TMP/hist" | cut -f2 | tr "\n" " ")" = "export decision queue export state " ]'

# --- ФЛК, a test bill, restore, bad replies
ws2=$(newws ws2 yar76)
echo 'yar76.digit = package' >>"$ws2/oms.conf"
oms-gen --profile yar76 -s 5 -n 30 -m 1 -p 2026-10 --defect smo:4 -o "$ws2/source" 2>/dev/null
oms-select -C "$ws2" -p 2026-10 >"$TMP/due2" 2>"$TMP/due2.err"
check 'an insurer the register lacks is a warning naming its OGRN, the OGRN the payer' \
    'grep -q "OGRN 1027600000099 .*not in ref/F002.tsv" "$TMP/due2.err" &&
     [ "$(tail -n +2 "$TMP/due2" | cut -f4 | grep -c 1027600000099)" -eq 1 ]'
oms-export -C "$ws2" --test <"$TMP/due2" >/dev/null 2>&1
t1=$ws2/outbox/1027600000001760401001261013x.7z
check 'with yar76.digit = package the first bill of the month ends in 13x' '[ -f "$t1" ]'
oms-fund -s 2 --flk 3 -o "$TMP/flk" "$t1" 2>/dev/null
fr=$TMP/flk/1027600000001760401001261010x.7z
oms-import -C "$ws2" "$fr" >"$TMP/f"; rc=$?
awk -F'\t' '$2 == "flk" { print $4, $5, $6, $7, $8, $9 }' "$TMP/flk/truth.tsv" | sort >"$TMP/want"
awk -F'\t' '$1 != "account" { print $1, $5, $6, $7, $8, $9 }' "$TMP/f" | sort >"$TMP/got"
check 'a reply with body/flk is stage flk: three refused by their facts, the rest accepted' \
    '[ $rc -eq 0 ] && [ "$(tail -n +2 "$TMP/f" | cut -f4 | sort -u)" = flk ] &&
     diff -u "$TMP/want" "$TMP/got" >&2 && [ "$(grep -c " rejected " "$TMP/got")" -eq 3 ]'

before=$(snapshot "$ws2")
mkdir -p "$TMP/bad"
(cd "$TMP/bad" && bill "$fr" >bill.xml && touch -d 2026-11-11 bill.xml &&
    zip -q 1027600000002760401001261010x.7z bill.xml && touch -d 2026-11-12 bill.xml &&
    zip -q 1027600000001760401001261090x.7z bill.xml)
expect_exit 'a reply for another OGRN is refused' 1 'addressed to OGRN 1027600000002' \
    oms-import -C "$ws2" "$TMP/bad/1027600000002760401001261010x.7z"
expect_exit 'a reply to a bill never sent is refused' 1 'never sent' \
    oms-import -C "$ws2" "$TMP/bad/1027600000001760401001261090x.7z"
expect_exit 'the bill itself is not a reply' 1 'itself, not a reply' oms-import -C "$ws2" "$t1"
(cd "$TMP/bad" && cp "$fr" 1027600000001760401001261011x.7z &&
    echo x >extra.txt && zip -q 1027600000001760401001261011x.7z extra.txt)
expect_exit 'a reply with a second entry is refused' 1 'one entry, bill.xml' \
    oms-import -C "$ws2" "$TMP/bad/1027600000001760401001261011x.7z"
k1=$(head -1 "$TMP/sent")
(cd "$TMP/bad" && bill "$fr" | sed "s/xkey=\"$(tail -n +2 "$TMP/due2" | cut -f1 | head -1)\"/xkey=\"$k1\"/" >bill.xml &&
    rm -f 1027600000001760401001261012x.7z && zip -q 1027600000001760401001261012x.7z bill.xml)
expect_exit 'a reply naming an xkey the bill did not carry is refused' 1 "$k1 is not in bill" \
    oms-import -C "$ws2" "$TMP/bad/1027600000001760401001261012x.7z"
check '... and none of them changed anything' '[ "$before" = "$(snapshot "$ws2")" ]'

# --- bad bills in source/
ws3=$(newws ws3 yar76)
oms-gen --profile yar76 -s 5 -n 5 -m 1 -p 2026-10 -o "$ws3/source" 2>/dev/null
sed 's/ogrn_mo="1027600000001"/ogrn_mo="1027600000002"/' "$ws3/source/bill_760001_202610.xml" >"$ws3/source/other.xml"
expect_exit "a source bill of another МО is skipped, naming the file" 1 \
    'source/other.xml:[0-9]+: body@ogrn_mo 1027600000002 is not this' oms-select -C "$ws3" -p 2026-10
check '... and its accounts are not listed twice' \
    '[ "$(tail -n +2 "$TMP/out" | wc -l)" -eq 5 ]'
rm "$ws3/source/other.xml"
sed '0,/ xkey="[^"]*" n_card/s// n_card/' "$ws3/source/bill_760001_202610.xml" >"$TMP/nokey.xml"
mv "$TMP/nokey.xml" "$ws3/source/bill_760001_202610.xml"
expect_exit "a personal_account without xkey is an error naming its line" 1 \
    'bill_760001_202610.xml:[0-9]+: personal_account without xkey' oms-select -C "$ws3" -p 2026-10

oms-requeue -C "$ws2" --restore-test 2026-10 >/dev/null
oms-select -C "$ws2" -p 2026-10 2>/dev/null | oms-export -C "$ws2" >"$TMP/main2" 2>/dev/null
check 'after the restore the main bill of the month is ...23x, with every account again' \
    '[ "$(tail -n +2 "$TMP/main2" | cut -f1,3)" = "1027600000001760401001261023x	$(($(wc -l <"$TMP/due2") - 1))" ]'

done_testing
