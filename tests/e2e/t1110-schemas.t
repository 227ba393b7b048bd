#!/bin/sh
# the federal schemas: every kind (H, C, T, DP) in every version, as the
# table ref/versions.tsv or a version.KIND of oms.conf calls for it, is
# written by oms-gen, exported, and valid against xsd/KIND-VERSION.xsd;
# 3.1 files shaped like those of 2021 are read, checked and sent again
cd "${0%/*}" && . ./lib.sh
plan 118

XSD=${OMS_XSDDIR:-../../xsd}

# run NAME PERIOD [KIND=V ...]: a workspace with H, C, T and DP cases of
# PERIOD (oms-gen --version and oms.conf version.KIND for each KIND=V),
# selected and exported; the archives unpacked into $TMP/NAME.x
run() {
	name=$1 period=$2
	shift 2
	ws=$(newws "$name" conf)
	gv=
	for kv in "$@"; do
		gv="$gv --version $kv"
		echo "version.${kv%=*} = ${kv#*=}" >>"$ws/oms.conf"
	done
	# shellcheck disable=SC2086
	oms-gen -s 7 -n 40 -m 1 -p "$period" --kinds H,C,T,DP $gv \
	    -o "$ws/source" 2>/dev/null
	oms-select -C "$ws" -p "$period" >"$TMP/$name.sel"
	# the KSG codes of ref/ksg.tsv are valid from 2024: older hospital
	# cases are refused by OMS.KSG.CODE and left out, nothing else
	oms-export -C "$ws" --date "$(date_after "$period")" --skip-invalid \
	    <"$TMP/$name.sel" >"$TMP/$name.reg" 2>"$TMP/$name.err"
	echo $? >"$TMP/$name.rc"
	mkdir -p "$TMP/$name.x"
	for a in "$ws"/outbox/*; do
		(cd "$TMP/$name.x" && unzip -qo "$a")
	done
}

# the 3rd of the month after a period YYYY-MM
date_after() {
	y=${1%-*} m=${1#*-}
	m=$((${m#0} + 1))
	[ "$m" -eq 13 ] && { m=1; y=$((y + 1)); }
	printf '%04d-%02d-03' "$y" "$m"
}

# kind_checks NAME KIND VERSION LVERSION [SCHEMA]: the registry of KIND in
# run NAME; SCHEMA the edition's (ref/versions.tsv), default K-VERSION
kind_checks() {
	name=$1 kind=$2 v=$3 lv=$4
	k=${kind%P}		# DP -> D
	sch=${5:-$k-$v}
	reg=$(awk -F'\t' -v k="$kind" '$7 == k { print $1 }' "$TMP/$name.reg")
	f=$TMP/$name.x/$reg.XML
	case $kind in
	H) lf=$TMP/$name.x/L${reg#H}.XML ;;
	DP) lf=$TMP/$name.x/LP${reg#DP}.XML ;;
	*) lf=$TMP/$name.x/L$reg.XML ;;
	esac
	check "$name: $kind is written as $v (the version column)" \
	    "[ \"\$(awk -F'\t' -v k=$kind '\$7 == k { print \$9 }' \"$TMP/$name.reg\")\" = $v ]"
	check "$name: $kind: ZGLV/VERSION $v, L file $lv" \
	    "[ \"\$(xmllint --xpath 'string(/ZL_LIST/ZGLV/VERSION)' '$f')\" = $v ] &&
	     [ \"\$(xmllint --xpath 'string(/PERS_LIST/ZGLV/VERSION)' '$lf')\" = $lv ]"
	if [ "$kind" = DP ] && [ ! -f "$XSD/$sch.xsd" ]; then
		ntest=$((ntest + 1))
		echo "ok $ntest - $name: DP valid against xsd/$sch.xsd # SKIP no xsd/$sch.xsd in this tree"
	else
		check "$name: $kind valid against xsd/$sch.xsd" \
		    "xmllint --noout --schema '$XSD/$sch.xsd' '$f' 2>/dev/null"
	fi
	check "$name: its L file valid against xsd/L-$lv.xsd" \
	    "xmllint --noout --schema '$XSD/L-$lv.xsd' '$lf' 2>/dev/null"
}

# run_checks NAME: the export refused nothing but by OMS.KSG.CODE, checked
# every record against a schema, and wrote H, C, T and DP
run_checks() {
	name=$1
	check "$name: the export wrote the four registries" \
	    "[ \"\$(cut -f7 '$TMP/$name.reg' | tail -n +2 | sort | tr '\n' ' ')\" = 'C DP H T ' ]"
	check "$name: no schema error, no problem but OMS.KSG.CODE" \
	    "! grep -v -e 'OMS.KSG.CODE' -e 'account(s) left out' -e 'no schema for D-3.1' \
	    -e 'rule(s) not in force: no reference table' -e ': warning: account ' \
	    '$TMP/$name.err' | grep -q . &&
	     ! grep -q ': xsd: ' '$TMP/$name.err'"
}

# 2019-06: everything 3.1, the persons files too (3.2 from 2019-11)
run r2019 2019-06
run_checks r2019
for k in H C T; do kind_checks r2019 $k 3.1 3.1; done
# the D files' 3.1 of order 285 (the edition of 2019-01)
kind_checks r2019 DP 3.1 3.1 D-3.1-2019-01
# 2021-04: the period of the public samples; still 3.1 but L
run r2021 2021-04
run_checks r2021
for k in H C T; do kind_checks r2021 $k 3.1 3.2; done
# the D files' 3.1 as amended from 2020-04 (USL/PRVS, no NAZ_IDDOKT)
kind_checks r2021 DP 3.1 3.2 D-3.1-2020-04
# 2023-06: H 3.2 by the table; C and T 3.2 by oms.conf; DP 3.1 (the D
# files had no 3.2 or 4.0)
run r2023 2023-06 C=3.2 T=3.2
run_checks r2023
for k in H C T; do kind_checks r2023 $k 3.2 3.2; done
kind_checks r2023 DP 3.1 3.2
# 2024-06: H, C 4.0 by the table; T 4.0 by oms.conf; DP 3.1
run r2024 2024-06 T=4.0
run_checks r2024
for k in H C T; do kind_checks r2024 $k 4.0 3.2; done
kind_checks r2024 DP 3.1 3.2
# 2025-03 and 2026-10: every kind 5.0, then 5.1
run r2025 2025-03
run_checks r2025
for k in H C T DP; do kind_checks r2025 $k 5.0 3.2; done
run r2026 2026-10
run_checks r2026
for k in H C T DP; do kind_checks r2026 $k 5.1 3.2; done

check 'without an override, T 2024-06 is 3.1 and C 2023-06 is 3.1' \
    'ws=$(newws rt conf) &&
     oms-gen -s 2 -n 20 -m 1 -p 2024-06 --kinds C,T -o "$ws/source" 2>/dev/null &&
     oms-gen -s 2 -n 20 -m 1 -p 2023-06 --kinds C -o "$ws/s2" 2>/dev/null &&
     [ "$(grep -ho "<VERSION>[^<]*" "$ws"/source/TM*.xml "$ws"/s2/CM*.xml | sort -u)" = "<VERSION>3.1" ]'

# ------------------------------------------------- 3.1 files of 2021
#
# Shaped like the public 3.1 samples of 2021 (USL/PRVS and CODE_MD, NPOLIS
# without ENP, LPU_1 and PODR, SMO_OGRN/SMO_OK/SMO_NAM, an L file of 3.2);
# every name and number is made up.

ws=$(newws old conf)
mkdir -p "$ws/source"
to1251() { iconv -f utf-8 -t windows-1251 >"$1"; }

to1251 "$ws/source/HM760001T76_21041.xml" <<'EOF'
<?xml version="1.0" encoding="windows-1251"?>
<ZL_LIST>
	<ZGLV>
		<VERSION>3.1</VERSION>
		<DATA>2021-05-03</DATA>
		<FILENAME>HM760001T76_21041</FILENAME>
		<SD_Z>1</SD_Z>
	</ZGLV>
	<SCHET>
		<CODE>101</CODE>
		<CODE_MO>760001</CODE_MO>
		<YEAR>2021</YEAR>
		<MONTH>4</MONTH>
		<NSCHET>101</NSCHET>
		<DSCHET>2021-05-03</DSCHET>
		<PLAT>76</PLAT>
		<SUMMAV>612.40</SUMMAV>
		<COMENTS>МИС</COMENTS>
	</SCHET>
	<ZAP>
		<N_ZAP>1</N_ZAP>
		<PR_NOV>0</PR_NOV>
		<PACIENT>
			<ID_PAC>9001</ID_PAC>
			<VPOLIS>3</VPOLIS>
			<NPOLIS>7600000000000018</NPOLIS>
			<SMO>76001</SMO>
			<NOVOR>0</NOVOR>
		</PACIENT>
		<Z_SL>
			<IDCASE>71</IDCASE>
			<USL_OK>3</USL_OK>
			<VIDPOM>12</VIDPOM>
			<FOR_POM>3</FOR_POM>
			<LPU>760001</LPU>
			<DATE_Z_1>2021-04-06</DATE_Z_1>
			<DATE_Z_2>2021-04-06</DATE_Z_2>
			<RSLT>314</RSLT>
			<ISHOD>304</ISHOD>
			<SL>
				<SL_ID>OLD-H-0001</SL_ID>
				<LPU_1>1</LPU_1>
				<PODR>12</PODR>
				<PROFIL>97</PROFIL>
				<DET>0</DET>
				<P_CEL>1.0</P_CEL>
				<NHISTORY>9001</NHISTORY>
				<DATE_1>2021-04-06</DATE_1>
				<DATE_2>2021-04-06</DATE_2>
				<DS1>J06.9</DS1>
				<C_ZAB>1</C_ZAB>
				<PRVS>76</PRVS>
				<VERS_SPEC>V021</VERS_SPEC>
				<IDDOKT>112-233-445 95</IDDOKT>
				<ED_COL>1.00</ED_COL>
				<TARIF>612.40</TARIF>
				<SUM_M>612.40</SUM_M>
				<USL>
					<IDSERV>1</IDSERV>
					<LPU>760001</LPU>
					<LPU_1>1</LPU_1>
					<PODR>12</PODR>
					<PROFIL>97</PROFIL>
					<DET>0</DET>
					<DATE_IN>2021-04-06</DATE_IN>
					<DATE_OUT>2021-04-06</DATE_OUT>
					<DS>J06.9</DS>
					<CODE_USL>B01.047.001</CODE_USL>
					<KOL_USL>1.00</KOL_USL>
					<TARIF>612.40</TARIF>
					<SUMV_USL>612.40</SUMV_USL>
					<PRVS>76</PRVS>
					<CODE_MD>112-233-445 95</CODE_MD>
				</USL>
			</SL>
			<IDSP>29</IDSP>
			<SUMV>612.40</SUMV>
		</Z_SL>
	</ZAP>
</ZL_LIST>
EOF

to1251 "$ws/source/CM760001T76_21041.xml" <<'EOF'
<?xml version="1.0" encoding="windows-1251"?>
<ZL_LIST>
	<ZGLV>
		<VERSION>3.1</VERSION>
		<DATA>2021-05-03</DATA>
		<FILENAME>CM760001T76_21041</FILENAME>
		<SD_Z>1</SD_Z>
	</ZGLV>
	<SCHET>
		<CODE>102</CODE>
		<CODE_MO>760001</CODE_MO>
		<YEAR>2021</YEAR>
		<MONTH>4</MONTH>
		<NSCHET>102</NSCHET>
		<DSCHET>2021-05-03</DSCHET>
		<PLAT>76</PLAT>
		<SUMMAV>790.10</SUMMAV>
	</SCHET>
	<ZAP>
		<N_ZAP>1</N_ZAP>
		<PR_NOV>0</PR_NOV>
		<PACIENT>
			<ID_PAC>9002</ID_PAC>
			<VPOLIS>3</VPOLIS>
			<NPOLIS>7600000000000026</NPOLIS>
			<SMO>76002</SMO>
			<NOVOR>0</NOVOR>
		</PACIENT>
		<Z_SL>
			<IDCASE>72</IDCASE>
			<USL_OK>3</USL_OK>
			<VIDPOM>13</VIDPOM>
			<FOR_POM>3</FOR_POM>
			<LPU>760001</LPU>
			<DATE_Z_1>2021-04-08</DATE_Z_1>
			<DATE_Z_2>2021-04-08</DATE_Z_2>
			<RSLT>314</RSLT>
			<ISHOD>304</ISHOD>
			<SL>
				<SL_ID>OLD-C-0001</SL_ID>
				<LPU_1>1</LPU_1>
				<PODR>26</PODR>
				<PROFIL>60</PROFIL>
				<DET>0</DET>
				<P_CEL>2.3</P_CEL>
				<NHISTORY>9002</NHISTORY>
				<DATE_1>2021-04-08</DATE_1>
				<DATE_2>2021-04-08</DATE_2>
				<DS1>C44.3</DS1>
				<C_ZAB>2</C_ZAB>
				<DS_ONK>0</DS_ONK>
				<CONS>
					<PR_CONS>0</PR_CONS>
				</CONS>
				<ONK_SL>
					<DS1_T>6</DS1_T>
				</ONK_SL>
				<PRVS>41</PRVS>
				<VERS_SPEC>V021</VERS_SPEC>
				<IDDOKT>112-233-445 95</IDDOKT>
				<ED_COL>1.00</ED_COL>
				<TARIF>790.10</TARIF>
				<SUM_M>790.10</SUM_M>
				<USL>
					<IDSERV>1</IDSERV>
					<LPU>760001</LPU>
					<LPU_1>1</LPU_1>
					<PODR>26</PODR>
					<PROFIL>60</PROFIL>
					<DET>0</DET>
					<DATE_IN>2021-04-08</DATE_IN>
					<DATE_OUT>2021-04-08</DATE_OUT>
					<DS>C44.3</DS>
					<CODE_USL>B01.027.001</CODE_USL>
					<KOL_USL>1.00</KOL_USL>
					<TARIF>790.10</TARIF>
					<SUMV_USL>790.10</SUMV_USL>
					<PRVS>41</PRVS>
					<CODE_MD>112-233-445 95</CODE_MD>
				</USL>
			</SL>
			<IDSP>28</IDSP>
			<SUMV>790.10</SUMV>
		</Z_SL>
	</ZAP>
</ZL_LIST>
EOF

to1251 "$ws/source/TM760001T76_21041.xml" <<'EOF'
<?xml version="1.0" encoding="windows-1251"?>
<ZL_LIST>
  <ZGLV>
    <VERSION>3.1</VERSION>
    <DATA>2021-05-03</DATA>
    <FILENAME>TM760001T76_21041</FILENAME>
    <SD_Z>1</SD_Z>
  </ZGLV>
  <SCHET>
    <CODE>103</CODE>
    <CODE_MO>760001</CODE_MO>
    <YEAR>2021</YEAR>
    <MONTH>4</MONTH>
    <NSCHET>04ВМП/2021</NSCHET>
    <DSCHET>2021-05-03</DSCHET>
    <PLAT>76</PLAT>
    <SUMMAV>151340</SUMMAV>
  </SCHET>
  <ZAP>
    <N_ZAP>1</N_ZAP>
    <PR_NOV>0</PR_NOV>
    <PACIENT>
      <ID_PAC>9003</ID_PAC>
      <VPOLIS>3</VPOLIS>
      <NPOLIS>7600000000000034</NPOLIS>
      <SMO>76001</SMO>
      <SMO_OGRN>1027600000011</SMO_OGRN>
      <SMO_OK>78000</SMO_OK>
      <SMO_NAM>СК &quot;ТЕСТ-МЕД&quot;</SMO_NAM>
      <NOVOR>0</NOVOR>
    </PACIENT>
    <Z_SL>
      <IDCASE>73</IDCASE>
      <USL_OK>1</USL_OK>
      <VIDPOM>32</VIDPOM>
      <FOR_POM>3</FOR_POM>
      <NPR_MO>760002</NPR_MO>
      <NPR_DATE>2021-03-22</NPR_DATE>
      <LPU>760001</LPU>
      <DATE_Z_1>2021-04-05</DATE_Z_1>
      <DATE_Z_2>2021-04-14</DATE_Z_2>
      <KD_Z>9</KD_Z>
      <RSLT>101</RSLT>
      <ISHOD>101</ISHOD>
      <SL>
        <SL_ID>OLD-T-0001</SL_ID>
        <VID_HMP>14.00.1.001</VID_HMP>
        <METOD_HMP>451</METOD_HMP>
        <LPU_1>1</LPU_1>
        <PODR>42</PODR>
        <PROFIL>81</PROFIL>
        <PROFIL_K>9</PROFIL_K>
        <DET>0</DET>
        <TAL_D>2021-03-30</TAL_D>
        <TAL_NUM>76.0000.00001.001</TAL_NUM>
        <TAL_P>2021-04-05</TAL_P>
        <NHISTORY>4848/21</NHISTORY>
        <DATE_1>2021-04-05</DATE_1>
        <DATE_2>2021-04-14</DATE_2>
        <DS0>I25.1</DS0>
        <DS1>I25.1</DS1>
        <DS_ONK>0</DS_ONK>
        <PRVS>67</PRVS>
        <VERS_SPEC>V021</VERS_SPEC>
        <IDDOKT>112-233-445 95</IDDOKT>
        <ED_COL>1</ED_COL>
        <TARIF>151340</TARIF>
        <SUM_M>151340</SUM_M>
        <USL>
          <IDSERV>1</IDSERV>
          <LPU>760001</LPU>
          <LPU_1>1</LPU_1>
          <PODR>42</PODR>
          <PROFIL>81</PROFIL>
          <DET>0</DET>
          <DATE_IN>2021-04-05</DATE_IN>
          <DATE_OUT>2021-04-14</DATE_OUT>
          <DS>I25.1</DS>
          <CODE_USL>A16.12.004</CODE_USL>
          <KOL_USL>1</KOL_USL>
          <TARIF>151340</TARIF>
          <SUMV_USL>151340</SUMV_USL>
          <PRVS>67</PRVS>
          <CODE_MD>112-233-445 95</CODE_MD>
        </USL>
      </SL>
      <IDSP>33</IDSP>
      <SUMV>151340</SUMV>
    </Z_SL>
  </ZAP>
</ZL_LIST>
EOF

# the persons: one L file of 3.2 per cases file
pers() {	# pers LNAME NAME ID_PAC FAM IM OT W DR
	to1251 "$ws/source/$1.xml" <<EOF
<?xml version="1.0" encoding="windows-1251"?>
<PERS_LIST>
	<ZGLV>
		<VERSION>3.2</VERSION>
		<DATA>2021-05-03</DATA>
		<FILENAME>$1</FILENAME>
		<FILENAME1>$2</FILENAME1>
	</ZGLV>
	<PERS>
		<ID_PAC>$3</ID_PAC>
		<FAM>$4</FAM>
		<IM>$5</IM>
		<OT>$6</OT>
		<W>$7</W>
		<DR>$8</DR>
		<DOCTYPE>14</DOCTYPE>
		<DOCSER>76 00</DOCSER>
		<DOCNUM>000001</DOCNUM>
		<DOCDATE>2010-01-01</DOCDATE>
		<DOCORG>ОТДЕЛ ТЕСТОВ</DOCORG>
		<SNILS>112-233-445 95</SNILS>
	</PERS>
</PERS_LIST>
EOF
}
pers LM760001T76_21041 HM760001T76_21041 9001 ПРОБНОВ ПЁТР ИВАНОВИЧ 1 1960-02-03
pers LCM760001T76_21041 CM760001T76_21041 9002 ОПЫТНОВА ИРИНА ПЕТРОВНА 2 1955-07-11
pers LTM760001T76_21041 TM760001T76_21041 9003 ТЕСТОВ ОЛЕГ СЕРГЕЕВИЧ 1 1949-12-30

for c in strict onk early; do		# the same files, for later
	cp -R "$ws" "$TMP/old-$c"
done

oms-select -C "$ws" -p 2021-04 >"$TMP/old.sel"
check 'the 3.1 files of 2021 are read: one H, one C, one T account' \
    '[ "$(cut -f3 "$TMP/old.sel" | tail -n +2 | sort | tr "\n" " ")" = "C H T " ]'
oms-export -C "$ws" --date 2021-05-04 <"$TMP/old.sel" >"$TMP/old.reg" \
    2>"$TMP/old.err"; rc=$?
# (but the rules whose reference tables ref/ lacks are said not in force)
check 'they are checked and sent again, without a problem' \
    '[ $rc -eq 0 ] && ! grep -v "rule(s) not in force: no reference table" "$TMP/old.err" | grep -q .'
check '... each in the version its period and kind call for: 3.1' \
    '[ "$(tail -n +2 "$TMP/old.reg" | cut -f7,9 | sort | tr "\t\n" ": ")" = "C:3.1 H:3.1 T:3.1 " ]'
mkdir "$TMP/old.x"
for a in "$ws"/outbox/*; do (cd "$TMP/old.x" && unzip -qo "$a"); done
check '... valid against xsd/H-3.1, C-3.1, T-3.1 and L-3.2' \
    'for k in H C T; do
        xmllint --noout --schema "$XSD/$k-3.1.xsd" "$TMP"/old.x/${k}M*.XML 2>/dev/null || exit 1
     done &&
     for f in "$TMP"/old.x/L*.XML; do
        xmllint --noout --schema "$XSD/L-3.2.xsd" "$f" 2>/dev/null || exit 1
     done'
check '... keeping USL/PRVS and CODE_MD, NPOLIS and the T voucher' \
    '[ "$(xmllint --xpath "string(//USL/CODE_MD)" "$TMP"/old.x/HM*.XML)" = "112-233-445 95" ] &&
     [ "$(xmllint --xpath "string(//PACIENT/NPOLIS)" "$TMP"/old.x/CM*.XML)" = 7600000000000026 ] &&
     [ "$(xmllint --xpath "string(//SL/TAL_NUM)" "$TMP"/old.x/TM*.XML)" = 76.0000.00001.001 ]'

# the same H file sent as 3.2 is refused by the schema of 3.2
ws=$TMP/old-strict
echo 'version.H = 3.2' >>"$ws/oms.conf"
oms-select -C "$ws" -p 2021-04 -k H >"$TMP/strict.sel"
expect_exit 'a 3.1 H case sent as 3.2 is refused: USL/PRVS is not 3.2' 1 \
    "account OLD-H-0001: xsd: .*'PRVS': This element is not expected" \
    oms-export -C "$ws" --date 2021-05-04 "$TMP/strict.sel"

# DS_ONK belongs to C, T and D files: in an H case the schema refuses it
ws=$TMP/old-onk
sed 's|<C_ZAB>1</C_ZAB>|<C_ZAB>1</C_ZAB><DS_ONK>0</DS_ONK>|' \
    "$ws/source/HM760001T76_21041.xml" >"$TMP/h.xml" &&
    mv "$TMP/h.xml" "$ws/source/HM760001T76_21041.xml"
oms-select -C "$ws" -p 2021-04 -k H >"$TMP/onk.sel"
expect_exit 'an H case with DS_ONK is refused, naming the element' 1 \
    "account OLD-H-0001: xsd: .*'DS_ONK': This element is not expected" \
    oms-export -C "$ws" --date 2021-05-04 "$TMP/onk.sel"

# a period the table has no row for: an error that says what to do
ws=$TMP/old-early
mkdir -p "$ws/ref"
printf 'kind\tfrom\tversion\nH\t2022-01\t3.2\nL\t2019-11\t3.2\n' >"$ws/ref/versions.tsv"
oms-select -C "$ws" -p 2021-04 -k H >"$TMP/early.sel"
expect_exit 'no row of the table for the period: refused, saying what to do' 1 \
    'no format version of kind H for 2021-04 in ref/versions.tsv: add a row, or set version.H in oms.conf' \
    oms-export -C "$ws" --date 2021-05-04 "$TMP/early.sel"
printf 'kind\tfrom\tversion\nH\t2019-1\t3.1\n' >"$ws/ref/versions.tsv"
expect_exit 'a bad row of the table names its file and line' 1 \
    'ref/versions.tsv:2: from "2019-1": expected a reporting period YYYY-MM' \
    oms-export -C "$ws" --date 2021-05-04 "$TMP/early.sel"

done_testing
