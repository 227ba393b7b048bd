#!/bin/sh
# oms-nsi: every catalog layout of examples/nsi into its columns and
# dates; the example packets hold every code oms-gen writes; unknown
# layouts and missing fields refused with file:line; a bad packet leaves
# the old table; oms-invoice takes the insurers' requisites from a
# converted F002 and minds when an insurer left the register
cd "${0%/*}" && . ./lib.sh
plan 37

ex=../../examples/nsi
ref=$TMP/ref

# --- every example packet, each into dir/CODE.tsv
oms-nsi -v -d "$ref" "$ex"/*.xml 2>"$TMP/conv.err"; rc=$?
check 'oms-nsi -d converts every example packet into CODE.tsv (dir made), exit 0' \
    '[ $rc -eq 0 ] && [ "$(ls "$ref" | wc -l)" -eq "$(ls "$ex"/*.xml | wc -l)" ] &&
     for f in "$ex"/*.xml; do b=${f##*/}; [ -s "$ref/${b%.xml}.tsv" ] || exit 1; done'
check '... and -v says the catalog and the count of each' \
    'grep -q "V009.xml: V009, 8 record(s) written to .*/V009.tsv" "$TMP/conv.err" &&
     grep -q "F002.xml: F002, 9 record(s)" "$TMP/conv.err"'
for f in "$ref"/*.tsv; do b=${f##*/}; printf '%s\t%s\n' "${b%.tsv}" "$(head -1 "$f")"; done \
    >"$TMP/heads"
cat >"$TMP/heads.want" <<'EOF'
F002	code	name	short	inn	kpp	ogrn	address	post_address	okato	from	to
F008	code	name	from	to
F010	code	name	from	to	kod_tf
F011	code	name	from	to	docser	docnum
F032	code	name	from	to	oktmo
M001	code	name	from	to	actual
M002	code	name	from	to	icd10	icdo	tnm7	tnm8
N001	code	name	from	to
N002	code	name	from	to	ds
N003	code	name	from	to	ds
N004	code	name	from	to	ds
N005	code	name	from	to	ds
N007	code	name	from	to
N008	code	name	from	to	mrf
N010	code	name	from	to
N011	code	name	from	to	igh
N013	code	name	from	to
N014	code	name	from	to
N015	code	name	from	to
N016	code	name	from	to
N017	code	name	from	to
N018	code	name	from	to
N019	code	name	from	to
N020	code	name	from	to
N021	code	name	from	to	code_sh	id_lekp	id_zap
O002	code	name	from	to
V002	code	name	from	to
V005	code	name	from	to
V006	code	name	from	to
V008	code	name	from	to
V009	code	name	from	to	usl_ok
V010	code	name	from	to
V012	code	name	from	to	usl_ok
V014	code	name	from	to
V016	code	name	from	to
V017	code	name	from	to
V018	code	name	from	to
V019	code	name	from	to	hvid	diag
V020	code	name	from	to
V021	code	name	from	to
V023	code	name	from	to	koef_z
V024	code	name	from	to
V025	code	name	from	to
V026	code	name	from	to	koef_z
V027	code	name	from	to
V028	code	name	from	to
V029	code	name	from	to
EOF
check 'each catalog has its columns: code name from to and its second keys' \
    'diff -u "$TMP/heads.want" "$TMP/heads" >&2'
check 'V009 (windows-1251): the code as written, the name, ISO dates, usl_ok' \
    'grep -qx "101	Выписан (пример)	2011-01-01		1" "$ref/V009.tsv" &&
     grep -qx "399	Устаревший результат (пример)	2011-01-01	2018-12-31	3" "$ref/V009.tsv"'
check 'codes stay as the registry writes them: V025 1.0, V016 ДВ4, F010 by OKATO' \
    'grep -q "^1\.0	" "$ref/V025.tsv" && grep -q "^ДВ4	" "$ref/V016.tsv" &&
     grep -qx "78000	Ярославская область	2011-01-01		76" "$ref/F010.tsv"'
check 'F011 (IDDoc) is told from F008 (IDDOC); O002 glues its 11-digit code' \
    'grep -qx "14	Паспорт гражданина РФ (пример)	2011-01-01		99 99	0999999" "$ref/F011.tsv" &&
     grep -qx "3	Полис единого образца (пример)	2011-01-01	" "$ref/F008.tsv" &&
     grep -qx "78401000000	Ярославль (пример)	2011-01-01	" "$ref/O002.tsv"'
check 'N008 (which holds N007 key too) and N002 keep their second keys' \
    'grep -qx "2	Результат, пример 2	2018-09-01		1" "$ref/N008.tsv" &&
     grep -qx "1	I	2018-09-01		C16" "$ref/N002.tsv"'
check 'N021: the code is what REGNUM_DOP names, ID_LEKP_EXT (ID_LEKP without it), not ID_ZAP' \
    'grep -qx "000074.002		2025-01-01		sh9002	000074	3" "$ref/N021.tsv" &&
     grep -qx "000074		2018-09-01	2024-12-31	sh9001	000074	2" "$ref/N021.tsv" &&
     ! grep -q "^[123]	" "$ref/N021.tsv"'
check 'V023 and V026: the KSG and KPG codes with their KOEF_Z' \
    'grep -qx "st13.001	.* (пример)	2024-01-01		1.42" "$ref/V023.tsv" &&
     grep -qx "kpg02	КПГ, пример 2	2024-01-01		1.12" "$ref/V026.tsv"'
check 'M002 from the book layout: ICD-10 code, its ICD-O topography, the TNM editions' \
    'grep -qx "5				C43.5	C44.5	true	true" "$ref/M002.tsv"'
printf '<book><entries>\n<entry><ICD10>C50.4</ICD10><ICDOTopography>C50.4</ICDOTopography></entry>\n</entries></book>\n' >"$TMP/M002-noid.xml"
printf 'code\tname\tfrom\tto\ticd10\ticdo\ttnm7\ttnm8\nC50.4\t\t\t\tC50.4\tC50.4\t\t\n' >"$TMP/M002-noid.want"
expect_out 'an M002 entry without ID takes its ICD-10 code as the code' "$TMP/M002-noid.want" \
    oms-nsi "$TMP/M002-noid.xml"
check 'M001 from the book layout: no dates, ACTUAL kept' \
    'grep -qx "I10	Эссенциальная гипертензия (пример)			1" "$ref/M001.tsv" &&
     grep -q "^U99.9	.*	0$" "$ref/M001.tsv"'
check 'F002 (ЕРСМО layout): requisites, addresses with their index, validity' \
    'grep -qx "76003	АО «Страховая компания Пример-3» (пример)	СК «Пример-3» (пример)	7600000333	760402333	1027600000033	150004, Ярославская обл., г. Ярославль, ул. Условная, д. 5	150004, Ярославская обл., г. Ярославль, ул. Условная, д. 5	78000	2011-01-01	2023-06-30" "$ref/F002.tsv"'
expect_out 'standard input (-) gives the same table' "$ref/V012.tsv" \
    sh -c "oms-nsi - <'$ex/V012.xml'"
oms-nsi -l >"$TMP/list"
check '-l lists every catalog with its record element and key' \
    'grep -qx "F002	packet/insCompany	smocod	code name short inn kpp ogrn address post_address okato from to" "$TMP/list" &&
     grep -qx "V009	packet/zap	IDRMP	code name from to usl_ok" "$TMP/list" &&
     grep -qx "M001	book/entries/entry	MKB_CODE	code name from to actual" "$TMP/list" &&
     grep -qx "M002	book/entries/entry	ICD10	code name from to icd10 icdo tnm7 tnm8" "$TMP/list"'

check 'oms-nsi(1) has a row for every catalog -l lists' \
    'for c in $(tail -n +2 "$TMP/list" | cut -f1); do
         grep -q "^\.It $c Ta " ../../man/oms-nsi.1 || grep -q "^\.It $c, " ../../man/oms-nsi.1 ||
             grep -q "^\.It [A-Z0-9 and]*$c" ../../man/oms-nsi.1 || { echo "$c" >&2; exit 1; }
     done'

# --- the packets hold every code oms-gen writes: with the tables, every
# kind of its files passes every catalog rule, none out of force
gws=$(newws gen conf)
oms-gen -s 5 -n 1000 -m 2 -p 2026-09 --kinds H,C,T,DP -o "$gws/source" 2>/dev/null
cp -R "$ref" "$gws/ref"
oms-select -C "$gws" -p 2026-10 >"$TMP/gen.due"
expect_exit 'oms-gen'"'"'s H, C, T and DP files pass the rules with the example tables' 0 '' \
    oms-export -n -C "$gws" "$TMP/gen.due"
check '... no catalog rule (001F) names a case, none is out of force' \
    '[ "$(tail -n +2 "$TMP/gen.due" | cut -f3 | sort -u | tr -d "\n")" = CDPHT ] &&
     ! grep -q "001F\.\|not in force" "$TMP/err"'
awk -F'\t' '$1 != "451"' "$ref/V019.tsv" >"$gws/ref/V019.tsv"
expect_exit '... with method 451 taken out of V019, its T cases are refused by 001F.00.0260' 1 \
    'account [-0-9a-f]+: 001F\.00\.0260: METOD_HMP .*"451"' \
    oms-export -n -C "$gws" "$TMP/gen.due"

# --- what is refused, with the file and line
sed 's/IDRMP/IDXYZ/g' "$ex/V009.xml" >"$TMP/V0XX.xml"
expect_exit 'an unknown layout is refused naming the file and line' 1 \
    '^oms-nsi: .*/V0XX.xml:7: unknown NSI layout: <zap> has IDXYZ, RMPNAME, DL_USLOV, DATEBEG, DATEEND; expected the key of a known catalog' \
    oms-nsi "$TMP/V0XX.xml"
sed 's/<smocod>76002<\/smocod>//' "$ex/F002.xml" >"$TMP/F002-nocode.xml"
expect_exit 'an insurer without smocod is refused at its record' 1 \
    'F002-nocode.xml:1[0-9]: <insCompany> without smocod \(the F002 code\)' \
    oms-nsi "$TMP/F002-nocode.xml"
sed '/<IDRMP>105</s/<DATEBEG>01.01.2011<\/DATEBEG>//' "$ex/V009.xml" >"$TMP/V009-nodate.xml"
expect_exit 'a record without DATEBEG is refused naming it' 1 \
    'V009-nodate.xml:9: <zap> without DATEBEG \(column from of V009\)' \
    oms-nsi "$TMP/V009-nodate.xml"
sed '/<ID>3</s/<ICD10>C18.7<\/ICD10>//' "$ex/M002.xml" >"$TMP/M002-noicd.xml"
expect_exit 'an M002 entry without ICD10 is refused naming it' 1 \
    'M002-noicd.xml:[0-9]+: <entry> without ICD10 \(column icd10 of M002\)' \
    oms-nsi "$TMP/M002-noicd.xml"
printf '<book><entries><entry><ID>1</ID><FOO>x</FOO></entry></entries></book>\n' >"$TMP/book.xml"
expect_exit 'an entry of neither book is refused naming both layouts' 1 \
    'book.xml:1: unknown NSI layout: <entry> has ID, FOO; expected MKB_CODE \(M001\) or ICD10 with ICDOTopography \(M002\)' \
    oms-nsi "$TMP/book.xml"
printf '<?xml version="1.0"?>\n<ZL_LIST><ZGLV/></ZL_LIST>\n' >"$TMP/h.xml"
expect_exit 'a file that is no packet is refused' 1 \
    'h.xml:2: root element <ZL_LIST> is not <packet> \(or <book>\)' oms-nsi "$TMP/h.xml"

# --- a damaged packet leaves the old table in place
cp "$ref/V009.tsv" "$TMP/V009.before"
mkdir -p "$TMP/cut"
head -c 700 "$ex/V009.xml" >"$TMP/cut/V009.xml"
expect_exit 'a packet cut short fails (-o)' 1 'V009.xml:[0-9]+: ' \
    oms-nsi -o "$ref/V009.tsv" "$TMP/cut/V009.xml"
check '... and the table is as it was, no temporary file left' \
    'cmp -s "$TMP/V009.before" "$ref/V009.tsv" && [ "$(ls -a "$ref" | grep -c "^\.")" -eq 2 ]'
expect_exit '... the same with -d, the other packets converted' 1 'cut/V009.xml:[0-9]+: ' \
    oms-nsi -d "$ref" "$TMP/cut/V009.xml" "$ex/V006.xml"
check '... the old V009 kept' 'cmp -s "$TMP/V009.before" "$ref/V009.tsv"'
expect_exit 'two packets of one catalog in one -d run: the second is refused' 1 \
    'a second V009 packet in one run' oms-nsi -d "$TMP" "$ex/V009.xml" "$ex/V009.xml"
expect_exit '-o and -d together are a usage error' 2 '^usage:' \
    oms-nsi -o x -d "$ref" "$ex/V009.xml"

# --- oms-invoice with the converted F002
ws=$(newws ws conf)
oms-gen -s 12 -n 60 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
cp -R "$ref" "$ws/ref"		# every catalog rule in force
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >/dev/null
# the fund is no insurer: F002 lacks it, its row is kept by hand
{ oms-nsi "$ex/F002.xml"; grep '^76000	' ../../ref/F002.tsv; } >"$ws/ref/F002.tsv"

sed '/<smocod>76002/,/<\/insCompany>/s|<d_end></d_end>|<d_end>31.05.2026</d_end>|' \
    "$ex/F002.xml" >"$TMP/F002-gone.xml"
oms-nsi "$TMP/F002-gone.xml" >"$TMP/F002-gone.tsv"
cp "$ws/ref/F002.tsv" "$TMP/F002.good"
{ cat "$TMP/F002-gone.tsv"; grep '^76000	' ../../ref/F002.tsv; } >"$ws/ref/F002.tsv"
expect_exit 'an insurer that left the register before the period gets no invoice: exit 1' 1 \
    'payer 76002: ref/F002.tsv says it left the insurers. register on 2026-05-31, before the period 2026-10: no invoice' \
    oms-invoice -C "$ws" -p 2026-10 --invoices "$TMP/docs0" --date 2026-11-12
check '... and nothing was issued or written' \
    '! grep -q "	invoice	" "$ws/ledger.tsv" && [ ! -e "$TMP/docs0" ]'
expect_exit '... the sums still print, with a warning' 0 \
    'warning: payer 76002: ref/F002.tsv says it left the insurers. register on 2026-05-31, before the period 2026-10' \
    oms-invoice -C "$ws" -p 2026-10

cp "$TMP/F002.good" "$ws/ref/F002.tsv"
oms-invoice -C "$ws" -p 2026-10 --invoices "$TMP/docs" --date 2026-11-12 \
    >"$TMP/inv" 2>"$TMP/inv.err"; rc=$?
f=$(ls "$TMP"/docs/*-76001-*.html 2>/dev/null)
check 'the invoice to 76001 carries its requisites from the converted F002' \
    '[ $rc -eq 0 ] && [ -n "$f" ] &&
     grep -q "Ярославский филиал ООО «Страховая медицинская компания Пример-1» (пример)" "$f" &&
     grep -q "ИНН / КПП плательщика</td><td>7600000111 / 760402111<" "$f" &&
     grep -q "ОГРН плательщика</td><td>1027600000011<" "$f" &&
     grep -q "150001, Ярославская обл., г. Ярославль, ул. Образцовая, д. 12" "$f" &&
     ! grep -q "7600000011 /" "$f"'
check '... every payer found, no warning' '[ ! -s "$TMP/inv.err" ]'

# left after the period, before the invoice date: the requisites of then
sed '/<smocod>76002/,/<\/insCompany>/s|<d_end></d_end>|<d_end>05.11.2026</d_end>|' \
    "$ex/F002.xml" | oms-nsi - >"$ws/ref/F002.tsv"
expect_exit 'an insurer that left after the period: a warning, its last requisites' 0 \
    'warning: payer 76002 left the insurers. register on 2026-11-05 \(ref/F002.tsv\), before 2026-11-12' \
    oms-invoice -C "$ws" -p 2026-10 --date 2026-11-12
done_testing
