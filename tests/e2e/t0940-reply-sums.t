#!/bin/sh
# oms-import: the sums of an answer are checked against each other and
# against what the registry claimed (OPLATA 1 pays all of SUMV, 2 nothing,
# 3 a part; SUMP plus the refused sum is SUMV; SANK_IT is the sum of the
# S_SUM; SUMV is the claim); a record that breaks a rule refuses the whole
# file, naming file, line, N_ZAP and account, and nothing changes.  The
# same for the expertises of a yar76 reply.
cd "${0%/*}" && . ./lib.sh
plan 23

ws=$(newws ws conf)
oms-gen -s 21 -n 12 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
reg=$(awk -F'\t' '$7 == "H" { print $1 }' "$TMP/reg")
oms-fund -s 3 --refuse 2 --partial 1 -o "$TMP/in" "$harc" 2>/dev/null
mkdir -p "$TMP/a" "$TMP/x"
unzip -p "$TMP/in/HT76M760001_26101.zip" >"$TMP/a/control.xml"
unzip -p "$TMP/in/HS76002M760001_26101.zip" >"$TMP/a/demand.xml"
cp -R "$ws" "$TMP/clean"
fresh() { rm -rf "$ws" && cp -R "$TMP/clean" "$ws"; }
acct() { awk -F'\t' -v r="$reg" -v n="$1" '$2 == "export" && $4 == r && $9 == n { print $3 }' "$ws/ledger.tsv"; }

# zap IN OUT OPLATA TAG=VALUE...: in the first ZAP of IN with that OPLATA,
# set each element TAG of its Z_SL (or its SANK: S_SUM) to VALUE, "-"
# deleting it (+SANK=VALUE: a copy of its SANK with S_IST 2 and S_SUM
# VALUE after it); write OUT and print the record's N_ZAP.  Bytes as they
# are (windows-1251): the tags are ASCII.
zap() {
	python3 - "$@" <<'EOF'
import re, sys
src, dst, oplata = sys.argv[1:4]
s = open(src, encoding='latin-1').read()
for m in re.finditer(r'<ZAP>.*?</ZAP>', s, re.S):
    if '<OPLATA>%s</OPLATA>' % oplata in m.group(0):
        break
else:
    sys.exit('no ZAP with OPLATA %s' % oplata)
z = m.group(0)
for kv in sys.argv[4:]:
    tag, val = kv.split('=', 1)
    if tag == '+SANK':	# a copy of its SANK with S_IST 2, S_SUM val
        k = re.search(r'<SANK>.*?</SANK>', z, re.S)
        c = re.sub(r'<S_SUM>[^<]*<', '<S_SUM>%s<' % val, k.group(0))
        c = re.sub(r'<S_IST>[^<]*<', '<S_IST>2<', c)
        z = z[:k.end()] + c + z[k.end():]
        continue
    pat = r'<%s>[^<]*</%s>' % (tag, tag)
    if not re.search(pat, z):
        sys.exit('no %s in the ZAP' % tag)
    z = re.sub(pat, '' if val == '-' else '<%s>%s</%s>' % (tag, val, tag), z)
open(dst, 'w', encoding='latin-1').write(s[:m.start()] + z + s[m.end():])
print(re.search(r'<N_ZAP>([^<]*)</N_ZAP>', z).group(1))
EOF
}
# the value of TAG in the ZAP of N_ZAP n
val() { python3 -c 'import re,sys
s = open(sys.argv[1], encoding="latin-1").read()
z = re.search(r"<ZAP>\s*<N_ZAP>%s</N_ZAP>.*?</ZAP>" % sys.argv[2], s, re.S).group(0)
print(re.search(r"<%s>([^<]*)</%s>" % (sys.argv[3], sys.argv[3]), z).group(1))' "$@"; }

# refused DESC FILE ERE: oms-import refuses FILE (exit 1) with a message
# matching ERE; the ledger is as it was and nothing was kept in archive/
refused() {
	d=$1 f=$2 re=$3
	fresh
	oms-import -C "$ws" "$f" >"$TMP/out" 2>"$TMP/err"; rc=$?
	ntest=$((ntest + 1))
	if [ $rc -eq 1 ] && grep -Eq -- "$re" "$TMP/err" &&
	    cmp -s "$TMP/clean/ledger.tsv" "$ws/ledger.tsv" &&
	    [ -z "$(ls "$ws/archive" 2>/dev/null)" ] &&
	    [ "$(wc -l <"$TMP/out")" -le 1 ]; then
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d (exit $rc)"
		sed 's/^/# /' "$TMP/err" | head -5
	fi
}
C=$TMP/x/HT76M760001_26101.xml
what='the sums do not add up; not imported, ask the sender for a corrected reply'

# the attack of the review: a partial payment of 10.00 with a refusal of
# millions, SUMV raised to match; the invoice showed to_pay -9,329,371.70
n=$(zap "$TMP/a/control.xml" "$C" 3 SUMV=9999999.00 SUMP=10.00 SANK_IT=9999989.00 S_SUM=9999989.00)
claim=$(val "$TMP/a/control.xml" "$n" SUMV)
refused 'a SUMV other than the claim refuses the answer, naming file:line, N_ZAP, account' "$C" \
    "HT76M760001_26101.xml:[0-9]+: N_ZAP $n \\(account $(acct "$n")\\): SUMV is not what registry $reg claimed, $claim \\(SUMV 9999999.00, SUMP 10.00, SANK_IT 9999989.00, S_SUM in all 9999989.00\\): $what"
oms-invoice -C "$ws" -p 2026-10 >"$TMP/inv" 2>/dev/null
check '... and the invoice has no negative sum' \
    '[ -s "$TMP/inv" ] && ! awk -F"\t" "NR > 1" "$TMP/inv" | cut -f2-5 | grep -q -- -'
n=$(zap "$TMP/a/control.xml" "$C" 3 SUMP=10.00 SANK_IT=9999989.00 S_SUM=9999989.00)
refused '... the same with SUMV kept: more refused than SUMV' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): more is refused than SUMV"
n=$(zap "$TMP/a/control.xml" "$C" 1 SUMP=1.00)
refused 'OPLATA 1 with SUMP below SUMV' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): OPLATA 1 pays all of SUMV, but 1.00 is paid"
n=$(zap "$TMP/a/control.xml" "$C" 2 SUMP="$(val "$TMP/a/control.xml" "$(zap "$TMP/a/control.xml" /dev/null 2)" SUMV)" SANK_IT=0.00 S_SUM=0.00)
refused 'OPLATA 2 with SUMP = SUMV' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): OPLATA 2 pays nothing, but [0-9.]+ is paid"
n=$(zap "$TMP/a/control.xml" "$C" 2 SUMP="$(val "$TMP/a/control.xml" "$(zap "$TMP/a/control.xml" /dev/null 2)" SUMV)")
refused 'OPLATA 2 with SUMP = SUMV = SANK_IT: SUMP plus the refused sum is not SUMV' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): SUMP plus the refused sum is not SUMV"
n=$(zap "$TMP/a/control.xml" "$C" 3 SUMP="$(val "$TMP/a/control.xml" "$(zap "$TMP/a/control.xml" /dev/null 3)" SUMV)" SANK_IT=0.00 S_SUM=0.00)
refused 'OPLATA 3 paying all of SUMV' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): OPLATA 3 pays a part of SUMV \\(0 < SUMP < SUMV\\)"
n=$(zap "$TMP/a/control.xml" "$C" 3 SUMP=0.00 SANK_IT="$(val "$TMP/a/control.xml" "$(zap "$TMP/a/control.xml" /dev/null 3)" SUMV)" S_SUM=-)
refused 'OPLATA 3 paying nothing' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): OPLATA 3 pays a part of SUMV \\(0 < SUMP < SUMV\\), but 0.00 is paid"
n=$(zap "$TMP/a/control.xml" "$C" 3 SUMP=- SANK_IT=- S_SUM=-)
refused 'OPLATA 3 that does not say how much is paid' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): OPLATA 3 \\(partly paid\\) without SUMP or SANK_IT"
n=$(zap "$TMP/a/control.xml" "$C" 3 S_SUM=1.00)
refused 'SANK_IT other than the sum of the S_SUM' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): SANK_IT is not the sum of the S_SUM of its sanctions"
n=$(zap "$TMP/a/control.xml" "$C" 3 SANK_IT=- S_SUM=1.00)
refused 'without SANK_IT, the S_SUM are the refused sum: SUMP plus them must be SUMV' "$C" \
    "N_ZAP $n \\(account $(acct "$n")\\): SUMP plus the refused sum is not SUMV"
n=$(zap "$TMP/a/control.xml" "$C" 1 SUMP=-1.00)
refused 'a negative SUMP' "$C" "N_ZAP $n \\(account $(acct "$n")\\): a sum is negative"
n=$(zap "$TMP/a/control.xml" "$C" 3 S_SUM=-1.00)
refused 'a negative S_SUM' "$C" "HT76M760001_26101.xml:[0-9]+: N_ZAP $n: bad S_SUM"

# the same rules on an answer to the payment demand, and in a ZIP
D=$TMP/x/HS76002M760001_26101.XML
n=$(zap "$TMP/a/demand.xml" "$D" 1 SUMP=5.00)
(cd "$TMP/x" && rm -f HS76002M760001_26101.zip && zip -q HS76002M760001_26101.zip HS76002M760001_26101.XML)
refused 'an answer to the payment demand in a ZIP is checked the same' "$TMP/x/HS76002M760001_26101.zip" \
    "HS76002M760001_26101.zip:[0-9]+: N_ZAP $n \\(account $(acct "$n")\\): OPLATA 1 pays all of SUMV, but 5.00 is paid"

# what is right still goes in, and what a reply leaves out follows from
# the rest: OPLATA 1 without SUMP pays SUMV; OPLATA 3 without SUMP pays
# SUMV minus SANK_IT; a sanction of another source (S_IST 2) is no part
# of SANK_IT
fresh
oms-import -C "$ws" "$TMP/in/HT76M760001_26101.zip" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'the answer as the fund wrote it is imported' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" "NR > 1" "$TMP/o" | wc -l)" -eq 11 ] && [ ! -s "$TMP/e" ]'
n3=$(zap "$TMP/a/control.xml" /dev/null 3)
v=$(val "$TMP/a/control.xml" "$n3" SUMV); p=$(val "$TMP/a/control.xml" "$n3" SUMP); r=$(val "$TMP/a/control.xml" "$n3" SANK_IT)
check '... its partial record with SUMV, SUMP and SANK_IT as claimed, accepted and refused' \
    '[ "$(awk -F"\t" -v a="$(acct "$n3")" "\$1 == a { print \$5, \$6, \$7, \$8 }" "$TMP/o")" = "partial $v $p $r" ]'
n1=$(zap "$TMP/a/control.xml" "$TMP/x/c1.xml" 1 SUMP=-)
zap "$TMP/x/c1.xml" "$C" 3 SUMP=- +SANK=1000.00 >/dev/null
fresh
oms-import -C "$ws" "$C" >"$TMP/o" 2>"$TMP/e"; rc=$?
v1=$(val "$TMP/a/control.xml" "$n1" SUMV)
check 'OPLATA 1 without SUMP: all of SUMV accepted' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" -v a="$(acct "$n1")" "\$1 == a { print \$5, \$6, \$7, \$8 }" "$TMP/o")" = "accepted $v1 $v1 0.00" ]'
check 'OPLATA 3 without SUMP: SUMV minus SANK_IT, a sanction of S_IST 2 not counted' \
    '[ "$(awk -F"\t" -v a="$(acct "$n3")" "\$1 == a { print \$5, \$6, \$7, \$8 }" "$TMP/o")" = "partial $v $p $r" ]'

# --- yar76: the expertises may refuse at most what the bill claimed
y=$(newws y yar76)
oms-gen --profile yar76 -s 3 -n 60 -m 2 -p 2026-09 -o "$y/source" 2>/dev/null
oms-select -C "$y" -p 2026-10 | oms-export -C "$y" >/dev/null 2>&1
oms-fund -s 3 --refuse 2 --partial 2 -o "$TMP/ydem" "$y"/outbox/*.7z 2>/dev/null
cp -R "$y" "$TMP/yclean"
B=1027600000001760401001261012B
mkdir -p "$TMP/yx"
unzip -p "$TMP/ydem/$B.7z" bill.xml >"$TMP/yx/bill0.xml"
xk=$(sed -n 's/.*<expertise [^>]*xkey="\([^"]*\)".*/\1/p' "$TMP/yx/bill0.xml" | head -1)
ybad() {	# ybad DESC ERE SED-SCRIPT: the answer so edited is refused
	(cd "$TMP/yx" && sed "$3" bill0.xml >bill.xml && rm -f "$B.7z" && zip -q "$B.7z" bill.xml)
	rm -rf "$y" && cp -R "$TMP/yclean" "$y"
	oms-import -C "$y" "$TMP/yx/$B.7z" >/dev/null 2>"$TMP/err"; rc=$?
	check "$1" '[ $rc -eq 1 ] && grep -Eq -- "$2" "$TMP/err" &&
	    cmp -s "$TMP/yclean/ledger.tsv" "$y/ledger.tsv" && [ -z "$(ls "$y/archive" 2>/dev/null)" ]'
}
check 'yar76: the insurer answer B has an expertise' '[ -n "$xk" ]'
ybad 'yar76: an expertise refusing more than the bill claimed refuses the reply, naming account and line' \
    "$B.7z:[0-9]+: account $xk: the expertises refuse 99999.00 \\(suml minus sum of ps_elem\\), more than the [0-9.]+ bill [0-9x]+ claimed: the sums do not add up" \
    's/\(<ps_elem [^>]*\)suml="[^"]*" sum="[^"]*"/\1suml="99999.00" sum="0.00"/'
ybad 'yar76: a ps_elem whose sum is above its suml' \
    "$B.7z:[0-9]+: expertise of $xk: ps_elem without suml and sum, or sum above suml" \
    's/\(<ps_elem [^>]*\)suml="[^"]*" sum="[^"]*"/\1suml="1.00" sum="2.00"/'
rm -rf "$y" && cp -R "$TMP/yclean" "$y"
ok 'yar76: the answer as the insurer wrote it is imported' oms-import -C "$y" "$TMP/ydem/$B.7z"
check '... its partial account refused what the expertise says' \
    '[ "$(awk -F"\t" -v a="$xk" "\$1 == a { print \$5 }" "$TMP/out")" = partial ]'
done_testing
