#!/bin/sh
# Nothing recorded and then silently lost: fixes oms-export would not make
# are refused or named, values the ledger's fold would cut are refused,
# account ids no ledger line holds are usage errors, and --history and
# oms-analyze show long values whole
cd "${0%/*}" && . ./lib.sh
plan 38

ws=$(newws ws conf)
oms-gen -s 8 -n 6 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due"
H() { unzip -p "$1" '[A-KM-Z]*'; }	# the cases file
L() { unzip -p "$1" 'L*' | iconv -f WINDOWS-1251 -t UTF-8; }
# "ID_PAC account" of each case of an H file, in file order
cases() { tr -d '\n' | grep -o '<ID_PAC>[^<]*\|<SL_ID>[^<]*' |
    awk -F'>' '/ID_PAC/ { p = $2; n = 1; next } n { print p, $2; n = 0 }'; }
# a committed ledger block of the lines given (fields joined by tabs)
block() {
	for l in "$@"; do printf '%s\n' "$l"; done >>"$ws/ledger.tsv"
	printf '2026-10-28T00:00:01Z\tcommit\t\t\t\t\t\t\t\t\t\t\top=test\n' \
	    >>"$ws/ledger.tsv"
}
T=$(printf '\t')

# --- 1. a fix the export would not make is not recorded
one=$(awk -F'\t' 'NR == 2 { print $1 }' "$TMP/due")
two=$(awk -F'\t' 'NR == 3 { print $1 }' "$TMP/due")
before=$(snapshot "$ws")
expect_exit '--set on an account never sent is refused, naming it and source/' 1 \
    "$one: never sent: .*correct its case in the MIS and export it to source/" \
    oms-requeue -C "$ws" --set PACIENT/ENP=7600000000001111 -a "$one"
check '... and records nothing' '[ "$before" = "$(snapshot "$ws")" ] &&
    [ "$(oms-requeue -C "$ws" --fixes | wc -l)" -eq 1 ]'
for p in N_ZAP PR_NOV Z_SL/IDCASE; do
	expect_exit "--set $p, which oms-export numbers itself, is a usage error" 2 \
	    "$p is numbered by oms-export" oms-requeue -C "$ws" --set "$p=7" -a "$one"
done
expect_exit '--set of a value that is not XML text is a usage error' 2 \
    'control character 0x01' \
    oms-requeue -C "$ws" --set "PACIENT/ENP=$(printf 'a\001b')" -a "$one"
yws=$(newws yws yar76)
expect_exit '--set in a yar76 workspace is a usage error (its export makes no fixes)' 2 \
    'profile yar76 makes no fixes' oms-requeue -C "$yws" --set PACIENT/ENP=1 -a "$one"

# a fix an earlier version recorded before the account was ever sent
printf 'time\tevent\taccount\tregistry\tperiod\tkind\tpayer\tpr_nov\tn_zap\tidcase\tsum\tfile\tdata\n' \
    >"$ws/ledger.tsv"
block "2026-10-28T00:00:00Z${T}fix${T}$two${T}${T}${T}${T}${T}${T}${T}${T}${T}${T}path=PACIENT/ENP;value=7600000000002222"
expect_exit '--fixes names a fix of an account never sent as not made, exit 1' 1 \
    "$two: the fix of PACIENT/ENP is not made: the account was never sent" \
    oms-requeue -C "$ws" --fixes
check '... still listing it' 'grep -q "^$two	PACIENT/ENP	7600000000002222	" "$TMP/out"'

# every account known to the ledger, and new again
oms-export -C "$ws" --test <"$TMP/due" >/dev/null 2>&1
oms-requeue -C "$ws" --restore-test 2026-10 >/dev/null
check 'the test registry was restored: every account is new again' \
    '[ "$(oms-select -C "$ws" -s new | tail -n +2 | wc -l)" -eq "$(tail -n +2 "$TMP/due" | wc -l)" ]'
expect_exit '... and --fixes still names that fix as not made' 1 \
    "$two: the fix of PACIENT/ENP is not made: it was recorded before the account was first sent" \
    oms-requeue -C "$ws" --fixes
expect_exit '--set of the same path on it is refused: the export would make none' 1 \
    "$two: the ledger holds a fix of it recorded before it was first sent" \
    oms-requeue -C "$ws" --set PACIENT/ENP=7600000000003333 -a "$two"

# --- 2. what the ledger's fold keeps whole, and no more
v4095=$(awk 'BEGIN { s = "%;=ab"; while (length(s) < 4095) s = s "x"; printf "%s", s }')
p255=$(awk 'BEGIN { for (i = 0; i < 32; i++) s = s (i ? "/" : "") "ABCDEFG"; printf "%s", s }')
before=$(snapshot "$ws")
expect_exit '--set of a value of 4096 bytes is a usage error naming the limit' 2 \
    'a value of 4096 bytes: the ledger keeps at most 4095' \
    oms-requeue -C "$ws" --set "Z_SL/SL/DS1=${v4095}y" -a "$one"
expect_exit '--set of a path of 256 bytes is a usage error naming the limit' 2 \
    'a path of 256 bytes: the ledger keeps at most 255' \
    oms-requeue -C "$ws" --set "${p255}A=1" -a "$one"
check '... and neither changes anything' '[ "$before" = "$(snapshot "$ws")" ]'
ok 'a value of 4095 bytes (with % ; = escaped in the ledger) is recorded' \
    oms-requeue -C "$ws" --set "Z_SL/SL/DS1=$v4095" -a "$one"
ok '... and so is a path of 255 bytes' oms-requeue -C "$ws" --set "$p255=1" -a "$one"
oms-requeue -C "$ws" --fixes >"$TMP/fixes" 2>/dev/null
check '--fixes shows the value and the path whole' \
    '[ "$(awk -F"\t" -v a="$one" "\$1 == a && \$2 == \"Z_SL/SL/DS1\" { print \$3 }" "$TMP/fixes")" = "$v4095" ] &&
     awk -F"\t" -v a="$one" -v p="$p255" "\$1 == a && \$2 == p && \$3 == 1 { f = 1 } END { exit !f }" "$TMP/fixes"'
oms-select -C "$ws" --history "$one" >"$TMP/hist1"
check '--history shows the fix whole' \
    '[ "$(awk -F"\t" "\$2 == \"fix\" && \$10 ~ /^Z_SL/ { print \$10 }" "$TMP/hist1")" = "Z_SL/SL/DS1=$v4095" ]'
oms-requeue -C "$ws" --withdraw Z_SL/SL/DS1 -a "$one" >/dev/null
oms-requeue -C "$ws" --withdraw "$p255" -a "$one" >/dev/null

# --- a person's record is written once a registry: a PERS/ fix of any of
# the person's accounts is made there
H "$ws/outbox/HM760001T76_26101.zip" | cases >"$TMP/cases"
first=$(awk 'seen[$1]++ == 1 { print $1; exit }' "$TMP/cases")
pa=$(awk -v p="$first" '$1 == p { print $2; exit }' "$TMP/cases")
pb=$(awk -v p="$first" '$1 == p { n++ } $1 == p && n == 2 { print $2; exit }' "$TMP/cases")
check 'a person has two accounts in the registry' '[ -n "$pa" ] && [ -n "$pb" ]'
ok 'a PERS/ fix is recorded on the second of them only' \
    oms-requeue -C "$ws" --set PERS/FAM=TESTFAM -a "$pb"
# a case moved to that person by a fix of its ID_PAC
# (one without OS_SLUCH: the person has a patronymic, rule 003F.00.0480)
H "$ws/outbox/HM760001T76_26101.zip" | tr -d '\n' | sed 's|</ZAP>|&\n|g' |
    grep -v OS_SLUCH | cases >"$TMP/noos"
pc=$(awk -v p="$first" '$1 != p { print $2; exit }' "$TMP/noos")
pcold=$(awk -v p="$first" '$1 != p { print $1; exit }' "$TMP/noos")
ok 'a fix of PACIENT/ID_PAC moves another case to that person' \
    oms-requeue -C "$ws" --set "PACIENT/ID_PAC=$first" -a "$pc"
oms-requeue -C "$ws" --set PACIENT/ENP=7600000000004444 -a "$one" >/dev/null

oms-export -C "$ws" <"$TMP/due" >"$TMP/reg" 2>"$TMP/experr"
for z in $(awk -F'\t' 'NR > 1 { print $2 }' "$TMP/reg"); do
	H "$ws/$z"; L "$ws/$z"
done >"$TMP/sent"
check 'the export makes the fixes recorded: the policy and the person'"'"'s name' \
    'grep -q "<ENP>7600000000004444</ENP>" "$TMP/sent" && grep -q "<FAM>TESTFAM</FAM>" "$TMP/sent"'
for z in $(awk -F'\t' 'NR > 1 { print $2 }' "$TMP/reg"); do
	H "$ws/$z" | cases
done >"$TMP/cases2"
check '... the case moved names the person, whose record is written once' \
    'grep -qx "$first $pc" "$TMP/cases2" &&
     [ "$(grep -c "<ID_PAC>$first</ID_PAC>" "$TMP/sent")" -eq 4 ] &&
     { grep -q "^$pcold " "$TMP/cases2" ||
       ! grep -q "<ID_PAC>$pcold</ID_PAC>" "$TMP/sent"; }'
check '... and not the one --fixes named as not made' \
    '[ "$(grep -c "<ENP>" "$TMP/sent")" -ge 6 ] && ! grep -q 7600000000002222 "$TMP/sent"'
expect_exit '--set on an account in flight is refused: no export is due to make it' 1 \
    "$one: in flight in .*: no decision yet" \
    oms-requeue -C "$ws" --set PACIENT/ENP=7600000000005555 -a "$one"

# --- 3. an account id no ledger line holds
expect_exit 'oms-select --history of an id with a tab is a usage error naming it' 2 \
    '--history "a\\tb": not an account id' oms-select -C "$ws" --history "a${T}b"
expect_exit '... so is one with a line break' 2 '--history "a\\nb": not an account id' \
    oms-select -C "$ws" --history "a
b"
expect_exit 'oms-requeue -a of an id with a tab is a usage error naming it' 2 \
    '-a "a\\tb": not an account id' oms-requeue -C "$ws" -a "a${T}b"
expect_exit '... so is --set with one' 2 '-a "a\\rb": not an account id' \
    oms-requeue -C "$ws" --set PACIENT/ENP=1 -a "$(printf 'a\rb')"
# an id with a backslash is written escaped in the ledger
exp=$(grep "	export	$one	" "$ws/ledger.tsv" | tail -n 1 | sed "s/	export	$one	/	export	x\\\\\\\\y	/")
block "$exp"
oms-select -C "$ws" --history 'x\y' >"$TMP/bs"; rc=$?
check '--history of an id with a backslash shows its events, not only its state' \
    '[ $rc -eq 0 ] && [ "$(tail -n +2 "$TMP/bs" | cut -f2 | tr "\n" " ")" = "export state " ]'

# --- 4. a reply's long list of reasons, shown whole
long=R$(awk 'BEGIN { for (i = 0; i < 70; i++) printf "9" }')
codes=$long,$(seq 101 400 | paste -sd, -)
line=$(grep "	export	$one	" "$ws/ledger.tsv" | tail -n 1 | awk -F'\t' -v OFS='\t' -v c="$codes" '{
    print "2026-11-10T00:00:00Z", "decision", $3, $4, $5, $6, "", $8, $9, $10, $11,
      "archive/reply.zip", "stage=control;decision=rejected;accepted=0.00;refused=" $11 ";reasons=" c ";date=2026-11-10" }')
block "$line"
oms-select -C "$ws" --history "$one" >"$TMP/hist2"
check 'oms-select --history shows a decision with 301 reasons whole' \
    '[ "$(awk -F"\t" "\$2 == \"decision\" { print \$9 }" "$TMP/hist2")" = "$codes" ]'
check '... with its sums and reply' \
    'awk -F"\t" "\$2 == \"decision\" && \$10 ~ /^accepted 0.00, refused [0-9.]+; archive\/reply.zip; stands\$/ { f = 1 } END { exit !f }" "$TMP/hist2"'
oms-analyze -C "$ws" -r >"$TMP/rej" 2>/dev/null
check 'oms-analyze -r names a reason code of 71 characters whole in its text' \
    'awk -F"\t" -v a="$one" -v c="$long" "\$1 == a && index(\$9, c \" \") == 1 { f = 1 } END { exit !f }" "$TMP/rej"'
check '... and all 301 codes, none cut off by the ledger'"'"'s fold' \
    'awk -F"\t" -v a="$one" -v c="$codes" "\$1 == a && \$2 == c { f = 1 } END { exit !f }" "$TMP/rej"'
oms-analyze -C "$ws" >"$TMP/sum" 2>/dev/null
check '... and its summary has a row for it' \
    'awk -F"\t" -v c="$long" "\$1 == \"reason\" && \$2 == c && \$4 == 1 { f = 1 } END { exit !f }" "$TMP/sum"'
# an invoice number holds 31 bytes, the sequence number included
printf 'invoice.prefix = MO760001-2026-10-INVOICE-\n' >>"$ws/oms.conf"
expect_exit 'an invoice.prefix that would cut the invoice numbers is refused' 1 \
    'oms.conf:[0-9]+: invoice.prefix: at most 21 bytes' \
    oms-invoice -C "$ws" -p 2026-10 -n --invoices "$TMP/inv"
sed -i '/^invoice.prefix/d' "$ws/oms.conf"
check 'the workspace is still sound: oms-select reads it' 'oms-select -C "$ws" -s rejected | grep -q "^$one	"'
done_testing
