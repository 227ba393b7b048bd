#!/bin/sh
# oms-import: the fast scanner of answers (lib/xscan.c) and libxml2
# (OMS_XSCAN=0) give the same output, messages, exit status, ledger and
# archive/ for the answers oms-fund writes and for variants of them that
# the scanner must read (comments, blanks, references), doubt (CRLF,
# CDATA, a DOCTYPE, an attribute, 0x98) or hand to libxml2 after a
# handler refused something (sums, split text, an unknown element)
cd "${0%/*}" && . ./lib.sh

ws=$(newws ws conf)
oms-gen -s 21 -n 30 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
darc=$ws/$(awk -F'\t' '$7 == "D" { print $2 }' "$TMP/reg")
oms-fund -s 5 --refuse 4 --partial 3 --demand-refuse 2 -o "$TMP/in" \
    "$harc" 2>/dev/null
cp -R "$ws" "$TMP/clean"
ctl=$(cd "$TMP/in" && ls | grep -E '^HT.*[0-9]\.zip$' | head -1)
dem=$(cd "$TMP/in" && ls | grep -E '^HS.*\.zip$' | head -1)
base=${ctl%.zip}
mkdir "$TMP/x"
(cd "$TMP/x" && unzip -q "$TMP/in/$ctl")
xml=$(ls "$TMP/x")

# variant NAME SED-SCRIPT: the control answer edited, as a ZIP and bare
variant() {
	mkdir -p "$TMP/v/$1"
	LC_ALL=C sed "$2" "$TMP/x/$xml" >"$TMP/v/$1/$xml"
	(cd "$TMP/v/$1" && zip -qX "$base.zip" "$xml")
}
variant plain ''
variant comments 's|<ZAP>|<!-- z --><ZAP><?pi x?>|'
variant refs 's|<N_ZAP>1</N_ZAP>|<N_ZAP>\&#49;</N_ZAP>|; s|<PR_NOV>0<|<PR_NOV>\&#x30;\&amp;<|; s|<SCHET>|<SCHET>\&lt;\&gt;\&quot;\&apos;|'
variant blanks 's|<ZAP>|<ZAP\n  >|; s|</ZAP>|</ZAP\n>|; s|<N_ZAP>|<N_ZAP >|'
variant crlf 's|$|\r|'
variant cdata 's|<PR_NOV>0</PR_NOV>|<PR_NOV><![CDATA[0]]></PR_NOV>|'
variant doctype '1a<!DOCTYPE ZL_LIST>'
variant attr 's|<ZAP>|<ZAP a="1">|'
variant b98 's|<SCHET>|<SCHET>\x98|'
variant unknown 's|<CODE_MO>|<NOTE>x</NOTE><CODE_MO>|'
variant sums 's|<SUMV>\([0-9]*\)\.|<SUMV>9\1.|'
variant split 's|<SUMV>\([0-9]\)|<SUMV>\1<!-- c -->|'
variant tag 's|</PR_NOV>|</PR_NOVX>|'
variant after '$a<ZAP/>'
variant entity 's|<PR_NOV>0<|<PR_NOV>\&nbsp;<|'
variant badzap 's|<N_ZAP>1</N_ZAP>|<N_ZAP>99999</N_ZAP>|'
variant truncated '$d'
# the same answer in UTF-8, and with a byte order mark
utf8() {	# utf8 NAME PREFIX
	mkdir -p "$TMP/v/$1"
	{ printf "$2"; sed '1s/windows-1251/UTF-8/' "$TMP/x/$xml" |
	    iconv -f windows-1251 -t UTF-8; } >"$TMP/v/$1/$xml"
	(cd "$TMP/v/$1" && zip -qX "$base.zip" "$xml")
}
utf8 utf8 ''
utf8 utf8bom '\357\273\277'

n=0
for v in $(cd "$TMP/v" && ls); do
	for f in "$base.zip" "$xml"; do
		n=$((n + 1))
	done
done
plan $((n + 3))

# run MODE FILE OUT: import FILE into a fresh workspace, everything into OUT
run() {
	rm -rf "$ws" && cp -R "$TMP/clean" "$ws"
	mkdir -p "$3"
	OMS_XSCAN=$1 oms-import -v -C "$ws" "$2" >"$3/out" 2>"$3/err"
	echo $? >"$3/rc"
	cut -f2- "$ws/ledger.tsv" >"$3/ledger"
	(cd "$ws" && find archive -type f 2>/dev/null | sort | xargs -r sha256sum) >"$3/archive"
	sed "s|$TMP|TMP|g" "$3/err" >"$3/err.x" && mv "$3/err.x" "$3/err"
}

same() {	# same DIR-A DIR-B
	for f in out err rc ledger archive; do
		cmp -s "$1/$f" "$2/$f" || { diff -u "$1/$f" "$2/$f" | head -20 >&2; return 1; }
	done
}

for v in $(cd "$TMP/v" && ls); do
	for f in "$base.zip" "$xml"; do
		run 0 "$TMP/v/$v/$f" "$TMP/r/$v/$f/slow"
		run 1 "$TMP/v/$v/$f" "$TMP/r/$v/$f/fast"
		ok "$v ($f): the same with the scanner as with libxml2 (rc $(cat "$TMP/r/$v/$f/slow/rc"))" \
		    same "$TMP/r/$v/$f/slow" "$TMP/r/$v/$f/fast"
	done
done

check 'the plain answer, and those with comments, blanks, CRLF, CDATA, an attribute, an unknown element, references, are imported' \
    'for v in plain comments blanks crlf cdata attr unknown refs utf8 utf8bom; do [ "$(cat "$TMP/r/$v/$base.zip/fast/rc")" = 0 ] && [ -s "$TMP/r/$v/$base.zip/fast/archive" ] || exit 1; done'
check 'refusals and malformed answers are refused, with a message naming the line' \
    'for v in sums split tag badzap truncated doctype b98 entity after; do [ "$(cat "$TMP/r/$v/$base.zip/fast/rc")" = 1 ] || exit 1; grep -q ":[0-9]*:" "$TMP/r/$v/$base.zip/fast/err" || exit 1; done'
check 'an unknown element in SCHET is named with its line under -v' \
    'grep -q "<NOTE> in <SCHET>" "$TMP/r/unknown/$base.zip/fast/err"'
done_testing
