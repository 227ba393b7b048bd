#!/bin/sh
# The editions of one version (ref/versions.tsv, column schema): a D file
# of 2021-04 in the 3.1 of that time (NPOLIS without ENP, a referral with
# NAZ_SP and without NAZ_IDDOKT, the doctor of a service as USL/PRVS and
# CODE_MD) is read, checked against xsd/D-3.1-2020-04.xsd and sent again
# as 3.1 of that edition; the same cases in the period 2021-08 meet the
# edition of 2021-08 (D-3.1.xsd) and are refused; a workspace's table
# chooses another edition (docs/ffoms-format-D.md, oms.conf(5)).
cd "${0%/*}" && . ./lib.sh
plan 13

XSD=${OMS_XSDDIR:-../../xsd}
to1251() { iconv -f utf-8 -t windows-1251 >"$1"; }

# the USL of a service: ID, CODE_USL, TARIF, P_OTK; its doctor unless refused
usl() {
	cat <<EOF
    <USL>
     <IDSERV>$1</IDSERV>
     <LPU>760001</LPU>
     <DATE_IN>2021-04-06</DATE_IN>
     <DATE_OUT>2021-04-06</DATE_OUT>
     <P_OTK>$4</P_OTK>
     <CODE_USL>$2</CODE_USL>
     <TARIF>$3</TARIF>
     <SUMV_USL>$3</SUMV_USL>
EOF
	[ "$4" = 1 ] || cat <<'EOF'
     <PRVS>76</PRVS>
     <CODE_MD>112-233-445 95</CODE_MD>
EOF
	echo '    </USL>'
}

# a ZAP: N_ZAP, SL_ID (the account), ID_PAC, NPOLIS, the NAZ and USL
zap() {
	cat <<EOF
 <ZAP>
  <N_ZAP>$1</N_ZAP>
  <PR_NOV>0</PR_NOV>
  <PACIENT>
   <ID_PAC>$3</ID_PAC>
   <VPOLIS>3</VPOLIS>
   <NPOLIS>$4</NPOLIS>
   <SMO>76001</SMO>
   <NOVOR>0</NOVOR>
  </PACIENT>
  <Z_SL>
   <IDCASE>$1</IDCASE>
   <VIDPOM>12</VIDPOM>
   <LPU>760001</LPU>
   <VBR>0</VBR>
   <DATE_Z_1>2021-04-06</DATE_Z_1>
   <DATE_Z_2>2021-04-06</DATE_Z_2>
   <P_OTK>0</P_OTK>
   <RSLT_D>1</RSLT_D>
   <SL>
    <SL_ID>$2</SL_ID>
    <NHISTORY>H$1</NHISTORY>
    <DATE_1>2021-04-06</DATE_1>
    <DATE_2>2021-04-06</DATE_2>
    <DS1>Z00.0</DS1>
    <DS_ONK>0</DS_ONK>
    <PR_D_N>3</PR_D_N>
$5
    <ED_COL>1.00</ED_COL>
    <TARIF>1000.00</TARIF>
    <SUM_M>1000.00</SUM_M>
$6
   </SL>
   <IDSP>29</IDSP>
   <SUMV>1000.00</SUMV>
  </Z_SL>
 </ZAP>
EOF
}

naz_sp='    <NAZ>
     <NAZ_N>1</NAZ_N>
     <NAZ_R>1</NAZ_R>
     <NAZ_SP>76</NAZ_SP>
    </NAZ>'
naz_v='    <NAZ>
     <NAZ_N>1</NAZ_N>
     <NAZ_R>3</NAZ_R>
     <NAZ_V>1</NAZ_V>
    </NAZ>'

ws=$(newws d2021 conf)
mkdir -p "$ws/source"
{
	cat <<'EOF'
<?xml version="1.0" encoding="windows-1251"?>
<!-- t1150: a preventive examination (DO, ОПВ) of 2021-04 in the 3.1 of
     that time; every name and number is made up -->
<ZL_LIST>
 <ZGLV>
  <VERSION>3.1</VERSION>
  <DATA>2021-05-03</DATA>
  <FILENAME>DOM760001T76_21041</FILENAME>
  <SD_Z>2</SD_Z>
 </ZGLV>
 <SCHET>
  <CODE>1150</CODE>
  <CODE_MO>760001</CODE_MO>
  <YEAR>2021</YEAR>
  <MONTH>4</MONTH>
  <NSCHET>1150</NSCHET>
  <DSCHET>2021-05-03</DSCHET>
  <SUMMAV>2000.00</SUMMAV>
  <DISP>ОПВ</DISP>
 </SCHET>
EOF
	# d1150-sp: a referral to a doctor (NAZ_SP) and a refused service
	zap 1 d1150-sp 9101 7600000000000026 "$naz_sp" \
	    "$(usl 1 B04.026.001.062 1000.00 0; usl 2 A09.05.023 0.00 1)"
	# d1150-v: an examination elsewhere (NAZ_V), without its doctor
	zap 2 d1150-v 9102 7600000000000034 "$naz_v" \
	    "$(usl 3 B04.026.001.062 1000.00 0)"
	echo '</ZL_LIST>'
} | to1251 "$ws/source/DOM760001T76_21041.xml"
{
	cat <<'EOF'
<?xml version="1.0" encoding="windows-1251"?>
<PERS_LIST>
 <ZGLV>
  <VERSION>3.2</VERSION>
  <DATA>2021-05-03</DATA>
  <FILENAME>LOM760001T76_21041</FILENAME>
  <FILENAME1>DOM760001T76_21041</FILENAME1>
 </ZGLV>
EOF
	for p in "9101 ПРОБНОВ ПЁТР ИВАНОВИЧ 1 1960-02-03" \
	    "9102 ОПЫТНОВА ИРИНА ПЕТРОВНА 2 1955-07-11"; do
		# shellcheck disable=SC2086
		set -- $p
		cat <<EOF
 <PERS>
  <ID_PAC>$1</ID_PAC>
  <FAM>$2</FAM>
  <IM>$3</IM>
  <OT>$4</OT>
  <W>$5</W>
  <DR>$6</DR>
 </PERS>
EOF
	done
	echo '</PERS_LIST>'
} | to1251 "$ws/source/LOM760001T76_21041.xml"
for c in aug early; do		# the same files, for later
	cp -R "$ws" "$TMP/d2021-$c"
done

# 2021-04: the edition of 2020-04
oms-select -C "$ws" -p 2021-04 >"$TMP/sel"
check 'the D file of 2021-04 is read: two DO accounts' \
    '[ "$(cut -f1,3 "$TMP/sel" | tail -n +2 | sort | tr "\t\n" ": ")" = "d1150-sp:DO d1150-v:DO " ]'
oms-export -C "$ws" --date 2021-05-04 <"$TMP/sel" >"$TMP/reg" 2>"$TMP/err"; rc=$?
check 'they are checked and sent again, without a problem' \
    '[ $rc -eq 0 ] && ! grep -v "rule(s) not in force: no reference table" "$TMP/err" | grep -q .'
check '... as 3.1, the version of a D file of 2021-04' \
    '[ "$(tail -n +2 "$TMP/reg" | cut -f3,7,9 | tr "\t\n" ": ")" = "2:DO:3.1 " ]'
mkdir "$TMP/x"
(cd "$TMP/x" && unzip -q "$ws"/outbox/DOM760001T76_21041.zip)
do=$TMP/x/DOM760001T76_21041.XML
check '... VERSION 3.1, valid against xsd/D-3.1-2020-04.xsd and its L file against L-3.2' \
    '[ "$(xmllint --xpath "string(//ZGLV/VERSION)" "$do")" = 3.1 ] &&
     xmllint --noout --schema "$XSD/D-3.1-2020-04.xsd" "$do" 2>/dev/null &&
     xmllint --noout --schema "$XSD/L-3.2.xsd" "$TMP/x/LOM760001T76_21041.XML" 2>/dev/null'
check '... keeping USL/PRVS and CODE_MD, NAZ_SP, NPOLIS: no MR_USL_N, NAZ_IDDOKT, ENP' \
    '[ "$(xmllint --xpath "count(//USL/CODE_MD)" "$do")" = 2 ] &&
     [ "$(xmllint --xpath "string(//NAZ/NAZ_SP)" "$do")" = 76 ] &&
     [ "$(xmllint --xpath "count(//PACIENT/NPOLIS)" "$do")" = 2 ] &&
     [ "$(xmllint --xpath "count(//MR_USL_N | //NAZ_IDDOKT | //ENP)" "$do")" = 0 ]'
check '... which the edition of 2021-08 would refuse' \
    '! xmllint --noout --schema "$XSD/D-3.1.xsd" "$do" 2>/dev/null'

# 2021-08: the same cases meet the edition of 2021-08
ws=$TMP/d2021-aug
oms-select -C "$ws" -p 2021-08 --primary-from 2021-04-01 >"$TMP/asel"
expect_exit 'in 2021-08 they are refused by the edition of 2021-08 (D-3.1.xsd)' 1 \
    '^oms-export: source/DOM760001T76_21041.xml:[0-9]+: account d1150-sp: xsd: Element .PRVS.: This element is not expected. Expected is \( MR_USL_N \)' \
    oms-export -C "$ws" --date 2021-09-03 "$TMP/asel"
check '... and the referral without its doctor too, naming NAZ_IDDOKT' \
    'grep -Eq "account d1150-v: xsd: Element .NAZ_V.: This element is not expected. Expected is \( NAZ_IDDOKT \)" "$TMP/err"'

# oms.conf forces the version: the edition the table gives 3.1 in the period
echo 'version.D = 3.1' >>"$ws/oms.conf"
expect_exit 'version.D = 3.1 in 2021-08 keeps the edition of 2021-08' 1 \
    'account d1150-sp: xsd: Element .PRVS.: This element is not expected. Expected is \( MR_USL_N \)' \
    oms-export -C "$ws" --date 2021-09-03 "$TMP/asel"

# a workspace's table: 3.1 of order 285 (D-3.1-2019-01) until 2021-07, where
# the doctor of every service, a refused one too, is required
ws=$TMP/d2021-early
mkdir -p "$ws/ref"
grep -v '^D\*	2020-04' "$OMS_REFDIR/versions.tsv" >"$ws/ref/versions.tsv"
oms-select -C "$ws" -p 2021-04 >"$TMP/esel"
expect_exit "a workspace's table naming D-3.1-2019-01 for 2021-04: the refused service without its doctor is refused" 1 \
    'account d1150-sp: xsd: Element .USL.: Missing child element\(s\). Expected is \( PRVS \)' \
    oms-export -C "$ws" --date 2021-05-04 "$TMP/esel"
check '... the other account is not' '! grep -q "account d1150-v" "$TMP/err"'
printf 'kind\tfrom\tversion\tschema\nD*\t2019-01\t3.1\tD-3.2-x\n' >"$ws/ref/versions.tsv"
expect_exit 'a schema not of its row (D-3.2-x for 3.1) is an error naming the line' 1 \
    'ref/versions.tsv:2: schema "D-3.2-x": expected D-3.1, or D-3.1- and an edition' \
    oms-export -C "$ws" --date 2021-05-04 "$TMP/esel"
printf 'kind\tfrom\tversion\tschema\nD*\t2019-01\t3.1\tD-3.1-none\nL\t2019-01\t3.2\t\n' >"$ws/ref/versions.tsv"
oms-export -C "$ws" --date 2021-05-04 "$TMP/esel" >/dev/null 2>"$TMP/err"
check 'an edition without its schema file: a warning naming it' \
    'grep -q "no schema for D-3.1-none; its records are checked by the rule table only" "$TMP/err"'
done_testing
