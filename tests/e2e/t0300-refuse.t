#!/bin/sh
# oms-export refuses bad accounts naming them and the rule, and leaves the
# workspace as it was; --skip-invalid leaves them out
cd "${0%/*}" && . ./lib.sh
plan 21

# account N of the run gets the defect; oms-gen counts cases in file order
bad() {	# bad NAME DEFECT: a workspace whose 3rd case has DEFECT
	w=$(newws "$1" conf)
	oms-gen -s 5 -n 8 -m 1 -p 2026-10 --defect "$2:3" -o "$w/source" 2>/dev/null
	echo "$w"
}
third() { awk -F'\t' 'NR == 4 { print $1 }'; }	# the 3rd account selected

for d in sum:OMS.SUM.SUMV snils:OMS.SNILS usl-date:OMS.DATE.USL.BEGIN; do
	defect=${d%%:*} rule=${d#*:}
	ws=$(bad "ws-$defect" "$defect")
	oms-select -C "$ws" -p 2026-10 >"$TMP/sel"
	acc=$(third <"$TMP/sel")
	before=$(snapshot "$ws")
	expect_exit "$defect: export fails naming the account and $rule" 1 \
	    "^oms-export: source/[^:]+:[0-9]+: account $acc: $rule: " \
	    oms-export -C "$ws" "$TMP/sel"
	check "$defect: outbox/ and the ledger are untouched" \
	    '[ "$before" = "$(snapshot "$ws")" ] && [ ! -e "$ws/ledger.tsv" ]'
done

ws=$(bad ws-ksg ksg)
oms-select -C "$ws" -p 2026-10 >"$TMP/sel"
expect_exit 'a KSG code not in ref/ksg.tsv is refused' 1 \
    '^oms-export: source/HM[^:]+:[0-9]+: account [^:]+: OMS.KSG.CODE: ' \
    oms-export -C "$ws" "$TMP/sel"

ws=$(newws ws-pers conf)
oms-gen -s 5 -n 8 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
l=$(ls "$ws"/source/LM*.xml)
pac=$(xmllint --xpath 'string(//PERS[1]/ID_PAC)' "$l")
xmllint --encode windows-1251 --format "$l" | awk -v p="$pac" '
    /<PERS>/ { buf = $0; inp = 1; next }
    inp { buf = buf "\n" $0; if (/<\/PERS>/) { inp = 0; if (buf !~ "<ID_PAC>" p "</ID_PAC>") print buf }; next }
    { print }' >"$TMP/l" && mv "$TMP/l" "$l"
oms-select -C "$ws" -p 2026-10 -k H >"$TMP/sel"
expect_exit 'a patient missing from the persons file is refused (003F.00.3070)' 1 \
    "account [^:]+: 003F.00.3070: patient ID_PAC \"$pac\" is not in the persons file" \
    oms-export -C "$ws" "$TMP/sel"
printf 'rule.003F.00.3070 = warning\n' >>"$ws/oms.conf"
expect_exit '... which oms.conf can make a warning' 0 'warning: account [^:]+: 003F.00.3070' \
    oms-export -C "$ws" "$TMP/sel"

# a person rule (a ZAP rule that reads the patient's PERS): the accounts
# of that patient's cases, and only they, are bad
ws=$(newws ws-prule conf)
oms-gen -s 5 -n 8 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
l=$(ls "$ws"/source/LM*.xml)
pac=$(xmllint --xpath 'string(//PERS[OT][1]/ID_PAC)' "$l")
xmllint --encode windows-1251 --format "$l" | awk -v p="$pac" '
    /<PERS>/ { inp = 1; mine = 0 } inp && $0 ~ "<ID_PAC>" p "</ID_PAC>" { mine = 1 }
    /<\/PERS>/ { inp = 0 } !(mine && /<OT>/) { print }' >"$TMP/l" && mv "$TMP/l" "$l"
oms-select -C "$ws" -p 2026-10 >"$TMP/sel"
oms-export -C "$ws" "$TMP/sel" 2>&1 >/dev/null |
    sed -n 's/.*account \([^:]*\): 003F.00.0460: .*/\1/p' | sort -u >"$TMP/pbad"
oms-export -C "$ws" --skip-invalid "$TMP/sel" >/dev/null 2>&1; rc=$?
cut -f3 "$ws/ledger.tsv" | sort -u >"$TMP/pout"
check '--skip-invalid leaves out the cases of a patient a person rule refuses, and only them' \
    '[ $rc -eq 1 ] && [ -s "$TMP/pbad" ] && [ -z "$(comm -12 "$TMP/pbad" "$TMP/pout")" ] &&
     [ $(($(wc -l <"$TMP/pbad") + $(grep -c "	export	" "$ws/ledger.tsv"))) -eq $(($(wc -l <"$TMP/sel") - 1)) ]'

ws=$(bad ws-skip sum)
oms-select -C "$ws" -p 2026-10 >"$TMP/sel"
acc=$(third <"$TMP/sel")
oms-export -C "$ws" --skip-invalid "$TMP/sel" >"$TMP/reg" 2>"$TMP/err"; rc=$?
check '--skip-invalid exits 1 but writes the rest' \
    '[ $rc -eq 1 ] && [ "$(grep -c "	export	" "$ws/ledger.tsv")" -eq $(($(wc -l <"$TMP/sel") - 2)) ]'
check '... the bad account is left out and still new' \
    '! grep -q "	$acc	" "$ws/ledger.tsv" && oms-select -C "$ws" -p 2026-10 | grep -q "^$acc	"'
check '... and the message said so' 'grep -q "account(s) left out" "$TMP/err"'

# the lock: a second run fails at once
ws=$(newws ws-lock conf)
oms-gen -s 5 -n 4 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/sel"
flock "$ws/.oms.lock" sleep 3 &
sleep 0.3
expect_exit 'a second run on a locked workspace fails at once (exit 3)' 3 \
    'in use by another oms run' oms-export -C "$ws" "$TMP/sel"
wait

# an interrupted run: a temporary file, an unrecorded archive, a torn ledger
mkdir -p "$ws/outbox"
echo half >"$ws/outbox/.tmp-HM760001T76_26101.zip-abc123"
echo full >"$ws/outbox/HM760001T76_26109.zip"
oms-export -C "$ws" "$TMP/sel" >/dev/null 2>"$TMP/err"; rc=$?
check 'after a crash the next run succeeds' '[ $rc -eq 0 ]'
check '... removing the temporary file and saying so' \
    '[ ! -e "$ws/outbox/.tmp-HM760001T76_26101.zip-abc123" ] &&
     grep -q "HM760001T76_26101.zip: warning: removed" "$TMP/err"'
check '... but an unrecorded archive, which may have been sent, is kept' \
    '[ "$(cat "$ws/outbox/HM760001T76_26109.zip")" = full ] &&
     grep -q "HM760001T76_26109.zip: warning: not recorded in the ledger" \
	"$TMP/err"'
printf '2026-11-01T00:00:00Z\texport\tX\tHM\t' >>"$ws/ledger.tsv"
check 'a torn ledger tail is ignored by oms-select' \
    '[ "$(oms-select -C "$ws" -s in-flight 2>/dev/null | tail -n +2 | wc -l)" -eq $(($(wc -l <"$TMP/sel") - 1)) ]'

# sources in a ZIP, in UTF-8 mislabelled as windows-1251, re-exported
ws=$(newws ws-zip conf)
mkdir -p "$TMP/gen" && oms-gen -s 9 -n 5 -m 1 -p 2026-10 -o "$TMP/gen" 2>/dev/null
mkdir -p "$ws/source" && (cd "$TMP/gen" && zip -q "$ws/source/export.zip" *.xml)
oms-select -C "$ws" -p 2026-10 >"$TMP/zsel"
oms-select -C "$(newws ws-plain conf)" -p 2026-10 >/dev/null 2>&1
mkdir -p "$TMP/ws-plain/source" && cp "$TMP"/gen/*.xml "$TMP/ws-plain/source/"
check 'a ZIP in source/ gives the same accounts as the plain files' \
    '[ "$(cut -f1-7 "$TMP/zsel")" = "$(oms-select -C "$TMP/ws-plain" -p 2026-10 | cut -f1-7)" ]'
l=$(ls "$TMP"/ws-plain/source/LM*.xml | head -1)
iconv -f windows-1251 -t utf-8 "$l" >"$TMP/u" && mv "$TMP/u" "$l"
oms-select -C "$TMP/ws-plain" -p 2026-10 -k H >"$TMP/hsel"
oms-export -C "$TMP/ws-plain" "$TMP/hsel" >"$TMP/reg" 2>/dev/null
arc=$(awk -F'\t' 'NR == 2 { print $2 }' "$TMP/reg")
check 'a UTF-8 file that declares windows-1251 is read right' \
    'unzip -p "$TMP/ws-plain/$arc" "L*" | iconv -f windows-1251 -t utf-8 | grep -q "<FAM>[А-ЯЁ]"'

ws=$(newws ws-new conf)
oms-gen -s 9 -n 5 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
h=$(ls "$ws"/source/HM*.xml); acc=$(xmllint --xpath 'string(//ZAP[1]/Z_SL/SL[1]/SL_ID)' "$h")
old=$(oms-select -C "$ws" -p 2026-10 | awk -F'\t' -v a="$acc" '$1 == a { print $6 }')
sed -e 's|<DATA>[^<]*</DATA>|<DATA>2026-11-20</DATA>|' -e 's|<FILENAME>HM|<FILENAME>HM|' "$h" >"$ws/source/zz-corrected.xml"
check 'the newest version of a case wins (ZGLV/DATA)' \
    '[ "$(oms-select -C "$ws" -p 2026-10 | awk -F"\t" -v a="$acc" "\$1 == a { print \$10 }")" = source/zz-corrected.xml ]'
done_testing
