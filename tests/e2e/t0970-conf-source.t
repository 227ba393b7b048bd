#!/bin/sh
# source/ and oms.conf as an attacker writes them: encodings the formats do
# not allow, a newer version of a case without a usable date, and values in
# oms.conf that would be cut or make a path
cd "${0%/*}" && . ./lib.sh
plan 27

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

# --- 2. a newer version of a case must carry its date
acc=$(awk -F'\t' '$3 == "H" { print $1; exit }' "$TMP/due")
sum0=$(awk -F'\t' -v a="$acc" '$1 == a { print $6 }' "$TMP/due")
# newver W DATA-LINE: source/z-new.xml, the H file again dated by
# DATA-LINE ("" for none), its cases' SUMV and SUMMAV raised to 99999.99
newver() {
	awk -v d="$2" '
	    /<DATA>/ && !done { done = 1; if (d != "") print "    " d; next }
	    { gsub(/<SUMV>[0-9.]*<\/SUMV>/, "<SUMV>99999.99</SUMV>"); print }' \
	    "$H" >"$1/source/z-new.xml"
}
w=$(copyws newer)
newver "$w" '<DATA>2026-12-01</DATA>'
oms-select -C "$w" -p 2026-10 >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'control: a newer version with a later ZGLV/DATA wins' \
    '[ $rc -eq 0 ] && awk -F"\t" -v a="$acc" "\$1 == a" "$TMP/o" | grep -q "99999.99.*source/z-new.xml"'
w=$(copyws baddate)
newver "$w" '<DATA>2026-13-01</DATA>'
n=$(grep -n '<DATA>' "$w/source/z-new.xml" | cut -d: -f1)
oms-select -C "$w" -p 2026-10 >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'a newer version with ZGLV/DATA 2026-13-01 is an error naming file and line' \
    '[ $rc -eq 1 ] && grep -q "^oms-select: source/z-new.xml:$n: ZGLV/DATA \"2026-13-01\" is not a date YYYY-MM-DD: .*file skipped" "$TMP/e"'
check '... the older version is listed meanwhile, as oms-select(1) says (CAVEATS)' \
    'awk -F"\t" -v a="$acc" "\$1 == a" "$TMP/o" | grep -q "	$sum0	.*source/$Hb"'
expect_exit '... and oms-export refuses to run on it' 1 'source/z-new.xml:[0-9]+: ZGLV/DATA' \
    oms-export -C "$w" "$TMP/due"
check '... writing nothing' 'unchanged "$w"'
w=$(copyws nodate)
newver "$w" ''
n=$(grep -n '<ZGLV>' "$w/source/z-new.xml" | cut -d: -f1)
expect_exit 'a newer version without ZGLV/DATA: an error naming the ZGLV line' 1 \
    "source/z-new.xml:$n: no ZGLV/DATA: the newest version of a case is told by this date" \
    oms-select -C "$w" -p 2026-10
w=$(copyws persdate)
sed 's|<DATA>[^<]*</DATA>|<DATA>26.10.2026</DATA>|' "$L" >"$w/source/$Lb"
expect_exit 'a persons file with a DATA that is not YYYY-MM-DD: the same' 1 \
    "source/$Lb:[0-9]+: ZGLV/DATA \"26.10.2026\" is not a date" \
    oms-select -C "$w" -p 2026-10
wy=$(newws wy yar76)
oms-gen --profile yar76 -s 3 -n 6 -m 1 -p 2026-10 -o "$wy/source" 2>/dev/null
b=$(ls "$wy"/source/*.xml | head -1)
sed 's/date_1="[^"]*"/date_1="2026-02-30"/' "$b" >"$wy/source/z-bill.xml"
expect_exit 'yar76: a bill whose body@date_1 is 2026-02-30, the same' 1 \
    'source/z-bill.xml:[0-9]+: body@date_1 "2026-02-30" is not a date' \
    oms-select -C "$wy" -p 2026-10

# --- 3. oms.conf: values that would be cut or make a path, refused at load
# confbad NAME ERE LINE: ws's oms.conf plus LINE; every program refuses
# it at start, naming oms.conf and the line, and writes nothing
confbad() {
	w=$(copyws conf)
	printf '%s\n' "$3" >>"$w/oms.conf"
	n=$(wc -l <"$w/oms.conf")
	before=$(snapshot "$w")
	oms-export -C "$w" "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
	oms-select -C "$w" -p 2026-10 >/dev/null 2>"$TMP/e2"; rc2=$?
	ntest=$((ntest + 1))
	if [ $rc -eq 1 ] && [ $rc2 -eq 1 ] && grep -Eq "oms.conf:$n: $2" "$TMP/e" &&
	    grep -Eq "oms.conf:$n: $2" "$TMP/e2" && [ "$before" = "$(snapshot "$w")" ] &&
	    [ "$(wc -c <"$TMP/e")" -lt 400 ]; then
		echo "ok $ntest - $1"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $1 (exit $rc and $rc2, want 1; /oms.conf:$n: $2/)"
		head -c 600 "$TMP/e" | sed 's/^/# /'
	fi
}
confbad 'version.H = ../../x' \
    'version.H: expected a format version like 5.1 \(digits, a dot, digits; at most 7 characters\), got "\.\./\.\./x"' \
    'version.H = ../../x'
confbad 'version.H = 5000 digits (the message shows 40 of them)' \
    'version.H: expected a format version like 5.1 .*, got "5{40}\.\.\. \(5000 bytes\)"' \
    "version.H = $(head -c 5000 /dev/zero | tr '\0' 5)"
confbad 'version.L = 3.2/../../x' 'version.L: expected a format version' 'version.L = 3.2/../../x'
confbad 'version.Q, a kind that is none' 'version.Q: no such kind "Q"' 'version.Q = 5.1'
confbad 'pattern.flk that does not compile: the line and the offset' \
    'pattern.flk: missing closing parenthesis at offset 35$' \
    'pattern.flk = V(?<mo>\d{6}_(?<yymm>\d{4})(?<n>\d+'
confbad 'pattern.control without the group yymm' \
    'pattern.control: no named group \(\?<yymm>\.\.\.\)' \
    'pattern.control = (?<type>H)T76M(?<mo>\d{6})_(?<n>\d+)'
confbad 'invoice.prefix longer than an invoice number holds' \
    'invoice.prefix: at most 21 bytes' 'invoice.prefix = 2026/ОМС/very-long-prefix/'
confbad 'name.registry = ../../etc/x' 'name.registry: expected a file name' \
    'name.registry = ../../etc/x'
confbad 'mo_name in windows-1251 bytes' 'mo_name: the value is not UTF-8 text' \
    "$(printf 'mo_name = \302\316\307')"
w=$(copyws confimp)
printf 'pattern.demand = (?<mo>\\d{6})(?<yymm>\\d{4}(?<n>\\d+)\n' >>"$w/oms.conf"
n=$(wc -l <"$w/oms.conf")
expect_exit 'oms-import names oms.conf:LINE: pattern.demand: ... at offset N' 1 \
    "oms.conf:$n: pattern.demand: missing closing parenthesis at offset [0-9]+$" \
    oms-import -C "$w" "$TMP/HT76M760001_26101.xml"

done_testing
