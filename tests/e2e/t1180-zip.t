#!/bin/sh
# the archives: deflated while written (zip.c), read by every reader at
# hand, the same entries whatever oms.conf's zip_level, within 5% of
# zip -6, and nothing left behind when a write fails in the middle
cd "${0%/*}" && . ./lib.sh
plan 17

have() { command -v "$1" >/dev/null 2>&1; }
# a workspace of the conf fixture with 3000 accounts (an H file of some
# MB: many of the thread's buffers), and zip_level = $2 when given
mkws() {
	w=$(newws "$1" conf)
	[ -n "${2:-}" ] && echo "zip_level = $2" >>"$w/oms.conf"
	cp -R "$TMP/source" "$w/source"
	echo "$w"
}
oms-gen -s 5 -n 3000 -m 1 -p 2026-10 -o "$TMP/source" 2>/dev/null
# export WS: the H archive's path
export_h() {
	oms-select -C "$1" -p 2026-10 >"$TMP/sel" &&
	    oms-export -C "$1" <"$TMP/sel" >"$TMP/reg" 2>/dev/null &&
	    echo "$1/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")"
}

ws6=$(mkws w6)
h6=$(export_h "$ws6")
check 'the default level writes the archive' '[ -f "$h6" ]'
check 'unzip tests it whole' 'unzip -tq "$h6" >/dev/null'
mkdir "$TMP/u6"
(cd "$TMP/u6" && unzip -q "$h6")
hx=$(cd "$TMP/u6" && ls H*.XML)
check '... the H file is some MB, a ZAP per account' \
    '[ "$(stat -c %s "$TMP/u6/$hx")" -gt 2000000 ] &&
     [ "$(grep -c "<ZAP>" "$TMP/u6/$hx")" -eq "$(awk -F"\t" "\$3 == \"H\"" "$TMP/sel" | wc -l)" ]'
check 'libarchive (bsdtar) reads the same bytes' \
    '! have bsdtar || { mkdir "$TMP/b6" && (cd "$TMP/b6" && bsdtar -xf "$h6") &&
     diff -r "$TMP/u6" "$TMP/b6"; }'
check 'Python zipfile finds no bad CRC' \
    '! have python3 || [ "$(python3 -c "import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.namelist()))" "$h6")" = "None 2" ]'
check '7-Zip tests it' \
    '! have 7zz || 7zz t "$h6" | grep -q "^Everything is Ok"'
check 'entries are -rw-r--r--, deflated' \
    '[ "$(unzip -Z "$h6" | grep -c "^-rw-r--r--.*defN")" -eq 2 ]'
rm -f "$TMP/H.zip"
(cd "$TMP/u6" && zip -q -6 "$TMP/H.zip" "$hx")
check 'the H entry is within 5% of zip -6 of the same file' \
    'awk -v a="$(unzip -v "$h6" | awk "\$NF ~ /^H/ { print \$3 }")" \
        -v b="$(stat -c %s "$TMP/H.zip")" "BEGIN { exit !(a <= b * 1.05) }"'

ws1=$(mkws w1 1)
h1=$(export_h "$ws1")
ws9=$(mkws w9 9)
h9=$(export_h "$ws9")
mkdir "$TMP/u1" "$TMP/u9"
(cd "$TMP/u1" && unzip -q "$h1")
(cd "$TMP/u9" && unzip -q "$h9")
check 'zip_level = 1 and 9: the same files inside' \
    'diff -r "$TMP/u6" "$TMP/u1" && diff -r "$TMP/u6" "$TMP/u9"'
check '... 9 smaller than the default, the default smaller than 1' \
    '[ "$(stat -c %s "$h9")" -le "$(stat -c %s "$h6")" ] &&
     [ "$(stat -c %s "$h6")" -lt "$(stat -c %s "$h1")" ]'

wsb=$(mkws wb 10)
expect_exit 'zip_level = 10 is refused, naming the line' 1 \
    'oms\.conf:[0-9]+: zip_level: expected a number from 1 to 9, got "10"' \
    oms-select -C "$wsb" -p 2026-10

# a write failing in the middle: files limited to 50 KB, the H spool is more
wsf=$(mkws wf)
oms-select -C "$wsf" -p 2026-10 >"$TMP/self"
before=$(snapshot "$wsf")
(trap '' XFSZ; ulimit -f 100; exec oms-export -C "$wsf" <"$TMP/self") \
    >"$TMP/out" 2>"$TMP/err"; rc=$?
# (the first file past the limit is the H body's spool or that of the cases
# kept for their persons' rules, .tmp-cases-*)
check 'a write failing in the middle fails the export (exit 3), naming the file' \
    '[ $rc -eq 3 ] && grep -Eq "\.tmp-(HM760001T76_2610[0-9]*-[A-Za-z0-9]*: cannot write the registry body|cases-[A-Za-z0-9]*: write: )" "$TMP/err"'
check '... and leaves no archive, no temporary file, the ledger as it was' \
    '[ ! -e "$wsf/outbox" ] || [ -z "$(ls -A "$wsf/outbox")" ] &&
     [ -z "$(ls -A "$wsf" | grep "^\.tmp-")" ] && [ "$(snapshot "$wsf")" = "$before" ]'
hf=$(export_h "$wsf")
check '... the same export without the limit writes the same files' \
    'mkdir "$TMP/uf" && (cd "$TMP/uf" && unzip -q "$hf") && diff -r "$TMP/u6" "$TMP/uf"'
check '... and leaves no temporary file: bodies, the cases kept for the person rules' \
    '[ -z "$(ls -A "$wsf" | grep "^\.tmp-")" ]'

# the yar76 bill
wsy=$(newws wy yar76)
oms-gen --profile yar76 -s 3 -n 400 -m 1 -p 2026-10 -o "$wsy/source" 2>/dev/null
oms-select -C "$wsy" -p 2026-10 | oms-export -C "$wsy" >"$TMP/regy" 2>/dev/null
ya=$wsy/$(tail -n +2 "$TMP/regy" | cut -f2)
check 'the yar76 bill: unzip, Python and bsdtar read it' \
    'unzip -tq "$ya" >/dev/null &&
     { ! have python3 || python3 -c "import sys, zipfile
sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)" "$ya"; } &&
     { ! have bsdtar || [ "$(bsdtar -xOf "$ya" bill.xml | cksum)" = "$(unzip -p "$ya" bill.xml | cksum)" ]; }'
check '... and it ends as a bill does' \
    'unzip -p "$ya" bill.xml | tail -c 40 | tr -d "\r" | grep -q "</package>"'
done_testing
