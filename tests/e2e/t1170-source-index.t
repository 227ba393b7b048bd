#!/bin/sh
# the source index (.oms.srcindex, oms(7)): a second run loads unchanged
# files from it instead of reading them, and everything oms-select and
# oms-export print is what they print without it (OMS_SRCINDEX=0); a file
# changed in size, times or place is read again; a damaged index is a
# warning and is made again; oms.conf is part of its key; the warnings
# given once a run come from whichever file is first, index or not
cd "${0%/*}" && . ./lib.sh
plan 37

ws=$(newws ws conf)
oms-gen -s 5 -n 40 -m 2 -p 2026-10 -o "$ws/source" 2>/dev/null
# a ZIP of copies of one month, taken whole (their cases are older)
(cd "$ws/source" && mkdir z && cp ./*_26101.xml z/ && cd z && zip -q ../zz-month.zip ./*.xml &&
    cd .. && rm -r z)
# a file that is not a source file: a warning, loaded like the rest
printf '<?xml version="1.0"?>\n<note>not a registry</note>\n' >"$ws/source/note.xml"
# a change time older than the clock's tick: a file the index may keep
settle() {
	case $(stat -c %z "$ws/oms.conf") in
	*.000000000*) sleep 2.1 ;;	# a file system of whole seconds
	*) sleep 0.3 ;;
	esac
}
settle

# both W ARGS...: oms-select ARGS without the index (b.*) and with it
# (i.*, OMS_SRCINDEX=stat, whose line goes to $TMP/stat)
both() {
	w=$1; shift
	OMS_SRCINDEX=0 oms-select -C "$w" "$@" >"$TMP/b.out" 2>"$TMP/b.err"
	echo $? >"$TMP/b.rc"
	OMS_SRCINDEX=stat oms-select -C "$w" "$@" >"$TMP/i.out" 2>"$TMP/i.all"
	echo $? >"$TMP/i.rc"
	grep -v '^oms-select: source index: ' "$TMP/i.all" >"$TMP/i.err"
	grep '^oms-select: source index: ' "$TMP/i.all" >"$TMP/stat"
}
# same: the two runs printed the same, and exited the same
same() {
	cmp -s "$TMP/b.out" "$TMP/i.out" && cmp -s "$TMP/b.err" "$TMP/i.err" &&
	    cmp -s "$TMP/b.rc" "$TMP/i.rc" && [ "$(wc -l <"$TMP/b.out")" -gt 1 ]
}
stat_is() {
	grep -qx "oms-select: source index: $1" "$TMP/stat" ||
	    { echo "# got: $(cat "$TMP/stat")"; return 1; }
}

both "$ws" -p 2026-10
check 'a first run reads every source file and saves the index' \
    'same && stat_is "0 file(s) loaded, 10 read; saved"'
check '... which is mode 0600' \
    '[ "$(stat -c %a "$ws/.oms.srcindex")" = 600 ]'
check '... and said its warning (the note is no source file) as without the index' \
    'grep -q "note.xml: warning: root element <note>" "$TMP/i.err"'
cp "$ws/.oms.srcindex" "$TMP/ix1"
cp "$TMP/i.out" "$TMP/ix1.out"
both "$ws" -p 2026-10
check 'a second run loads every file from the index, reads none, and prints the same' \
    'same && stat_is "10 file(s) loaded, 0 read"'
check '... the same warnings, in the same order' \
    '[ "$(grep -c warning "$TMP/i.err")" -ge 1 ] && cmp -s "$TMP/b.err" "$TMP/i.err"'
check '... and leaves the index as it was' 'cmp -s "$TMP/ix1" "$ws/.oms.srcindex"'
both "$ws" -s new
check 'oms-select -s loads from it too' 'same && stat_is "10 file(s) loaded, 0 read"'
cp "$TMP/i.out" "$TMP/new1.out"
OMS_SRCINDEX=0 oms-select -C "$ws" -p 2026-10 >"$TMP/due" 2>/dev/null
OMS_SRCINDEX=0 oms-export -n -C "$ws" "$TMP/due" >"$TMP/xb.out" 2>"$TMP/xb.err"; xb=$?
OMS_SRCINDEX=stat oms-export -n -C "$ws" "$TMP/due" >"$TMP/xi.out" 2>"$TMP/xi.all"; xi=$?
grep -v 'source index: ' "$TMP/xi.all" >"$TMP/xi.err"
check 'oms-export -n with the index: the same as without, every file loaded' \
    '[ $xb -eq $xi ] && cmp -s "$TMP/xb.out" "$TMP/xi.out" && cmp -s "$TMP/xb.err" "$TMP/xi.err" &&
     grep -q "source index: 10 file(s) loaded, 0 read$" "$TMP/xi.all"'

# --- changes a file's key
H=$(ls "$ws"/source/HM*_26111.xml)
touch -d '2026-11-02 10:00:00' "$H"
settle
both "$ws" -p 2026-10
check 'a file with a new modification time (same size) is read again' \
    'same && stat_is "9 file(s) loaded, 1 read; saved"'
cp -p "$H" "$TMP/H.keep"
printf '\n' >>"$H"
touch -r "$TMP/H.keep" "$H"
settle
both "$ws" -p 2026-10
check 'a file with a new size (same modification time) is read again' \
    'same && stat_is "9 file(s) loaded, 1 read; saved"'
# (the same size and modification time, another payer: the change time tells)
sed "0,/<SMO>76001</s//<SMO>76002</" "$TMP/H.keep" >"$H.new"
printf '\n' >>"$H.new"
mv "$H.new" "$H"
touch -r "$TMP/H.keep" "$H"
settle
both "$ws" -s new
check 'the same size and modification time but new content: read again (change time, inode)' \
    'same && stat_is "9 file(s) loaded, 1 read; saved" && ! cmp -s "$TMP/i.out" "$TMP/new1.out"'
before=$(grep -c . "$TMP/i.out")
rm "$ws/source/zz-month.zip"
both "$ws" -p 2026-10
check 'a file removed: the rest loaded, the index saved without it' \
    'same && stat_is "9 file(s) loaded, 0 read; saved"'
cp "$TMP/H.keep" "$ws/source/zz-again.xml"
settle
both "$ws" -p 2026-10
check 'a file added: read, the rest loaded' \
    'same && stat_is "9 file(s) loaded, 1 read; saved"'
mv "$ws/source/zz-again.xml" "$ws/source/zz-renamed.xml"
settle
both "$ws" -p 2026-10
check 'a file renamed: read again under its new name' \
    'same && stat_is "9 file(s) loaded, 1 read; saved"'
both "$ws" -p 2026-10
check '... and loaded on the next run' 'same && stat_is "10 file(s) loaded, 0 read"'

# --- oms.conf is part of the key
sed 's/^payers = .*/payers = 76001/' "$ws/oms.conf" >"$TMP/conf" && cat "$TMP/conf" >"$ws/oms.conf"
both "$ws" -p 2026-10
check 'oms.conf changed (payers): every file read again, the new warnings said' \
    'same && stat_is "0 file(s) loaded, 10 read; saved" && grep -q "insurer 76002 is not in" "$TMP/i.err"'
both "$ws" -p 2026-10
check '... and loaded on the next run, with the same warnings' \
    'same && stat_is "10 file(s) loaded, 0 read" && grep -q "insurer 76002 is not in" "$TMP/i.err"'
# the warning about 76002 is said once, by the first file that has it:
# with that file gone, the next one (loaded from the index) says it
first=$(grep "insurer 76002 is not in" "$TMP/i.err" | sed 's/^oms-select: \([^:]*\):.*/\1/')
rm "$ws/$first"
both "$ws" -p 2026-10
check 'a warning said once a run moves to the next file that has it, loaded or not' \
    'same && grep -q "insurer 76002 is not in" "$TMP/i.err" && ! grep -q "$first:" "$TMP/i.err" &&
     stat_is "9 file(s) loaded, 0 read; saved"'

# --- a broken file is read (and said) every time; it is not kept
head -c 3000 "$TMP/H.keep" >"$ws/source/zz-cut.xml"
settle
both "$ws" -p 2026-10
check 'a broken file: the same error and exit status as without the index' \
    'same && [ "$(cat "$TMP/i.rc")" -eq 1 ] && grep -q "zz-cut.xml:[0-9]*: " "$TMP/i.err" &&
     stat_is "9 file(s) loaded, 1 read"'
both "$ws" -p 2026-10
check '... read again on the next run, and said again' \
    'same && stat_is "9 file(s) loaded, 1 read" && grep -q "zz-cut.xml" "$TMP/i.err"'
rm "$ws/source/zz-cut.xml"

# --- a damaged index: one warning, results unchanged, made again
both "$ws" -p 2026-10
cp "$ws/.oms.srcindex" "$TMP/good"
size=$(stat -c %s "$TMP/good")
printf 'X' | dd of="$ws/.oms.srcindex" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
both "$ws" -p 2026-10
check 'a byte changed in the index: a warning, the same output, every file read' \
    'grep -q "^oms-select: .oms.srcindex: warning: damaged (checksum); ignored, and made again" "$TMP/i.err" &&
     grep -v srcindex "$TMP/i.err" | cmp -s - "$TMP/b.err" && cmp -s "$TMP/b.out" "$TMP/i.out" &&
     stat_is "0 file(s) loaded, 9 read; saved"'
both "$ws" -p 2026-10
check '... and made again: the next run loads it, without a warning' \
    'same && stat_is "9 file(s) loaded, 0 read" && ! grep -q srcindex "$TMP/i.err"'
head -c $((size - 100)) "$TMP/good" >"$ws/.oms.srcindex"
both "$ws" -p 2026-10
check 'a truncated index: a warning, the same output' \
    'grep -q "srcindex: warning: truncated or damaged" "$TMP/i.err" && cmp -s "$TMP/b.out" "$TMP/i.out" &&
     stat_is "0 file(s) loaded, 9 read; saved"'
{ printf 'OMSSRCIX\143\0\0\0'; tail -c +13 "$TMP/good"; } >"$ws/.oms.srcindex"
both "$ws" -p 2026-10
check 'an index of another version: a warning, the same output' \
    'grep -q "srcindex: warning: written by another version of oms" "$TMP/i.err" &&
     cmp -s "$TMP/b.out" "$TMP/i.out" && stat_is "0 file(s) loaded, 9 read; saved"'
printf 'not an index at all, though long enough to be taken for one\n' >"$ws/.oms.srcindex"
both "$ws" -p 2026-10
check 'a file that is no index: a warning, the same output' \
    'grep -q "srcindex: warning: not an oms source index" "$TMP/i.err" && cmp -s "$TMP/b.out" "$TMP/i.out"'
: >"$ws/.oms.srcindex"
both "$ws" -p 2026-10
check 'an empty index: a warning (truncated), the same output' \
    'grep -q "srcindex: warning: truncated;" "$TMP/i.err" && cmp -s "$TMP/b.out" "$TMP/i.out"'
printf 'keep me\n' >"$TMP/victim"
rm "$ws/.oms.srcindex"
ln -s "$TMP/victim" "$ws/.oms.srcindex"
both "$ws" -p 2026-10
check 'an index that is a symbolic link: a warning; the link is replaced, its target left alone' \
    'grep -q "srcindex: warning: a symbolic link" "$TMP/i.err" && cmp -s "$TMP/b.out" "$TMP/i.out" &&
     [ ! -L "$ws/.oms.srcindex" ] && [ -f "$ws/.oms.srcindex" ] && [ "$(cat "$TMP/victim")" = "keep me" ]'

# --- OMS_SRCINDEX=0 neither reads nor writes it
cp "$ws/.oms.srcindex" "$TMP/ix2"
touch "$ws/source/"*
settle
OMS_SRCINDEX=0 oms-select -C "$ws" -p 2026-10 >/dev/null 2>&1
check 'OMS_SRCINDEX=0 leaves the index as it was, even with every file changed' \
    'cmp -s "$TMP/ix2" "$ws/.oms.srcindex"'
w2=$(newws ws2 conf)
oms-gen -s 5 -n 10 -m 1 -p 2026-10 -o "$w2/source" 2>/dev/null
OMS_SRCINDEX=0 oms-select -C "$w2" -p 2026-10 >/dev/null 2>&1
check '... and makes none' '[ ! -e "$w2/.oms.srcindex" ]'
OMS_SRCINDEX=0 oms-select -C "$w2" -p 2026-10 >"$TMP/due2"
OMS_SRCINDEX=1 oms-export -n -C "$w2" "$TMP/due2" >/dev/null 2>&1
check 'oms-export -n (write nothing) does not write the index either' '[ ! -e "$w2/.oms.srcindex" ]'

# --- two runs at once: each writes a whole index, the last one stays
settle
OMS_SRCINDEX=0 oms-select -C "$w2" -p 2026-10 >"$TMP/c0.out"
oms-select -C "$w2" -p 2026-10 >"$TMP/c1.out" 2>"$TMP/c1.err" & p1=$!
oms-select -C "$w2" -p 2026-10 >"$TMP/c2.out" 2>"$TMP/c2.err" & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check 'two runs at once: both as without the index, no warning' \
    '[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && cmp -s "$TMP/c0.out" "$TMP/c1.out" && cmp -s "$TMP/c0.out" "$TMP/c2.out" &&
     [ ! -s "$TMP/c1.err" ] && [ ! -s "$TMP/c2.err" ]'
OMS_SRCINDEX=stat oms-select -C "$w2" -p 2026-10 >"$TMP/c3.out" 2>"$TMP/c3.err"
check '... the index left is whole, and no temporary file' \
    'cmp -s "$TMP/c0.out" "$TMP/c3.out" && grep -q "source index: 4 file(s) loaded, 0 read$" "$TMP/c3.err" &&
     [ -z "$(find "$w2" -name ".tmp-*")" ]'

# --- a yar76 workspace: the insurers' register and the OGRN warnings
w3=$(newws ws3 yar76)
oms-gen --profile yar76 -s 3 -n 60 -m 2 -p 2026-09 -o "$w3/source" 2>/dev/null
for f in "$w3"/source/*.xml; do
	sed 's/1027600000022/1027600000099/g' "$f" >"$TMP/bill" && mv "$TMP/bill" "$f"
done
settle
both "$w3" -p 2026-10
check 'yar76: a first run reads both bills, warns once of an OGRN not in the register' \
    'same && stat_is "0 file(s) loaded, 2 read; saved" &&
     [ "$(grep -c "OGRN 1027600000099 .* is not in ref/F002.tsv" "$TMP/i.err")" -eq 1 ]'
both "$w3" -p 2026-10
check '... a second run loads both and says the same' \
    'same && stat_is "2 file(s) loaded, 0 read" && grep -q "OGRN 1027600000099" "$TMP/i.err"'
rm "$w3"/source/bill_760001_202609.xml
both "$w3" -p 2026-10
check '... with the first bill gone, the other one (loaded) says it' \
    'same && stat_is "1 file(s) loaded, 0 read; saved" &&
     grep -q "bill_760001_202610.xml:[0-9]*: warning: the insurer with OGRN 1027600000099" "$TMP/i.err"'
mkdir "$TMP/noref"
export OMS_REFDIR="$TMP/noref"
both "$w3" -p 2026-10
check 'yar76 without ref/F002.tsv: read again (the register is in the key), the same warnings' \
    'same && stat_is "0 file(s) loaded, 1 read; saved" && grep -q "cannot open the insurers. register" "$TMP/i.err"'
both "$w3" -p 2026-10
check '... and loaded on the next run: the register is looked for again, as when read' \
    'same && stat_is "1 file(s) loaded, 0 read" && grep -q "cannot open the insurers. register" "$TMP/i.err"'
done_testing
