#!/bin/sh
# the bad-input corpus: every case is refused (or read right) with its exit
# status and a message naming the input, and leaves the workspace, its
# ledger and outbox exactly as they were
cd "${0%/*}" && . ./lib.sh
plan 64

ws0=$(newws ws0 conf)
oms-gen -s 3 -n 30 -m 1 -p 2026-10 -o "$ws0/source" 2>/dev/null
oms-select -C "$ws0" -p 2026-10 >"$TMP/due"
H=$(ls "$ws0"/source/H*.xml)
L=$(ls "$ws0"/source/L[!P]*.xml)

# bad NAME EXIT ERE WS CMD...: refused as said, WS unchanged (source too)
bad() {
	d=$1 want=$2 re=$3 w=$4
	shift 4
	before=$(snapshot "$w"; cd "$w" && find source -type f | sort | xargs cksum 2>/dev/null)
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	after=$(snapshot "$w"; cd "$w" && find source -type f | sort | xargs cksum 2>/dev/null)
	ntest=$((ntest + 1))
	if [ "$got" -eq "$want" ] && grep -Eq -- "$re" "$TMP/err" && [ "$before" = "$after" ]; then
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d (exit $got, want $want; /$re/)"
		[ "$before" = "$after" ] || echo "# the workspace changed"
		sed 's/^/# /' "$TMP/err" | head -5
	fi
}
# a copy of ws0 with FILE (made by the rest of the arguments) in source/
srcws() {
	w=$TMP/src-$1
	rm -rf "$w"
	cp -R "$ws0" "$w"
	echo "$w"
}
export_bad() {	# export_bad NAME ERE: oms-export of the copy refuses
	bad "$1" 1 "$2" "$w" oms-export -C "$w" "$TMP/due"
}

# --- XML in source/
w=$(srcws trunc); head -c 20000 "$H" >"$w/source/cut.xml"
export_bad 'a truncated XML file' 'source/cut.xml:[0-9]+: '
w=$(srcws garbage); head -c 4096 /dev/urandom >"$w/source/garbage.xml"
export_bad 'bytes that are not XML' 'source/garbage.xml'
w=$(srcws notclosed); sed '$d' "$H" >"$w/source/open.xml"
export_bad 'a document never closed' 'source/open.xml:[0-9]+: '
w=$(srcws xxe)
printf '<?xml version="1.0"?>\n<!DOCTYPE ZL_LIST [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<ZL_LIST><ZGLV><VERSION>&x;</VERSION></ZGLV></ZL_LIST>\n' >"$w/source/xxe.xml"
export_bad 'an external entity (XXE)' 'source/xxe.xml.*(DTD|DOCTYPE|entit)'
check '... and /etc/passwd was not read into anything' '! grep -rq "root:" "$TMP/err" "$w"'
w=$(srcws bomb)
{ printf '<?xml version="1.0"?>\n<!DOCTYPE ZL_LIST [\n<!ENTITY a "aaaaaaaaaa">\n'
  prev=a
  for e in b c d e f g h i j; do
	printf '<!ENTITY %s "%s">\n' $e "$(printf '&%s;' $prev $prev $prev $prev $prev $prev $prev $prev $prev $prev)"
	prev=$e
  done
  printf ']>\n<ZL_LIST>&j;</ZL_LIST>\n'; } >"$w/source/lol.xml"
export_bad 'an entity-expansion bomb' 'source/lol.xml.*(DTD|DOCTYPE|entit)'
w=$(srcws dtd); printf '<?xml version="1.0"?>\n<!DOCTYPE ZL_LIST SYSTEM "http://example.org/zl.dtd">\n<ZL_LIST/>\n' >"$w/source/dtd.xml"
export_bad 'a DTD to fetch' 'source/dtd.xml.*(DTD|DOCTYPE)'
w=$(srcws hugetext)
{ printf '<?xml version="1.0" encoding="windows-1251"?>\n<ZL_LIST><ZGLV><VERSION>'; head -c 12000000 /dev/zero | tr '\0' 'x'; printf '</VERSION></ZGLV></ZL_LIST>\n'; } >"$w/source/huge.xml"
export_bad 'a huge text node' 'source/huge.xml'
w=$(srcws hugeattr)
{ printf '<?xml version="1.0"?>\n<ZL_LIST a="'; head -c 12000000 /dev/zero | tr '\0' 'x'; printf '"/>\n'; } >"$w/source/hattr.xml"
export_bad 'a huge attribute' 'source/hattr.xml'
w=$(srcws utf16); printf '\377\376<\000Z\000L\000_\000L\000I\000S\000T\000/\000>\000' >"$w/source/u16.xml"
export_bad 'UTF-16 text' 'source/u16.xml.*(UTF-16|encoding)'
w=$(srcws deep)
{ printf '<ZL_LIST>'; i=0; while [ $i -lt 300 ]; do printf '<a>'; i=$((i + 1)); done; printf '</ZL_LIST>'; } >"$w/source/deep.xml"
export_bad 'elements never closed, 300 deep' 'source/deep.xml'

# encodings: read right, never garbled
fam=$(iconv -f cp1251 -t utf-8 "$L" | sed -n 's/.*<FAM>\([^<]*\)<.*/\1/p' | head -1)
encws() {	# encws NAME: L file re-encoded by the command on stdin
	w=$(srcws "$1")
	sh -c "$2" <"$L" >"$w/source/${L##*/}.new" && mv "$w/source/${L##*/}.new" "$w/source/${L##*/}"
	oms-export -C "$w" "$TMP/due" >/dev/null 2>"$TMP/enc.err" &&
	    unzip -p "$w"/outbox/HM*.zip 'L*' | iconv -f cp1251 -t utf-8 | grep -q "<FAM>$fam</FAM>"
}
check 'UTF-8 bytes declared windows-1251: the names are read right' \
    'encws u8as1251 "iconv -f cp1251 -t utf-8"'
check 'windows-1251 bytes declared UTF-8: read right' \
    'encws 1251asu8 "sed \"1s/windows-1251/UTF-8/\""'
check 'a UTF-8 BOM before windows-1251 declared UTF-8 bytes: read right' \
    'encws bom "printf \"\\357\\273\\277\"; iconv -f cp1251 -t utf-8 | sed \"1s/windows-1251/UTF-8/\""'

# --- ZIP in source/
w=$(srcws zcut); (cd "$TMP" && rm -f z.zip && zip -qj z.zip "$H") && head -c 3000 "$TMP/z.zip" >"$w/source/cut.zip"
export_bad 'a truncated ZIP' 'source/cut.zip'
w=$(srcws zbad); { head -c 100 "$TMP/z.zip"; head -c 5000 /dev/urandom; } >"$w/source/bad.zip"
export_bad 'a corrupt ZIP' 'source/bad.zip'
w=$(srcws zbomb)
{ printf '<?xml version="1.0"?>\n<ZL_LIST>'; yes '<a/>' | head -c 300000000; printf '</ZL_LIST>\n'; } |
    (cd "$TMP" && rm -f bomb.zip && zip -q9 bomb.zip -) && cp "$TMP/bomb.zip" "$w/source/bomb.zip"
export_bad 'a zip bomb (an entry 1000 times its size) is refused' 'source/bomb.zip.*zip bomb'
w=$(srcws zslip); mkdir -p "$TMP/slip/a/b" && cp "$H" "$TMP/slip/a/b/h.xml"
(cd "$TMP" && rm -f slip.zip && zip -q slip.zip slip/a/b/h.xml) &&
    LC_ALL=C sed 's|slip/a/b/h\.xml|\.\./\.\./\.\./h\.xml|g' "$TMP/slip.zip" >"$w/source/slip.zip"
oms-select -C "$w" -p 2026-10 >/dev/null 2>"$TMP/err"; rc=$?
check 'a zip-slip entry name (../../../h.xml) writes nothing anywhere' \
    '[ $rc -le 1 ] && unzip -l "$w/source/slip.zip" | grep -q "\.\./\.\./\.\./h.xml" &&
     [ ! -e "$w/../../../h.xml" ] && [ ! -e "$w/source/../../../h.xml" ] && [ ! -e "$TMP/../h.xml" ]'
w=$(srcws zmany); mkdir "$TMP/many" && (cd "$TMP/many" && i=0 && while [ $i -le 10000 ]; do : >"$i.txt"; i=$((i + 1)); done && zip -q0 ../many.zip . -r -i '*.txt') && cp "$TMP/many.zip" "$w/source/many.zip"
export_bad 'a ZIP of more than 10000 entries' 'source/many.zip.*10000 entries'
w=$(srcws zempty); printf 'PK\005\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' >"$w/source/empty.zip"
oms-select -C "$w" -p 2026-10 >"$TMP/sel" 2>"$TMP/err"; rc=$?
check 'an empty ZIP adds nothing and breaks nothing' \
    '[ $rc -le 1 ] && cmp -s "$TMP/sel" "$TMP/due"'

# --- replies
wr=$(newws wr conf)
cp -R "$ws0/source" "$wr/"
oms-export -C "$wr" "$TMP/due" >/dev/null 2>>"$TMP/setup.err"
oms-fund -s 1 --refuse 2 -o "$TMP/in" "$wr"/outbox/*.zip 2>/dev/null
c=$(ls "$TMP"/in/HT76M760001_*1.zip)
imp_bad() { d=$1 re=$2; shift 2; bad "$d" 1 "$re" "$wr" oms-import -C "$wr" "$@"; }
imp_bad 'our own outgoing archive fed back' 'HM760001T76_26101.zip.*(not a reply|recogni|name)' "$wr"/outbox/HM*.zip
head -c 2000 "$c" >"$TMP/HT76M760001_26101.zip"
imp_bad 'a truncated reply ZIP' 'HT76M760001_26101.zip' "$TMP/HT76M760001_26101.zip"
mkdir -p "$TMP/r" && unzip -qo "$c" -d "$TMP/r"
x=$(ls "$TMP"/r/*.XML "$TMP"/r/*.xml 2>/dev/null | head -1)
head -c 1500 "$x" >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'a reply XML cut in half' 'HT76M760001_26101.xml:[0-9]+: ' "$TMP/r/HT76M760001_26101.xml"
sed 's/<YEAR>2026</<YEAR>2025</; s/_2610/_2510/g' "$x" >"$TMP/r/HT76M760001_25101.xml"
imp_bad 'a reply for another period' 'never sent' "$TMP/r/HT76M760001_25101.xml"
sed 's/_26101/_26107/g' "$x" >"$TMP/r/HT76M760001_26107.xml"
imp_bad 'a reply to an unknown registry' 'never sent' "$TMP/r/HT76M760001_26107.xml"
sed 's/<CODE_MO>760001</<CODE_MO>760009</' "$x" >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'a reply addressed to another МО' '760009' "$TMP/r/HT76M760001_26101.xml"
sed 's/<N_ZAP>1</<N_ZAP>99999</' "$x" >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'a reply naming a record never sent' '99999' "$TMP/r/HT76M760001_26101.xml"
sed '0,/<SUMP>/s/<SUMP>[0-9.]*</<SUMP>0.01</' "$x" >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'a reply whose sums do not add up' 'SUMP|SANK|add up' "$TMP/r/HT76M760001_26101.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE ZL_LIST [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<ZL_LIST>&x;</ZL_LIST>\n' >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'a reply with an external entity' 'HT76M760001_26101.xml.*(DTD|DOCTYPE|entit)' "$TMP/r/HT76M760001_26101.xml"
printf '<?xml version="1.0"?>\n<PERS_LIST/>\n' >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'a reply with the wrong root' 'HT76M760001_26101.xml.*(root|PERS_LIST)' "$TMP/r/HT76M760001_26101.xml"
: >"$TMP/r/HT76M760001_26101.xml"
imp_bad 'an empty reply' 'HT76M760001_26101.xml' "$TMP/r/HT76M760001_26101.xml"
printf 'x\n' >"$TMP/r/README.txt"
imp_bad 'a file that is no reply at all' 'README.txt' "$TMP/r/README.txt"

# --- TSV input
tsv_bad() { d=$1 re=$2; bad "$d" 1 "$re" "$ws0" oms-export -C "$ws0" -n "$TMP/in.tsv"; }
printf 'account\tx\n%s\n' "$(sed -n 2p "$TMP/due" | cut -f1)" >"$TMP/in.tsv"
tsv_bad 'a ragged TSV line' 'in.tsv:2: '
printf 'account\n%s\000x\n' "$(sed -n 2p "$TMP/due" | cut -f1)" >"$TMP/in.tsv"
tsv_bad 'a NUL in TSV' 'in.tsv:2: .*NUL'
printf 'account\r\n%s\r\n' "$(sed -n 2p "$TMP/due" | cut -f1)" >"$TMP/in.tsv"
tsv_bad 'CR line ends in TSV' 'in.tsv:1: .*(CR|carriage)'
printf 'account\n\\q\n' >"$TMP/in.tsv"
tsv_bad 'a bad backslash escape in TSV' 'in.tsv:2: .*escape'
printf 'acct\nX\n' >"$TMP/in.tsv"
bad 'a TSV without an account column (oms-requeue)' 1 'no column "account"' "$ws0" \
    oms-requeue -C "$ws0" "$TMP/in.tsv"
printf 'account\tstage\tdecision\treasons\nA\tcontrol\trejected\n' >"$TMP/in.tsv"
bad 'a ragged decisions file (oms-analyze)' 1 'in.tsv:2: ' "$ws0" oms-analyze "$TMP/in.tsv"

# --- oms.conf
conf_bad() {	# conf_bad NAME ERE LINE...: the conf with these lines added
	d=$1 re=$2; shift 2
	w=$(srcws conf); printf '%s\n' "$@" >>"$w/oms.conf"
	bad "$d" 1 "$re" "$w" oms-select -C "$w" -p 2026-10
}
conf_bad 'oms.conf: a date that is none' 'oms.conf:[0-9]+: .*primary_from' 'primary_from = 2026-13-01'
conf_bad 'oms.conf: an unknown key' 'oms.conf:[0-9]+: unknown key "colour"' 'colour = red'
conf_bad 'oms.conf: a key twice' 'oms.conf:[0-9]+: .*mo.*(twice|again)' 'mo = 760001'
w=$(srcws confp); sed -i 's/^payers = .*/payers = 76001 7600A/' "$w/oms.conf"
bad 'oms.conf: a payer code that is not one' 1 'oms.conf:[0-9]+: .*7600A' "$w" oms-select -C "$w" -p 2026-10
w=$(srcws conf5); sed -i 's/^mo = .*/mo = 76001/' "$w/oms.conf"
bad 'oms.conf: an МО code of 5 digits' 1 'oms.conf:[0-9]+: .*mo' "$w" oms-select -C "$w" -p 2026-10
w=$(srcws conf6); sed -i 's/^tfoms = .*/tfoms = 7X/' "$w/oms.conf"
bad 'oms.conf: a fund code with a letter' 1 'oms.conf:[0-9]+: .*tfoms' "$w" oms-select -C "$w" -p 2026-10
w=$(srcws conf7); printf 'archive_ext = z\000p\n' >>"$w/oms.conf"
bad 'oms.conf: a NUL byte' 1 'oms.conf:[0-9]+: .*NUL' "$w" oms-select -C "$w" -p 2026-10
w=$(srcws conf8); printf 'repeat_from = 2026-02-30\n' >>"$w/oms.conf"
bad 'oms.conf: 30 February' 1 'oms.conf:[0-9]+: .*repeat_from' "$w" oms-select -C "$w" -p 2026-10

# --- withholdings (against wr, which has a main registry)
wh_bad() { d=$1 re=$2 line=$3; printf 'payer\tkind\tamount\n%s\n' "$line" >"$TMP/wh.tsv"
	bad "$d" 1 "$re" "$wr" oms-invoice -C "$wr" -p 2026-10 --withhold "$TMP/wh.tsv"; }
wh_bad 'a withholding of abc' 'wh.tsv:2: amount "abc"' "$(printf '76001\tckdl\tabc')"
wh_bad 'a negative withholding' 'wh.tsv:2: amount "-5.00"' "$(printf '76001\tckdl\t-5.00')"
wh_bad 'a withholding with a decimal comma' 'wh.tsv:2: amount "12,50"' "$(printf '76001\tckdl\t12,50')"
wh_bad 'a withholding with three decimals' 'wh.tsv:2: amount "1.005"' "$(printf '76001\tckdl\t1.005')"
wh_bad 'a withholding for an unknown payer' 'wh.tsv:2: payer "99999"' "$(printf '99999\tckdl\t1.00')"
wh_bad 'a withholding of an odd kind' 'wh.tsv:2: kind "ЦКДЛ"' "$(printf '76001\tЦКДЛ\t1.00')"
wh_bad 'a withholding given twice' 'wh.tsv:3: .*again' "$(printf '76001\tckdl\t1.00\n76001\tckdl\t2.00')"
wh_bad 'a ragged withholdings line' 'wh.tsv:2: ' "$(printf '76001\tckdl')"

# --- a disk that fills up at one step of an export or another: room for
# the source and 16 to 48 KB fills it in the kept cases' spool, a deflated
# body, an archive or the ledger's append (with 64 KB it is done).  Each
# leaves the workspace as it was: no temporary file, no archive, no ledger
# (a first export's ledger of its header alone stayed until 2026-12-04)
if mkdir "$TMP/small" && mount -t tmpfs -o size=64k tmpfs "$TMP/small" 2>/dev/null; then
	umount "$TMP/small"
	for extra in 16 24 32 40 48; do
		size=$(($(du -sk "$ws0/source" | cut -f1) + extra))
		mount -t tmpfs -o size=${size}k tmpfs "$TMP/small"
		cp -R "$ws0/oms.conf" "$ws0/source" "$TMP/small/"
		bad "a full disk in the middle of an export (source + $extra KB)" 3 \
		    'No space left on device' "$TMP/small" oms-export -C "$TMP/small" "$TMP/due"
		check "... leaves no temporary file, no archive, no ledger (+$extra KB)" \
		    '[ -z "$(find "$TMP/small" -name ".tmp-*")" ] && [ -z "$(ls "$TMP/small/outbox" 2>/dev/null)" ] &&
		     [ ! -e "$TMP/small/ledger.tsv" ]'
		umount "$TMP/small"
	done
else
	for extra in 16 24 32 40 48; do
		ntest=$((ntest + 1)); echo "ok $ntest # SKIP a full disk: cannot mount a tmpfs here (not root?)"
		ntest=$((ntest + 1)); echo "ok $ntest # SKIP a full disk: cannot mount a tmpfs here (not root?)"
	done
fi
done_testing
