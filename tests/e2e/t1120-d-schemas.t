#!/bin/sh
# The D files (dispensarisation, here DP): the generator's registries of
# every D version pass oms-export and xsd/D-V.xsd; a D case with FOR_POM,
# or with a referral (NAZ_V) that does not name its doctor (NAZ_IDDOKT),
# is refused naming the account and the element (docs/ffoms-format-D.md)
cd "${0%/*}" && . ./lib.sh
plan 18

# the D versions and a period of each: 3.1 until 2024-12, then 5.0, 5.1
for vp in 3.1:2024-10 5.0:2025-03 5.1:2026-10; do
	v=${vp%%:*} p=${vp#*:}
	ws=$(newws "ws-$v" conf)
	printf 'version.D = %s\n' "$v" >>"$ws/oms.conf"
	oms-gen -s 2 -n 60 -m 1 -p "$p" -o "$ws/source" 2>/dev/null
	oms-select -C "$ws" -p "$p" -k DP >"$TMP/sel-$v"
	oms-export -C "$ws" -p "$p" --date 2026-11-03 "$TMP/sel-$v" \
	    >"$TMP/reg-$v" 2>"$TMP/err-$v"; rc=$?
	check "$v: the DP registry of $p is exported" \
	    '[ $rc -eq 0 ] && [ "$(awk -F"\t" "NR == 2 { print \$9 }" "$TMP/reg-$v")" = "$v" ]'
	arc=$(awk -F'\t' 'NR == 2 { print $2 }' "$TMP/reg-$v")
	mkdir "$TMP/x-$v"
	(cd "$TMP/x-$v" && unzip -q "$ws/$arc")
	dp=$(ls "$TMP/x-$v"/DP*.XML)
	check "$v: its DP file is valid against xsd/D-$v.xsd" \
	    'xmllint --noout --schema "$OMS_XSDDIR/D-$v.xsd" "$dp" 2>"$TMP/xerr"'
	check "$v: ... says VERSION $v, and has referrals naming their doctor" \
	    '[ "$(xmllint --xpath "string(//ZGLV/VERSION)" "$dp")" = "$v" ] &&
	     [ "$(xmllint --xpath "count(//NAZ)" "$dp")" -gt 0 ] &&
	     [ "$(xmllint --xpath "count(//NAZ[NAZ_IDDOKT])" "$dp")" = \
	       "$(xmllint --xpath "count(//NAZ)" "$dp")" ]'
	check "$v: ... and no FOR_POM" \
	    '[ "$(xmllint --xpath "count(//FOR_POM)" "$dp")" = 0 ]'
done
check 'there is no D schema of 3.2 or 4.0 (D files had no such version)' \
    '[ ! -e "$OMS_XSDDIR/D-3.2.xsd" ] && [ ! -e "$OMS_XSDDIR/D-4.0.xsd" ]'

# data/d-hand: three hand-written cases; d1120-good is correct
ws=$(newws ws-hand d-hand)
oms-select -C "$ws" -p 2026-10 >"$TMP/hsel"
before=$(snapshot "$ws")
oms-export -C "$ws" --date 2026-11-03 "$TMP/hsel" >/dev/null 2>"$TMP/herr"; rc=$?
check 'a D registry with FOR_POM and NAZ_V without NAZ_IDDOKT is refused' \
    '[ $rc -eq 1 ] && [ "$before" = "$(snapshot "$ws")" ]'
check '... naming the account and FOR_POM, with file and line' \
    'grep -Eq "^oms-export: source/DPM760001T76_26101.xml:[0-9]+: account d1120-forpom: xsd: .*FOR_POM" "$TMP/herr"'
check '... naming the account and NAZ_IDDOKT, with file and line' \
    'grep -Eq "^oms-export: source/DPM760001T76_26101.xml:[0-9]+: account d1120-nazv: xsd: .*NAZ_IDDOKT" "$TMP/herr"'
check '... and nothing of the correct account' '! grep -q d1120-good "$TMP/herr"'
grep -E '^(account|d1120-good)	' "$TMP/hsel" >"$TMP/gsel"
oms-export -C "$ws" --date 2026-11-03 "$TMP/gsel" >"$TMP/greg" 2>"$TMP/gerr"; rc=$?
arc=$(awk -F'\t' 'NR == 2 { print $2 }' "$TMP/greg")
mkdir "$TMP/x-hand"
(cd "$TMP/x-hand" && unzip -q "$ws/$arc")
check 'the correct account alone is exported, valid against xsd/D-5.1.xsd' \
    '[ $rc -eq 0 ] && xmllint --noout --schema "$OMS_XSDDIR/D-5.1.xsd" "$TMP"/x-hand/DP*.XML 2>"$TMP/xerr"'
done_testing
