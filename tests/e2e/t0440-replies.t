#!/bin/sh
# oms-import: the ФЛК protocols of other regions (ZAP/SL/OTKAZ with I_TYPE,
# names without the kind letter, FNAME_I with .xml), unknown elements where
# refusals can stand refused as a whole, and contradictions told once
cd "${0%/*}" && . ./lib.sh
plan 28

ws=$(newws ws conf)
oms-gen -s 21 -n 12 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
reg=$(awk -F'\t' '$7 == "H" { print $1 }' "$TMP/reg")
oms-fund -s 3 --flk 2 --refuse 2 --partial 1 -o "$TMP/in" "$harc" 2>/dev/null
cp -R "$ws" "$TMP/clean"
# the account at N_ZAP n of the H registry, from the ledger
acct() { awk -F'\t' -v r="$reg" -v n="$1" '$2 == "export" && $4 == r && $9 == n { print $3 }' "$ws/ledger.tsv"; }
fresh() { rm -rf "$ws" && cp -R "$TMP/clean" "$ws"; }

# An OTKAZ-layout protocol (Primorsky krai's fund): FLK_P with FNAME,
# FNAME_I (with .xml), SCHET, and a ZAP with SL/OTKAZ per refused record;
# named with V in place of the kind letter.
otkaz() {	# otkaz FILE N_ZAP CODE [EXTRA-IN-ZAP]
	cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<FLK_P>
 <FNAME>${1##*/}</FNAME>
 <FNAME_I>$reg.xml</FNAME_I>
 <SCHET><CODE>1</CODE><CODE_MO>760001</CODE_MO><YEAR>2026</YEAR><MONTH>10</MONTH></SCHET>
 <ZAP>
  <N_ZAP>$2</N_ZAP>$4
  <SL><SL_ID>x</SL_ID><IDCASE>$2</IDCASE><NHISTORY>1</NHISTORY>
   <OTKAZ><I_TYPE>$3</I_TYPE><COMMENT>synthetic</COMMENT></OTKAZ>
  </SL>
 </ZAP>
</FLK_P>
EOF
}

otkaz "$TMP/VM760001T76_26101.xml" 5 910
oms-import -C "$ws" "$TMP/VM760001T76_26101.xml" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'an OTKAZ-layout protocol named VM… is read as a ФЛК answer' \
    '[ $rc -eq 0 ] && [ "$(awk -F"\t" "NR > 1 && \$4 == \"flk\"" "$TMP/o" | wc -l)" -eq 11 ]'
check '... it refuses the account it names, with I_TYPE as the reason' \
    '[ "$(awk -F"\t" -v a="$(acct 5)" "\$1 == a { print \$5, \$9 }" "$TMP/o")" = "rejected 910" ]'
check '... and only that one' \
    '[ "$(awk -F"\t" "NR > 1 && \$5 != \"accepted\"" "$TMP/o" | wc -l)" -eq 1 ]'
check '... whose state is rejected' \
    'oms-select -C "$ws" -s rejected | grep -q "^$(acct 5)	"'

# the other names of ФЛК protocols: F in place of the kind letter, F + a
# name like the control answer's
fresh
otkaz "$TMP/FHT76M760001_26101.xml" 4 903
ok 'a protocol named F+kind+T76M… (as a control answer) is read' \
    oms-import -C "$ws" "$TMP/FHT76M760001_26101.xml"
check '... and refuses its record' 'oms-select -C "$ws" -s rejected | grep -q "^$(acct 4)	"'
fresh
otkaz "$TMP/FM760001T76_26101.xml" 4 903
ok 'a protocol named FM… is read' oms-import -C "$ws" "$TMP/FM760001T76_26101.xml"

# an element not known in the header, where no refusal stands: read, and
# with -v named
fresh
sed 's|<CODE>1</CODE>|<CODE>1</CODE><NOTE>x</NOTE>|' "$TMP/FM760001T76_26101.xml" >"$TMP/x" &&
    mv "$TMP/x" "$TMP/FM760001T76_26101.xml"
oms-import -C "$ws" "$TMP/FM760001T76_26101.xml" >/dev/null 2>"$TMP/e"; rc=$?
check 'an unknown element in SCHET is no reason to refuse, and is not told without -v' \
    '[ $rc -eq 0 ] && ! grep -q NOTE "$TMP/e"'
fresh
oms-import -v -C "$ws" "$TMP/FM760001T76_26101.xml" >/dev/null 2>"$TMP/e"
check '... with -v it is, naming file and line' \
    'grep -q "warning: .*FM760001T76_26101.xml:[0-9]*: <NOTE> in <SCHET> not read" "$TMP/e"'

# FNAME_I naming another registry than the name: refused
fresh
sed "s/<FNAME_I>$reg.xml</<FNAME_I>DPM760001T76_26102</" "$TMP/VM760001T76_26101.xml" >"$TMP/x" &&
    mv "$TMP/x" "$TMP/VM760001T76_26101.xml"
expect_exit 'a protocol whose FNAME_I is another registry is refused' 1 \
    'FNAME_I "DPM760001T76_26102" is not the registry HM760001T76_26101' \
    oms-import -C "$ws" "$TMP/VM760001T76_26101.xml"

# unknown elements where refusals can stand: the reply is refused whole
fresh
cp "$ws/ledger.tsv" "$TMP/ledger.0"
mkdir -p "$TMP/u"
otkaz "$TMP/u/VM760001T76_26101.xml" 5 910 '
  <REFUSAL>5</REFUSAL>'
expect_exit 'an unknown element inside an OTKAZ record is refused naming it' 1 \
    'VM760001T76_26101.xml:[0-9]+: <REFUSAL> in <ZAP> is not an element' \
    oms-import -C "$ws" "$TMP/u/VM760001T76_26101.xml"
unzip -p "$TMP/in/VHM760001T76_26101.zip" >"$TMP/u/flk.xml"
sed 's|<OSHIB>|<ERRCODE>9</ERRCODE><OSHIB>|' "$TMP/u/flk.xml" >"$TMP/u/VHM760001T76_26101.xml"
expect_exit 'an unknown element inside a PR is refused naming it' 1 \
    '<ERRCODE> in <PR> is not an element' \
    oms-import -C "$ws" "$TMP/u/VHM760001T76_26101.xml"
sed 's|<PR>|<OTKAZ><I_TYPE>1</I_TYPE></OTKAZ><PR>|' "$TMP/u/flk.xml" >"$TMP/u/VHM760001T76_26101.xml"
expect_exit 'an unknown element among the records of FLK_P is refused naming it' 1 \
    '<OTKAZ> in <FLK_P> is not an element' \
    oms-import -C "$ws" "$TMP/u/VHM760001T76_26101.xml"
(cd "$TMP/u" && unzip -q -o "$TMP/in/HT76M760001_26101.zip" &&
    sed '0,/<PR_NOV>/s|<PR_NOV>|<REFREASON>53</REFREASON><PR_NOV>|' HT76M760001_26101.XML >x &&
    mv x HT76M760001_26101.XML && rm -f HT76M760001_26101.zip &&
    zip -q HT76M760001_26101.zip HT76M760001_26101.XML)
expect_exit 'an unknown element inside a record of a control answer is refused naming it' 1 \
    'HT76M760001_26101.XML:[0-9]+: <REFREASON> in <ZAP> is not an element' \
    oms-import -C "$ws" "$TMP/u/HT76M760001_26101.zip"
(cd "$TMP/u" && rm -f HT* && unzip -q -o "$TMP/in/HT76M760001_26101.zip" &&
    awk '/^ <ZAP>/ && !done { z = 1 } z { blk = blk $0 "\n" } /^ <\/ZAP>/ && z { z = 0; done = 1 }
        /^<\/ZL_LIST>/ { printf "%s", blk } { print }' HT76M760001_26101.XML >x &&
    mv x HT76M760001_26101.XML && zip -q HT76M760001_26101.zip HT76M760001_26101.XML)
expect_exit 'a control answer naming a record twice is refused, naming it' 1 \
    'HT76M760001_26101.zip:[0-9]+: N_ZAP 1 twice' \
    oms-import -C "$ws" "$TMP/u/HT76M760001_26101.zip"
check '... and none of them changed the ledger' 'cmp -s "$TMP/ledger.0" "$ws/ledger.tsv"'
check '... or kept the file in archive/' '[ -z "$(ls "$ws/archive" 2>/dev/null)" ]'

# contradictions, each told once, naming file and record
fresh
oms-import -C "$ws" "$TMP/in/HT76M760001_26101.zip" >/dev/null 2>&1
otkaz "$TMP/VM760001T76_26101.xml" 1 910
oms-import -C "$ws" "$TMP/VM760001T76_26101.xml" >/dev/null 2>"$TMP/e"
check 'a ФЛК refusal of a record the control answer accepted is told, naming file and record' \
    'grep -q "VM760001T76_26101.xml: N_ZAP 1: account $(acct 1): this ФЛК protocol refuses it in registry $reg, but the control stage accepted it" "$TMP/e"'
check '... once' '[ "$(grep -c "ФЛК protocol refuses" "$TMP/e")" -eq 1 ]'
check '... and the later stage stands: the account stays accepted' \
    'oms-select -C "$ws" -s accepted | grep -q "^$(acct 1)	"'
check '... while --history shows the late ФЛК decision' \
    'oms-select -C "$ws" --history "$(acct 1)" | grep -q "flk	rejected	910	.*; does not count: a later stage stands$" &&
     oms-select -C "$ws" --history "$(acct 1)" | grep -q "control	accepted		.*; stands$"'
oms-analyze -C "$ws" -p 2026-10 >"$TMP/an"
check 'oms-analyze -p lists it in its contradiction rows' \
    '[ "$(awk -F"\t" "\$1 == \"contradiction\" && \$2 == \"flk-accepted\"" "$TMP/an" | wc -l)" -eq 1 ] &&
     grep -q "^contradiction	flk-accepted	счёт $(acct 1), реестр $reg, N_ZAP 1: " "$TMP/an"'
oms-analyze -C "$ws" -p 2026-10 --html "$TMP/an.html" >/dev/null
check '... and the HTML report shows it' 'grep -q "Противоречия" "$TMP/an.html" && grep -q "$(acct 1)" "$TMP/an.html"'

# a reply whose SUMV is not what we sent: refused whole (t0940 has more)
fresh
cp "$ws/ledger.tsv" "$TMP/ledger.0"
(cd "$TMP/u" && rm -f HT* && unzip -q -o "$TMP/in/HT76M760001_26101.zip" &&
    sed -e '0,/<SUMV>960.80</s|<SUMV>960.80<|<SUMV>999.80<|' \
        -e '0,/<SUMP>960.80</s|<SUMP>960.80<|<SUMP>999.80<|' HT76M760001_26101.XML >x &&
    mv x HT76M760001_26101.XML && zip -q HT76M760001_26101.zip HT76M760001_26101.XML)
oms-import -C "$ws" "$TMP/u/HT76M760001_26101.zip" >/dev/null 2>"$TMP/e"; rc=$?
check 'an answer claiming another sum than was sent is refused, naming N_ZAP and account, nothing changed' \
    '[ $rc -eq 1 ] && grep -q "HT76M760001_26101.zip:[0-9]*: N_ZAP 1 (account $(acct 1)): SUMV is not what registry $reg claimed, 960.80 (SUMV 999.80, SUMP 999.80)" "$TMP/e" &&
     cmp -s "$TMP/ledger.0" "$ws/ledger.tsv" && [ -z "$(ls "$ws/archive" 2>/dev/null)" ]'

# a decision on a registry the account has left since
fresh
oms-import -C "$ws" "$TMP/in/VHM760001T76_26101.zip" >/dev/null 2>&1
oms-analyze -C "$ws" -p 2026-10 -r | oms-requeue -C "$ws" >/dev/null 2>&1
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg2" 2>/dev/null
check 'the refused accounts went into a new registry' \
    '[ "$(awk -F"\t" "NR > 1" "$TMP/reg2" | wc -l)" -ge 1 ]'
otkaz "$TMP/VM760001T76_26101.xml" 2 910
oms-import -C "$ws" "$TMP/VM760001T76_26101.xml" >/dev/null 2>"$TMP/e"
check 'a decision on a registry the account has left is told once' \
    '[ "$(grep -c "N_ZAP 2: account $(acct 2) has left registry $reg" "$TMP/e")" -eq 1 ]'
check '... and leaves the account in flight in its new registry' \
    'oms-select -C "$ws" -s in-flight | grep -q "^$(acct 2)	"'
# decisions files read in any order give the same report
fresh
oms-import -C "$ws" "$TMP/in/VHM760001T76_26101.zip" >"$TMP/d.flk" 2>/dev/null
oms-import -C "$ws" "$TMP/in/HT76M760001_26101.zip" >"$TMP/d.ctl" 2>/dev/null
oms-analyze "$TMP/d.flk" "$TMP/d.ctl" >"$TMP/a1" 2>/dev/null
oms-analyze "$TMP/d.ctl" "$TMP/d.flk" >"$TMP/a2" 2>/dev/null
check 'oms-analyze of decisions files: the same report in either order' \
    '[ -s "$TMP/a1" ] && cmp -s "$TMP/a1" "$TMP/a2" &&
     grep -q "^stage	control	" "$TMP/a1" && grep -q "^stage	flk	" "$TMP/a1"'
done_testing
