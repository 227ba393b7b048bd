#!/bin/sh
# source/ and oms.conf as an attacker writes them: encodings the formats do
# not allow, a newer version of a case without a usable date, and values in
# oms.conf that would be cut or make a path
cd "${0%/*}" && . ./lib.sh
plan 9

ws=$(newws ws conf)
oms-gen -s 7 -n 12 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due"
H=$(ls "$ws"/source/H*.xml)
L=$(ls "$ws"/source/L[!P]*.xml)
Hb=${H##*/}
Lb=${L##*/}

# copyws NAME: a fresh copy of ws
copyws() {
	w=$TMP/w-$1
	rm -rf "$w"
	cp -R "$ws" "$w"
	echo "$w"
}
# unchanged W: no registry written, nothing in the ledger
unchanged() { [ -z "$(ls "$1/outbox" 2>/dev/null)" ] && [ ! -s "$1/ledger.tsv" ]; }

# --- 1. encodings: windows-1251 (or UTF-8), nothing else
w=$(copyws koi8)
sed '1s/windows-1251/KOI8-R/' "$L" >"$w/source/$Lb"
expect_exit 'windows-1251 bytes declared KOI8-R: oms-select names file and line' 1 \
    "source/$Lb:1: declares encoding \"KOI8-R\"; the exchange formats allow windows-1251 or UTF-8: re-export the file in windows-1251" \
    oms-select -C "$w" -p 2026-10
expect_exit '... and oms-export refuses to run' 1 "source/$Lb:1: declares encoding \"KOI8-R\"" \
    oms-export -C "$w" "$TMP/due"
check '... writing nothing' 'unchanged "$w"'

w=$(copyws koi8zip)
sed '1s/windows-1251/koi8-r/' "$H" >"$TMP/$Hb"
rm "$w/source/$Hb"
(cd "$TMP" && rm -f src.zip && zip -qj src.zip "$Hb") && cp "$TMP/src.zip" "$w/source/"
expect_exit 'the same in a ZIP entry names the archive and the entry' 1 \
    "source/src.zip:$Hb:1: declares encoding \"koi8-r\"" \
    oms-select -C "$w" -p 2026-10

w=$(copyws ascii)
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<ZL_LIST><ZGLV><VERSION>5.1</VERSION></ZGLV></ZL_LIST>\n' \
    >"$w/source/latin.xml"
expect_exit 'an ASCII file declared ISO-8859-1 is refused too' 1 \
    'source/latin.xml:1: declares encoding "ISO-8859-1"' oms-select -C "$w" -p 2026-10

w=$(copyws cp866)
iconv -f cp1251 -t utf-8 "$L" | sed '1s/windows-1251/CP866/' >"$w/source/$Lb"
expect_exit 'UTF-8 bytes declared CP866: refused' 1 \
    "source/$Lb:1: declares encoding \"CP866\"" oms-select -C "$w" -p 2026-10

w=$(copyws names)
sed '1s/windows-1251/CP1251/' "$L" >"$w/source/$Lb"
oms-export -C "$w" "$TMP/due" >/dev/null 2>"$TMP/e"; rc=$?
fam=$(iconv -f cp1251 -t utf-8 "$L" | sed -n 's/.*<FAM>\([^<]*\)<.*/\1/p' | head -1)
check 'CP1251, another name of windows-1251, is read right' \
    '[ $rc -eq 0 ] && unzip -p "$w"/outbox/HM*.zip "L*" | iconv -f cp1251 -t utf-8 | grep -q "<FAM>$fam</FAM>"'

w=$(copyws reply)
oms-export -C "$w" "$TMP/due" >/dev/null 2>&1
oms-fund -s 1 --refuse 2 -o "$TMP/in" "$w"/outbox/*.zip 2>/dev/null
mkdir -p "$TMP/r" && unzip -qo "$(ls "$TMP"/in/HT76M760001_*1.zip)" -d "$TMP/r"
x=$(ls "$TMP"/r/*.XML "$TMP"/r/*.xml 2>/dev/null | head -1)
sed '1s/encoding="[^"]*"/encoding="KOI8-R"/' "$x" >"$TMP/HT76M760001_26101.xml"
before=$(snapshot "$w")
expect_exit 'a reply declared KOI8-R: oms-import refuses it by name and line' 1     'HT76M760001_26101.xml:1: declares encoding "KOI8-R"'     oms-import -C "$w" "$TMP/HT76M760001_26101.xml"
check '... recording nothing' '[ "$before" = "$(snapshot "$w")" ]'

done_testing
