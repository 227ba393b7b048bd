#!/bin/sh
# oms-export keeps only the cases of the accounts it exports (the scan of
# some accounts, oms_src_scan_some): of a source/ with several versions of
# the accounts and duplicates within a document, it exports a subset with
# the messages, registries and ledger that a scan of every account gave
# (data/some/*, made by oms-export at 059c922, before the scan kept a
# subset, with OMS_TEST_GOLDEN), the index read or loaded, and the source index it saves is the
# one oms-select (which keeps all) saves
cd "${0%/*}" && . ./lib.sh
plan 9

# golden FILE NAME...: with OMS_TEST_GOLDEN=DIR, keep FILE as DIR/NAME
# (how data/some was made)
golden() {
	while [ $# -gt 1 ]; do
		[ -z "${OMS_TEST_GOLDEN:-}" ] || cp "$1" "$OMS_TEST_GOLDEN/$2"
		shift 2
	done
}

ws=$(newws ws conf)
oms-gen -s 3 -n 30 -m 2 -p 2026-09 -o "$ws/source" 2>/dev/null
H=$ws/source/HM760001T76_26101.xml

# version DATA DUP...: H dated DATA, the ZAPs numbered DUP given twice
version() {
	d=$1; shift
	awk -v d="$d" -v dups=" $* " '
	    /<DATA>/ && !dated { sub(/<DATA>[^<]*</, "<DATA>" d "<"); dated = 1 }
	    /<ZAP>/ { inzap = 1; n++; blk = "" }
	    inzap { blk = blk $0 "\n"; if (/<\/ZAP>/) { inzap = 0
		printf "%s", blk; if (index(dups, " " n " ")) printf "%s", blk }
		next }
	    { print }' "$H"
}
# the accounts (SL_ID) of ZAPs N...
acc() {
	for n in "$@"; do
		awk -v n="$n" '/<ZAP>/ { z++ } z == n && /<SL_ID>/ {
		    sub(/.*<SL_ID>/, ""); sub(/<.*/, ""); print; exit }' "$H"
	done
}
oms-select -C "$ws" -p 2026-10 >"$TMP/all" 2>/dev/null
# the subset: every account due but those of ZAPs 3, 4, 5 and 6
acc 3 4 5 6 >"$TMP/out-acc"
grep -v -F -f "$TMP/out-acc" "$TMP/all" >"$TMP/sel"
check 'the subset leaves out 4 of the 30 accounts due, and holds 9' \
    '[ $(wc -l <"$TMP/all") -eq 31 ] && [ $(wc -l <"$TMP/sel") -eq 27 ] &&
     grep -q "$(acc 9)" "$TMP/sel"'
# a-fix.xml, newer, sorts first; zz-old.xml, older, sorts last: the
# newest version of every account of H is in a-fix.xml
version 2026-11-05 4 9 >"$ws/source/a-fix.xml"
version 2026-11-01 2 3 7 >"$ws/source/zz-old.xml"
sleep 1.1

# dups: a-fix.xml holds 4 (left out) and 9 twice, zz-old.xml 2, 3 and 7
# (newer versions came first: not said)
oms-export -C "$ws" --date 2026-11-03 <"$TMP/sel" >"$TMP/out" 2>"$TMP/err"
echo $? >>"$TMP/err"
golden "$TMP/err" dup.err
check 'duplicates: the messages and the exit of a scan of all' \
    'diff -u data/some/dup.err "$TMP/err" && [ ! -s "$TMP/out" ]'
check '... which name a duplicate of an account left out and not those of zz-old.xml' \
    'grep -q "$(acc 4)" data/some/dup.err && ! grep -q zz-old data/some/dup.err'
oms-export -C "$ws" --date 2026-11-03 <"$TMP/sel" >"$TMP/out" 2>"$TMP/err"
echo $? >>"$TMP/err"
check '... the same with the source index loaded' \
    'diff -u data/some/dup.err "$TMP/err"'

# no dups: the newest versions exported, from a-fix.xml
version 2026-11-05 >"$ws/source/a-fix.xml"
version 2026-11-01 >"$ws/source/zz-old.xml"
sleep 1.1
rm -f "$ws/.oms.srcindex"
cp -R "$ws" "$TMP/ws2"
oms-export -C "$ws" --date 2026-11-03 <"$TMP/sel" >"$TMP/out" 2>"$TMP/err"
cut -f2- "$ws/ledger.tsv" >"$TMP/ledger"
mkdir "$TMP/x"
for z in "$ws"/outbox/*.zip; do unzip -q -o "$z" -d "$TMP/x"; done
cat "$TMP"/x/* | cksum >"$TMP/xml"
golden "$TMP/out" reg.out "$TMP/err" reg.err "$TMP/ledger" ledger \
    "$TMP/xml" xml.cksum
check 'versions: the registries of a scan of all' \
    'diff -u data/some/reg.out "$TMP/out" && diff -u data/some/reg.err "$TMP/err"'
check '... the ledger (less its clock): the newest versions' \
    'diff -u data/some/ledger "$TMP/ledger" &&
     grep -q "source/a-fix.xml" data/some/ledger'
check '... the XML the archives hold' 'diff -u data/some/xml.cksum "$TMP/xml"'
cp "$ws/.oms.srcindex" "$TMP/ix.export"
# the index the export saved is whole: oms-select saves the same
rm "$ws/.oms.srcindex"
oms-select -C "$ws" -p 2026-10 >/dev/null 2>&1
check 'the source index the export saves is the one oms-select saves' \
    'cmp "$TMP/ix.export" "$ws/.oms.srcindex"'
# an index a scan of all saved, loaded by the export
sleep 1.1
oms-select -C "$TMP/ws2" -p 2026-10 >/dev/null 2>&1
OMS_SRCINDEX=stat oms-export -C "$TMP/ws2" --date 2026-11-03 <"$TMP/sel" \
    >"$TMP/out" 2>"$TMP/err"
check '... and loaded by the export, the same registries and messages' \
    'diff -u data/some/reg.out "$TMP/out" &&
     grep -vx "oms-export: source index: 10 file(s) loaded, 0 read" "$TMP/err" |
     diff -u data/some/reg.err -'
done_testing
