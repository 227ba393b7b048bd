#!/bin/sh
# A person refused leaves out the accounts whose cases name that person as
# sent: a fix of PACIENT/ID_PAC moves a case to another person, and then
# that person's refusal is what counts, not its first one's; so does
# a person no persons file has (003F.00.3070)
cd "${0%/*}" && . ./lib.sh
plan 8

H() { unzip -p "$1" '[A-KM-Z]*'; }	# the cases file
# "ID_PAC account" of each case of an H file without OS_SLUCH (rule
# 003F.00.0480 wants one when the person has no patronymic: these cases
# can move between persons who have one)
plain() { tr -d '\n' | sed 's|</ZAP>|&\n|g' | grep -v OS_SLUCH |
    grep -o '<ID_PAC>[^<]*\|<SL_ID>[^<]*' |
    awk -F'>' '/ID_PAC/ { p = $2; n = 1; next } n { print p, $2; n = 0 }'; }

ws=$(newws ws conf)
oms-gen -s 8 -n 6 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 -k H >"$TMP/due"
# sent once (a test registry) and new again: fixes can be recorded
oms-export -C "$ws" --test <"$TMP/due" >/dev/null 2>&1
oms-requeue -C "$ws" --restore-test 2026-10 >/dev/null
H "$ws"/outbox/HM*.zip | plain >"$TMP/cases"
# person two has accounts a and b; person one has account c
two=$(awk '{ n[$1]++ } n[$1] == 2 { print $1; exit }' "$TMP/cases")
a=$(awk -v p="$two" '$1 == p { print $2; exit }' "$TMP/cases")
b=$(awk -v p="$two" '$1 == p { n++ } $1 == p && n == 2 { print $2; exit }' "$TMP/cases")
one=$(awk -v p="$two" '$1 != p { print $1; exit }' "$TMP/cases")
c=$(awk -v p="$two" '$1 != p { print $2; exit }' "$TMP/cases")
check 'the workspace has a person with two accounts and another with one' \
    '[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ "$one" != "$two" ]'

# c moves to person two, a to person one; person two's birth date is broken
oms-requeue -C "$ws" --set "PACIENT/ID_PAC=$two" -a "$c" >/dev/null
oms-requeue -C "$ws" --set "PACIENT/ID_PAC=$one" -a "$a" >/dev/null
l=$(ls "$ws"/source/LM*.xml)
awk -v p="$two" '$0 ~ "<ID_PAC>" p "</ID_PAC>" { m = 1 }
    m && /<DR>/ { sub(/<DR>/, "<DR>x") } /<\/PERS>/ { m = 0 } { print }' \
    "$l" >"$TMP/l" && mv "$TMP/l" "$l"
n=$(wc -l <"$ws/ledger.tsv")
oms-export -C "$ws" --skip-invalid <"$TMP/due" >"$TMP/reg" 2>"$TMP/err"; rc=$?
tail -n +$((n + 1)) "$ws/ledger.tsv" |
    awk -F'\t' '$2 == "export" { print $3 }' >"$TMP/sent"
check 'the export leaves accounts out (exit 1) and names person two'"'"'s problem' \
    '[ $rc -eq 1 ] && grep -q "account $b: xsd: Element .DR." "$TMP/err" &&
     grep -q "2 account(s) left out" "$TMP/err"'
check '... the account still with person two is left out' \
    '[ -s "$TMP/sent" ] && [ -n "$b" ] && ! grep -qx "$b" "$TMP/sent"'
check '... and so is the one a fix moved to person two' \
    '[ -s "$TMP/sent" ] && [ -n "$c" ] && ! grep -qx "$c" "$TMP/sent"'
check '... but not the one a fix moved away from person two' 'grep -qx "$a" "$TMP/sent"'
check '... and the other accounts are sent' \
    '[ "$(wc -l <"$TMP/sent")" -eq $(($(wc -l <"$TMP/due") - 3)) ]'

# a fix that moves a case to an ID_PAC no persons file has (rule
# 003F.00.3070): that case is left out, and only it
ws2=$(newws ws2 conf)
oms-gen -s 8 -n 6 -m 1 -p 2026-10 -o "$ws2/source" 2>/dev/null
oms-select -C "$ws2" -p 2026-10 -k H >"$TMP/due2"
oms-export -C "$ws2" --test <"$TMP/due2" >/dev/null 2>&1
oms-requeue -C "$ws2" --restore-test 2026-10 >/dev/null
oms-requeue -C "$ws2" --set "PACIENT/ID_PAC=9999999999" -a "$c" >/dev/null
n=$(wc -l <"$ws2/ledger.tsv")
oms-export -C "$ws2" --skip-invalid <"$TMP/due2" >/dev/null 2>"$TMP/err2"; rc=$?
tail -n +$((n + 1)) "$ws2/ledger.tsv" |
    awk -F'\t' '$2 == "export" { print $3 }' >"$TMP/sent2"
check 'a case moved to a patient no persons file has is refused (003F.00.3070)' \
    '[ $rc -eq 1 ] && grep -q "account $c: 003F.00.3070: patient ID_PAC \"9999999999\"" "$TMP/err2"'
check '... and left out, the other accounts sent' \
    '[ -s "$TMP/sent2" ] && ! grep -qx "$c" "$TMP/sent2" &&
     [ "$(wc -l <"$TMP/sent2")" -eq $(($(wc -l <"$TMP/due2") - 2)) ]'
