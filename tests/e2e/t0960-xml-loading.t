#!/bin/sh
# what libxml2 may load by itself: a workspace's own xsd/ never reaches the
# network or a file outside xsd/ (include, import, redefine, symlink), a
# source or a reply never loads a DTD, and libxml2's own error lines never
# reach stderr raw
cd "${0%/*}" && . ./lib.sh
plan 19

ws=$(newws ws conf)
oms-gen -s 5 -n 8 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due"

# a listener on a free local port that notes every connection made to it
if command -v python3 >/dev/null 2>&1; then
	python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
while True:
	c, a = s.accept()
	with open(sys.argv[2], "a") as f:
		f.write("connected\n")
	c.close()
' "$TMP/port" "$TMP/conns" &
	lpid=$!
	trap 'kill $lpid 2>/dev/null; rm -rf "$TMP"' EXIT
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$TMP/port" 2>/dev/null)
fi
: "${port:=9}"		# no python3: the discard port, nothing listens
: >>"$TMP/conns"
# the listener works: a connection made on purpose is seen
if [ -n "$lpid" ]; then
	python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()' "$port"
	sleep 0.2
	check 'the listener notes a connection' 'grep -q connected "$TMP/conns"'
	: >"$TMP/conns"
else
	ntest=$((ntest + 1)); echo "ok $ntest # SKIP no python3 for a listener"
fi

# xsdws NAME LINE: a copy of ws whose xsd/H-5.1.xsd is the installed one
# with LINE added right after <xs:schema ...>
xsdws() {
	w=$TMP/x-$1
	rm -rf "$w"
	cp -R "$ws" "$w"
	mkdir -p "$w/xsd"
	awk -v l="$2" '{ print } !done && /<xs:schema/ { while (!/>/) { getline; print } print l; done = 1 }' \
	    "$OMS_XSDDIR/H-5.1.xsd" >"$w/xsd/H-5.1.xsd"
	echo "$w"
}
# the line of the reference in a schema
refline() { grep -n "$2" "$1" | head -1 | cut -d: -f1; }

# 1. an include of an http URL
w=$(xsdws http "  <xs:include schemaLocation=\"http://127.0.0.1:$port/x.xsd\"/>")
n=$(refline "$w/xsd/H-5.1.xsd" 'xs:include')
expect_exit 'an xs:include of an http URL is refused, naming the schema, line and URL' 4 \
    "xsd/H-5.1.xsd:$n: schema reference \"http://127.0.0.1:$port/x.xsd\" refused" \
    oms-export -C "$w" -n "$TMP/due"
sleep 0.2
check '... and nothing connected to the port' '! grep -q connected "$TMP/conns"'
check '... and nothing was written' '[ ! -s "$w/ledger.tsv" ] && [ -z "$(ls "$w/outbox" 2>/dev/null)" ]'

# 2. an import of a file outside the workspace, with a line to recognise
printf 'OUTSIDE-FIRST-LINE-7c1e\n<xs:schema/>\n' >"$TMP/outside.xsd"
w=$(xsdws imp '  <xs:import namespace="urn:x" schemaLocation="../../outside.xsd"/>')
n=$(refline "$w/xsd/H-5.1.xsd" 'xs:import')
oms-export -C "$w" -n "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'an xs:import of ../../outside.xsd is refused (exit 4)' '[ $rc -eq 4 ]'
check '... naming the schema, its line and the file' \
    'grep -Eq "xsd/H-5.1.xsd:$n: schema reference \".*outside.xsd\" refused: outside the schema.s directory" "$TMP/e"'
check '... and the outside line is never printed' \
    '! grep -q OUTSIDE-FIRST-LINE "$TMP/e" "$TMP/o"'

# 3. the same reached through a symbolic link inside xsd/
w=$(xsdws link '  <xs:include schemaLocation="common.xsd"/>')
ln -s "$TMP/outside.xsd" "$w/xsd/common.xsd"
oms-export -C "$w" -n "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'a symlink in xsd/ to a file outside is refused (realpath)' \
    '[ $rc -eq 4 ] && grep -q "common.xsd\" refused: outside" "$TMP/e" && ! grep -q OUTSIDE-FIRST-LINE "$TMP/e" "$TMP/o"'

# 4. a redefine of an http URL, and a file: URL
: >"$TMP/conns"
w=$(xsdws redef "  <xs:redefine schemaLocation=\"http://127.0.0.1:$port/r.xsd\"/>")
oms-export -C "$w" -n "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
sleep 0.2
check 'an xs:redefine of an http URL is refused, nothing connected' \
    '[ $rc -eq 4 ] && grep -q "r.xsd\" refused" "$TMP/e" && ! grep -q connected "$TMP/conns"'
w=$(xsdws fileurl "  <xs:include schemaLocation=\"file://$TMP/outside.xsd\"/>")
oms-export -C "$w" -n "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'a file: URL is refused, its file never read' \
    '[ $rc -eq 4 ] && grep -q "refused: a URL" "$TMP/e" && ! grep -q OUTSIDE-FIRST-LINE "$TMP/e" "$TMP/o"'

# 5. what is allowed: a file next to the schema, and a nested one
w=$(xsdws ok '  <xs:include schemaLocation="sub/common.xsd"/>')
mkdir "$w/xsd/sub"
cat >"$w/xsd/sub/common.xsd" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:include schemaLocation="../more.xsd"/>
  <xs:simpleType name="OmsTestA"><xs:restriction base="xs:string"/></xs:simpleType>
</xs:schema>
EOF
cat >"$w/xsd/more.xsd" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="OmsTestB"><xs:restriction base="xs:string"/></xs:simpleType>
</xs:schema>
EOF
expect_exit 'includes inside xsd/ (sub/common.xsd, then ../more.xsd) compile' 0 '' \
    oms-export -C "$w" -n "$TMP/due"

# 6. libxml2's own errors, routed: a broken included schema
printf '<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n<xs:simpleType name="X">\n' \
    >"$w/xsd/more.xsd"
oms-export -C "$w" -n "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'a broken included schema: exit 4, its file and line named' \
    '[ $rc -eq 4 ] && grep -Eq "xsd/more.xsd:[0-9]+: premature end" "$TMP/e"'
check '... and every stderr line is the program'"'"'s (no raw libxml2 lines)' \
    '[ -s "$TMP/e" ] && ! grep -v "^oms-export: " "$TMP/e"'
printf 'not xml at all\n' >"$w/xsd/H-5.1.xsd"
oms-export -C "$w" -n "$TMP/due" >"$TMP/o" 2>"$TMP/e"; rc=$?
check 'a schema that is no XML: exit 4, one line naming it, its text not shown' \
    '[ $rc -eq 4 ] && grep -q "xsd/H-5.1.xsd:1: " "$TMP/e" && ! grep -v "^oms-export: " "$TMP/e" &&
     ! grep -q "not xml at all" "$TMP/e"'

# 7. sources and replies load no DTD, from the network or elsewhere
: >"$TMP/conns"
w=$TMP/src-dtd; rm -rf "$w"; cp -R "$ws" "$w"
printf '<?xml version="1.0" encoding="windows-1251"?>\n<!DOCTYPE ZL_LIST SYSTEM "http://127.0.0.1:%s/zl.dtd">\n<ZL_LIST/>\n' "$port" \
    >"$w/source/dtd.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE ZL_LIST [<!ENTITY %% p SYSTEM "http://127.0.0.1:%s/p.ent"> %%p;]>\n<ZL_LIST/>\n' "$port" \
    >"$w/source/pe.xml"
oms-select -C "$w" -p 2026-10 >"$TMP/o" 2>"$TMP/e"; rc=$?
sleep 0.2
check 'a source with a DTD or a parameter entity on the network: refused by name' \
    '[ $rc -eq 1 ] && grep -q "source/dtd.xml" "$TMP/e" && grep -q "source/pe.xml" "$TMP/e"'
check '... nothing connected, no raw libxml2 line' \
    '! grep -q connected "$TMP/conns" && ! grep -v "^oms-select: " "$TMP/e"'
wr=$TMP/wr; rm -rf "$wr"; cp -R "$ws" "$wr"
oms-export -C "$wr" "$TMP/due" >/dev/null 2>&1
printf '<?xml version="1.0"?>\n<!DOCTYPE ZL_LIST SYSTEM "http://127.0.0.1:%s/r.dtd">\n<ZL_LIST/>\n' "$port" \
    >"$TMP/HT76M760001_26101.xml"
: >"$TMP/conns"
oms-import -C "$wr" "$TMP/HT76M760001_26101.xml" >"$TMP/o" 2>"$TMP/e"; rc=$?
sleep 0.2
check 'a reply with a DTD on the network: refused by name, nothing connected' \
    '[ $rc -eq 1 ] && grep -q "HT76M760001_26101.xml" "$TMP/e" && ! grep -q connected "$TMP/conns"'
check '... no raw libxml2 line' '! grep -v "^oms-import: " "$TMP/e"'

# the installed schemas still compile and check (an export that works)
expect_exit 'the installed schemas, unchanged, still compile' 0 '' \
    oms-export -C "$ws" -n "$TMP/due"
done_testing
