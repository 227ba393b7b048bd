#!/bin/sh
# oms-import against hostile or broken replies: refusal codes of any
# length and with any characters round-trip through the ledger; text split
# by a comment or a PI; impossible dates; ZIPs with a repeated entry name
# or too many entries; a FIFO or a device named like a reply
cd "${0%/*}" && . ./lib.sh
plan 37

ws=$(newws ws conf)
oms-gen -s 21 -n 12 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
reg=$(awk -F'\t' '$7 == "H" { print $1 }' "$TMP/reg")
oms-fund -s 3 --refuse 2 --partial 1 -o "$TMP/in" "$harc" 2>/dev/null
mkdir -p "$TMP/a" "$TMP/x"
unzip -p "$TMP/in/HT76M760001_26101.zip" | iconv -f cp1251 -t utf-8 |
    sed 's/encoding="windows-1251"/encoding="UTF-8"/' >"$TMP/a/control.xml"
cp -R "$ws" "$TMP/clean"
fresh() { rm -rf "$ws" && cp -R "$TMP/clean" "$ws"; }
acct() { awk -F'\t' -v r="$reg" -v n="$1" '$2 == "export" && $4 == r && $9 == n { print $3 }' "$ws/ledger.tsv"; }
C=$TMP/x/HT76M760001_26101.xml

# refused DESC EXIT FILE ERE: oms-import refuses FILE with that status and
# a message matching ERE; the ledger is as it was, archive/ empty
refused() {
	d=$1 want=$2 f=$3 re=$4
	fresh
	oms-import -C "$ws" "$f" >"$TMP/out" 2>"$TMP/err"; rc=$?
	ntest=$((ntest + 1))
	if [ $rc -eq "$want" ] && grep -Eq -- "$re" "$TMP/err" &&
	    cmp -s "$TMP/clean/ledger.tsv" "$ws/ledger.tsv" &&
	    [ -z "$(ls "$ws/archive" 2>/dev/null)" ]; then
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d (exit $rc, want $want)"
		sed 's/^/# /' "$TMP/err" | head -5
	fi
}
# --- decision data: 300 refusal codes on one record (Cyrillic, so that a
# cut would fall inside a character); in another reply a code holding
# ; = % on another record
python3 - "$TMP/a/control.xml" "$C" "$TMP/codes" "$TMP/x/c2.xml" <<'EOF'
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
zaps = [m for m in re.finditer(r'<ZAP>.*?</ZAP>', s, re.S) if '<OPLATA>2</OPLATA>' in m.group(0)]
z1, z2 = zaps[0].group(0), zaps[1].group(0)
k = re.search(r'<SANK>.*?</SANK>', z1, re.S).group(0)
codes = ['Ж%03d' % i for i in range(1, 301)]
more = [re.sub(r'<S_OSN>[^<]*<', '<S_OSN>%s<' % c, k) for c in codes]
more[1:] = [re.sub(r'<S_SUM>[^<]*</S_SUM>', '', x) for x in more[1:]]
n1 = z1.replace(k, ''.join(more))
n2 = re.sub(r'<S_OSN>[^<]*<', '<S_OSN>a;b=c%3D%d<', z2, count=1)
open(sys.argv[2], 'w', encoding='utf-8').write(s.replace(z1, n1))
open(sys.argv[4], 'w', encoding='utf-8').write(s.replace(z2, n2))
open(sys.argv[3], 'w', encoding='utf-8').write(','.join(codes) + '\n' +
    re.search(r'<N_ZAP>([^<]*)<', z1).group(1) + '\n' +
    re.search(r'<N_ZAP>([^<]*)<', z2).group(1) + '\n')
EOF
codes=$(sed -n 1p "$TMP/codes"); z1=$(sed -n 2p "$TMP/codes"); z2=$(sed -n 3p "$TMP/codes")
fresh
oms-import -C "$ws" "$C" >"$TMP/dec" 2>"$TMP/err"; rc=$?
a1=$(acct "$z1"); a2=$(acct "$z2")
check '300 refusal codes on one record are imported, all of them printed' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" -v a="$a1" "\$1 == a { print \$9 }" "$TMP/dec")" = "$codes" ]'
# the ledger's data field, decoded as oms-ledger(5) says
ldata() { python3 -c 'import sys, urllib.parse
for l in open(sys.argv[1], encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    if f[1] == "decision" and f[2] == sys.argv[2]:
        kv = dict(p.split("=", 1) for p in f[12].split(";"))
        print(urllib.parse.unquote(kv[sys.argv[3]]))' "$ws/ledger.tsv" "$@"; }
check '... the ledger holds them all, and the line is whole' \
    '[ "$(ldata "$a1" reasons)" = "$codes" ] && [ "$(ldata "$a1" decision)" = rejected ] &&
     [ "$(ldata "$a1" date)" = 2026-11-10 ]'
check 'oms-select --history shows the 300 codes whole' \
    '[ "$(oms-select -C "$ws" --history "$a1" 2>/dev/null | awk -F"\t" "\$2 == \"decision\" { print \$9 }")" = "$codes" ]'
check 'oms-analyze -r shows the 300 codes whole' \
    '[ "$(oms-analyze -C "$ws" -p 2026-10 -r 2>/dev/null | awk -F"\t" -v a="$a1" "\$1 == a { print \$2 }")" = "$codes" ]'
oms-analyze "$TMP/dec" >"$TMP/an" 2>/dev/null
check 'oms-analyze of the decisions counts each of the 300 codes once' \
    '[ "$(awk -F"\t" "\$1 == \"reason\" && \$2 ~ /^Ж[0-9][0-9][0-9]\$/ && \$4 == 1" "$TMP/an" | wc -l)" -eq 300 ]'
cp "$TMP/x/c2.xml" "$C"
fresh
oms-import -C "$ws" "$C" >"$TMP/dec" 2>"$TMP/err"; rc=$?
check 'a code holding ; = % is escaped in the ledger and reads back' \
    '[ $rc -eq 0 ] && grep -q "reasons=a%3Bb%3Dc%253D%25d;date=2026-11-10\$" "$ws/ledger.tsv" &&
     [ "$(ldata "$a2" reasons)" = "a;b=c%3D%d" ] &&
     [ "$(awk -F"\t" -v a="$a2" "\$1 == a { print \$9 }" "$TMP/dec")" = "a;b=c%3D%d" ]'
check '... oms-select --history shows it intact' \
    'oms-select -C "$ws" --history "$a2" | awk -F"\t" "\$2 == \"decision\" { print \$9 }" | grep -qxF "a;b=c%3D%d"'
check '... and oms-analyze -r' \
    'oms-analyze -C "$ws" -p 2026-10 -r 2>/dev/null | awk -F"\t" -v a="$a2" "\$1 == a { print \$2 }" | grep -qxF "a;b=c%3D%d"'
oms-analyze "$TMP/dec" >"$TMP/an" 2>/dev/null
check '... and oms-analyze of the decisions' \
    'awk -F"\t" "\$1 == \"reason\" { print \$2 }" "$TMP/an" | grep -qxF "a;b=c%3D%d"'
# --- text split by a comment or a PI: refused by the streamed reader of
# answers and the tree reader of ФЛК protocols alike, never read in part
# split IN OUT OPLATA TAG HOW: in the last ZAP with that OPLATA, write the
# value of TAG as HOW says (a Python format, {0} the first half of the
# value, {1} the rest); print N_ZAP and the value
split() {
	python3 - "$@" <<'EOF'
import re, sys
src, dst, oplata, tag, how = sys.argv[1:6]
s = open(src, encoding='utf-8').read()
m = [m for m in re.finditer(r'<ZAP>.*?</ZAP>', s, re.S)
    if '<OPLATA>%s</OPLATA>' % oplata in m.group(0)][-1]
z = m.group(0)
v = re.search(r'<%s>([^<]*)</%s>' % (tag, tag), z).group(1)
h = len(v) // 2 if len(v) > 1 else 1
z = z.replace('<%s>%s</%s>' % (tag, v, tag),
    '<%s>%s</%s>' % (tag, how.format(v[:h], v[h:]), tag), 1)
open(dst, 'w', encoding='utf-8').write(s[:m.start()] + z + s[m.end():])
print(re.search(r'<N_ZAP>([^<]*)', m.group(0)).group(1), v)
EOF
}
set -- $(split "$TMP/a/control.xml" "$C" 1 N_ZAP '{0}<!-- x -->{1}')
refused 'an answer: N_ZAP split by a comment is refused naming file:line and the element' 1 "$C" \
    'HT76M760001_26101.xml:[0-9]+: <N_ZAP>: its text is split by a comment, a processing instruction or an element; not imported'
set -- $(split "$TMP/a/control.xml" "$C" 3 SUMP '{0}<?x y?>{1}')
refused '... SUMP split by a PI, naming N_ZAP too' 1 "$C" \
    "HT76M760001_26101.xml:[0-9]+: N_ZAP $1: <SUMP>: its text is split"
set -- $(split "$TMP/a/control.xml" "$C" 3 SUMP '<!-- before -->{0}<![CDATA[{1}]]><!-- after --> ')
fresh
oms-import -C "$ws" "$C" >"$TMP/dec" 2>"$TMP/err"; rc=$?
check '... a comment around the value and CDATA within it are no split: read whole' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" -v a="$(acct "$1")" "\$1 == a { print \$7 }" "$TMP/dec")" = "$2" ]'
# a ФЛК protocol of the order, read as a tree
pr() {	# pr N_ZAP-TEXT: the protocol with one PR naming that record
	cat >"$TMP/x/VHM760001T76_26101.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<FLK_P>
 <FNAME>VHM760001T76_26101</FNAME>
 <FNAME_I>$reg</FNAME_I>
 <PR><OSHIB>904</OSHIB><IM_POL>SUMV</IM_POL><BAS_EL>Z_SL</BAS_EL><N_ZAP>$1</N_ZAP></PR>
</FLK_P>
EOF
}
pr '1<!-- x -->0'
refused 'a ФЛК protocol: N_ZAP split by a comment is refused naming file:line' 1 "$TMP/x/VHM760001T76_26101.xml" \
    'VHM760001T76_26101.xml:5: <N_ZAP>: its text is split'
pr '1<?x y?>0'
refused '... or by a PI' 1 "$TMP/x/VHM760001T76_26101.xml" 'VHM760001T76_26101.xml:5: <N_ZAP>: its text is split'
pr '<!-- x -->10'
fresh
oms-import -C "$ws" "$TMP/x/VHM760001T76_26101.xml" >"$TMP/dec" 2>"$TMP/err"; rc=$?
check '... a comment before the value is no split: N_ZAP 10 refused, no other' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" "NR > 1 && \$5 != \"accepted\" { print \$1, \$9 }" "$TMP/dec")" = "$(acct 10) 904" ]'
# --- dates: a day the month does not have, month 13, day 0 refuse the
# reply, naming file:line of the date
setdate() {	# setdate TAG VALUE: the control answer with its first TAG so
	sed "0,/<$1>[0-9-]*</s|<$1>[0-9-]*</$1>|<$1>$2</$1>|" "$TMP/a/control.xml" >"$C"
	grep -n "<$1>$2<" "$C" | head -1 | cut -d: -f1
}
l=$(setdate DATA 2026-02-30)
refused 'an answer dated 2026-02-30 (ZGLV/DATA) is refused naming file:line' 1 "$C" \
    "HT76M760001_26101.xml:$l: ZGLV/DATA \"2026-02-30\" is not a date \\(YYYY-MM-DD, a day of that month\\); not imported"
l=$(setdate DSCHET 2026-13-01)
refused '... SCHET/DSCHET in month 13' 1 "$C" "HT76M760001_26101.xml:$l: SCHET/DSCHET \"2026-13-01\" is not a date"
l=$(setdate DATE_ACT 2026-11-00)
refused '... SANK/DATE_ACT on day 0' 1 "$C" "HT76M760001_26101.xml:$l: SANK/DATE_ACT \"2026-11-00\" is not a date"
setdate DATA 2028-02-29 >/dev/null
fresh
oms-import -C "$ws" "$C" >/dev/null 2>"$TMP/err"; rc=$?
check '... while 29 February of a leap year is a date' \
    '[ $rc -eq 0 ] && grep -q ";date=2028-02-29$" "$ws/ledger.tsv"'
cat >"$TMP/x/VM760001T76_26101.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<FLK_P>
 <FNAME>VM760001T76_26101</FNAME>
 <FNAME_I>$reg</FNAME_I>
 <SCHET><CODE>1</CODE><CODE_MO>760001</CODE_MO><YEAR>2026</YEAR><MONTH>10</MONTH>
  <DSCHET>2026-02-30</DSCHET></SCHET>
</FLK_P>
EOF
refused 'a ФЛК protocol whose SCHET/DSCHET is 2026-02-30 is refused naming file:line' 1 \
    "$TMP/x/VM760001T76_26101.xml" 'VM760001T76_26101.xml:6: SCHET/DSCHET "2026-02-30" is not a date'
sed 's|<SCHET>|<ZGLV><DATA>2026-04-31</DATA></ZGLV><SCHET>|; s|2026-02-30|2026-11-10|' \
    "$TMP/x/VM760001T76_26101.xml" >"$TMP/x/v" && mv "$TMP/x/v" "$TMP/x/VM760001T76_26101.xml"
refused '... its ZGLV/DATA 2026-04-31' 1 "$TMP/x/VM760001T76_26101.xml" \
    'VM760001T76_26101.xml:5: ZGLV/DATA "2026-04-31" is not a date'

# yar76: the date of an expertise
y=$(newws y yar76)
oms-gen --profile yar76 -s 3 -n 60 -m 2 -p 2026-09 -o "$y/source" 2>/dev/null
oms-select -C "$y" -p 2026-10 | oms-export -C "$y" >/dev/null 2>&1
oms-fund -s 3 --refuse 2 --partial 2 -o "$TMP/ydem" "$y"/outbox/*.7z 2>/dev/null
cp -R "$y" "$TMP/yclean"
B=1027600000001760401001261012B
mkdir -p "$TMP/yx"
unzip -p "$TMP/ydem/$B.7z" bill.xml >"$TMP/yx/bill0.xml"
yzip() {	# yzip SED-SCRIPT: the answer B so edited, as B.7z
	(cd "$TMP/yx" && sed "$1" bill0.xml >bill.xml && rm -f "$B.7z" && zip -q "$B.7z" bill.xml)
}
yrefused() {	# yrefused DESC ERE [FILE]
	rm -rf "$y" && cp -R "$TMP/yclean" "$y"
	oms-import -C "$y" "${3:-$TMP/yx/$B.7z}" >/dev/null 2>"$TMP/err"; rc=$?
	check "$1" '[ $rc -eq 1 ] && grep -Eq -- "$2" "$TMP/err" &&
	    cmp -s "$TMP/yclean/ledger.tsv" "$y/ledger.tsv" && [ -z "$(ls "$y/archive" 2>/dev/null)" ]'
}
yzip 's/\(<expertise [^>]*\)date="[^"]*"/\1date="2026-02-30"/'
l=$(grep -n 'date="2026-02-30"' "$TMP/yx/bill.xml" | head -1 | cut -d: -f1)
yrefused 'yar76: an expertise dated 2026-02-30 is refused naming file:line' \
    "$B.7z:$l: expertise@date \"2026-02-30\" is not a date"
# --- ZIPs: a name twice, a second reply, or more than 64 entries, also
# after the reply's own entry, refuse the file
unzip -p "$TMP/in/HT76M760001_26101.zip" >"$TMP/a/HT.XML"
unzip -p "$TMP/in/VHM760001T76_26101.zip" >"$TMP/a/VH.XML"
mkzip() {	# mkzip ZIP ENTRY=FILE|ENTRY=* N...: a ZIP of these entries, in order
	python3 - "$@" <<'EOF'
import sys, warnings, zipfile
warnings.simplefilter('ignore')	# a name twice is what is wanted
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for a in sys.argv[2:]:
        name, src = a.split('=', 1)
        if src.startswith('* '):
            for i in range(int(src[2:])):
                z.writestr('%s%04d.txt' % (name, i), 'x')
        else:
            z.write(src, name)
EOF
}
Z=$TMP/x/HT76M760001_26101.zip
mkzip "$Z" HT76M760001_26101.XML="$TMP/a/HT.XML" "f=* 5000"
refused 'a control answer followed by 5000 entries is refused: more than 64' 1 "$Z" \
    'HT76M760001_26101.zip: more than 64 entries: not a reply; not imported'
mkzip "$Z" HT76M760001_26101.XML="$TMP/a/HT.XML" "f=* 63"
fresh
ok '... while 64 entries are read' oms-import -C "$ws" "$Z"
mkzip "$Z" HT76M760001_26101.XML="$TMP/a/HT.XML" HT76M760001_26101.XML="$TMP/a/VH.XML"
refused 'two entries of the same name are refused, naming it' 1 "$Z" \
    'HT76M760001_26101.zip: two entries named "HT76M760001_26101.XML": which is the reply is not known; not imported'
mkzip "$Z" HT76M760001_26101.XML="$TMP/a/HT.XML" ht76m760001_26101.xml="$TMP/a/HT.XML"
refused '... also in another case' 1 "$Z" 'two entries named "ht76m760001_26101.xml"'
mkzip "$TMP/x/inbox.zip" HT76M760001_26101.XML="$TMP/a/HT.XML" HS76002M760001_26101.XML="$TMP/a/HT.XML"
refused 'a ZIP named like no reply holding two replies is refused' 1 "$TMP/x/inbox.zip" \
    'inbox.zip: entries "HT76M760001_26101.XML" and "HS76002M760001_26101.XML" are both named like a reply'
mkzip "$TMP/x/VHM760001T76_26101.zip" VHM760001T76_26101.XML="$TMP/a/VH.XML" "f=* 100"
refused 'a ФЛК protocol followed by 100 entries is refused' 1 "$TMP/x/VHM760001T76_26101.zip" \
    'VHM760001T76_26101.zip: more than 64 entries'
mkzip "$TMP/x/VHM760001T76_26101.zip" VHM760001T76_26101.XML="$TMP/a/VH.XML" VHM760001T76_26101.xml="$TMP/a/VH.XML"
refused '... or by an entry of its name' 1 "$TMP/x/VHM760001T76_26101.zip" 'two entries named "VHM760001T76_26101.xml"'
yzip ''
mkzip "$TMP/yx/$B.7z" bill.xml="$TMP/yx/bill.xml" "f=* 5000"
yrefused 'yar76: bill.xml followed by 5000 entries is refused' 'holds one entry, bill.xml; this one has more than one'
mkzip "$TMP/yx/$B.7z" bill.xml="$TMP/yx/bill.xml" bill.xml="$TMP/yx/bill.xml"
yrefused 'yar76: bill.xml twice is refused' 'holds one entry, bill.xml; this one has more than one'
# --- a FIFO, a device, a directory named like a reply: refused unread,
# naming it, instead of hanging with the workspace locked; a symbolic
# link to a reply given on the command line is followed
mkdir -p "$TMP/inbox"
mkfifo "$TMP/inbox/HT76M760001_26101.xml"
cp "$TMP/in/VHM760001T76_26101.zip" "$TMP/inbox/"
fresh
timeout 20 oms-import -C "$ws" "$TMP/inbox/HT76M760001_26101.xml" "$TMP/inbox/VHM760001T76_26101.zip" \
    >"$TMP/dec" 2>"$TMP/err"; rc=$?
check 'a FIFO named like a reply is refused at once, naming it, the other file imported' \
    '[ $rc -eq 1 ] && grep -q "inbox/HT76M760001_26101.xml: a FIFO, not a file: not read, not imported; give the reply file itself" "$TMP/err" &&
     [ "$(awk -F"\t" "NR > 1 && \$4 == \"flk\"" "$TMP/dec" | wc -l)" -eq 11 ] &&
     [ "$(ls "$ws/archive")" = VHM760001T76_26101.zip ]'
check '... and the workspace is not left locked' \
    'timeout 20 oms-import -C "$ws" "$TMP/in/HT76M760001_26101.zip" >/dev/null 2>&1'
ln -s /dev/null "$TMP/x/HT76M760001_26101D.zip"
refused 'a link to a device named like a reply is refused, naming it' 1 "$TMP/x/HT76M760001_26101D.zip" \
    'HT76M760001_26101D.zip: a character device, not a file'
mkdir "$TMP/x/HS76001M760001_26101.zip"
refused 'a directory named like a reply is refused, naming it' 1 "$TMP/x/HS76001M760001_26101.zip" \
    'HS76001M760001_26101.zip: a directory, not a file'
ln -s "$TMP/in/HS76001M760001_26101.zip" "$TMP/inbox/HS76001M760001_26101.zip"
fresh
ok 'a symbolic link to a reply, given by the user, is followed' \
    oms-import -C "$ws" "$TMP/inbox/HS76001M760001_26101.zip"
check '... and the reply itself is kept' \
    'cmp -s "$TMP/in/HS76001M760001_26101.zip" "$ws/archive/HS76001M760001_26101.zip" &&
     [ ! -L "$ws/archive/HS76001M760001_26101.zip" ]'
done_testing
