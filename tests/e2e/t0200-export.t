#!/bin/sh
# oms-export: the archive, its contents, the ledger, and what is refused
cd "${0%/*}" && . ./lib.sh
plan 24

ws=$(newws ws conf)
oms-gen -s 11 -n 10 -m 2 -p 2026-09 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/sel"
nsel=$(($(wc -l <"$TMP/sel") - 1))

oms-export -C "$ws" --date 2026-11-03 <"$TMP/sel" >"$TMP/reg" 2>>"$TMP/setup.err"; rc=$?
check 'export exits 0' '[ $rc -eq 0 ]'
check 'it prints the contract columns' \
    'head -1 "$TMP/reg" | grep -q "^registry	archive	accounts	sum	test"'
check 'one registry per kind: H and DP' \
    '[ "$(cut -f7 "$TMP/reg" | tail -n +2 | sort | tr "\n" " ")" = "DP H " ]'
hreg=$(awk -F'\t' '$7 == "H" { print $1 }' "$TMP/reg")
harc=$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
check 'the H registry is named HM760001T76_2610N' \
    'echo "$hreg" | grep -Eq "^HM760001T76_2610[0-9]+$"'
check 'the archive is in outbox/, mode 0600' \
    '[ "$(stat -c %a "$ws/$harc")" = 600 ]'

mkdir "$TMP/x"
(cd "$TMP/x" && unzip -q "$ws/$harc")
check 'the archive holds one H and one L file' \
    '[ "$(ls "$TMP/x" | tr "\n" " ")" = "$hreg.XML L${hreg#H}.XML " ]'
H=$TMP/x/$hreg.XML
L=$TMP/x/L${hreg#H}.XML
check 'both declare windows-1251' \
    'head -1 "$H" | grep -q windows-1251 && head -1 "$L" | grep -q windows-1251'
check 'the H file is valid against xsd/H-5.1.xsd' \
    'xmllint --noout --schema "$OMS_XSDDIR/H-5.1.xsd" "$H" 2>"$TMP/xerr"'
check 'the L file is valid against xsd/L-3.2.xsd' \
    'xmllint --noout --schema "$OMS_XSDDIR/L-3.2.xsd" "$L" 2>"$TMP/xerr"'
nh=$(awk -F'\t' '$3 == "H"' "$TMP/sel" | wc -l)
check 'SD_Z is the number of ZAP and of the H accounts selected' \
    '[ "$(xmllint --xpath "string(//SD_Z)" "$H")" = "$(xmllint --xpath "count(//ZAP)" "$H")" ] &&
     [ "$(xmllint --xpath "count(//ZAP)" "$H")" -eq "$nh" ]'
check 'SUMMAV is the sum of SUMV' \
    '[ "$(xmllint --xpath "string(//SUMMAV)" "$H")" = "$(xmllint --xpath "//Z_SL/SUMV/text()" "$H" | awk "{ s += \$1 } END { printf \"%.2f\", s }")" ]'
check 'FILENAME and FILENAME1 name the files' \
    '[ "$(xmllint --xpath "string(/ZL_LIST/ZGLV/FILENAME)" "$H")" = "$hreg" ] &&
     [ "$(xmllint --xpath "string(/PERS_LIST/ZGLV/FILENAME1)" "$L")" = "$hreg" ]'
check 'exactly the selected accounts, N_ZAP numbered from 1' \
    '[ "$(xmllint --xpath "//ZAP/Z_SL/SL[1]/SL_ID/text()" "$H" | sort)" = "$(awk -F"\t" "\$3 == \"H\" { print \$1 }" "$TMP/sel" | sort)" ] &&
     [ "$(xmllint --xpath "string(//ZAP[1]/N_ZAP)" "$H")" = 1 ]'
check 'Cyrillic names survive (windows-1251 bytes of the source)' \
    'iconv -f windows-1251 -t utf-8 "$L" | grep -q "<FAM>[А-ЯЁ]"'
check 'the ledger records the registry and every account' \
    '[ "$(grep -c "	export	" "$ws/ledger.tsv")" -eq "$nsel" ] &&
     grep -q "	registry		$hreg	2026-10	H	" "$ws/ledger.tsv" &&
     [ "$(tail -1 "$ws/ledger.tsv" | cut -f2)" = commit ]'
check 'exported accounts are not selected again' \
    '[ "$(oms-select -C "$ws" -p 2026-10 | wc -l)" -eq 1 ]'
check '... and are listed in flight' \
    '[ "$(oms-select -C "$ws" -s in-flight | tail -n +2 | wc -l)" -eq "$nsel" ]'
expect_exit 'exporting them again is refused' 1 'is in-flight \(registry' \
    oms-export -C "$ws" "$TMP/sel"

# the same input gives a byte-identical archive
ws2=$(newws ws2 conf)
mkdir -p "$ws2/source" && cp -p "$ws"/source/* "$ws2/source/"
oms-export -C "$ws2" --date 2026-11-03 <"$TMP/sel" >/dev/null 2>>"$TMP/setup.err"
check 'the same input gives a byte-identical archive' 'cmp -s "$ws/$harc" "$ws2/$harc"'

# -n checks and writes nothing; an empty input does nothing
ws3=$(newws ws3 conf)
mkdir -p "$ws3/source" && cp -p "$ws"/source/* "$ws3/source/"
before=$(snapshot "$ws3")
oms-export -n -C "$ws3" <"$TMP/sel" >"$TMP/dry" 2>>"$TMP/setup.err"; rc=$?
check '-n checks, prints the registries, writes nothing' \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$TMP/dry")" -eq 3 ] && [ "$before" = "$(snapshot "$ws3")" ]'
head -1 "$TMP/sel" >"$TMP/empty"
expect_out 'a header-only input exports nothing' /dev/stdin \
    oms-export -C "$ws3" "$TMP/empty" <<EOF2
registry	archive	accounts	sum	test	period	kind	payer	version
EOF2
printf 'account\tx\nA\n' >"$TMP/ragged"
expect_exit 'a ragged input names its line' 1 'ragged:2: expected 2 fields' \
    oms-export -C "$ws3" -p 2026-10 "$TMP/ragged"
printf 'account\nNOPE\n' >"$TMP/nope"
expect_exit 'an account not in source/ is refused' 1 'account NOPE is not in source' \
    oms-export -C "$ws3" -p 2026-10 "$TMP/nope"
check '... and nothing was written' '[ "$before" = "$(snapshot "$ws3")" ]'
done_testing
