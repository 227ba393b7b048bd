#!/bin/sh
# a new region's profile is its own files and one name in PROFILES
# (HACKING.md): tests/skel/skel.c, added to a copy of the tree, builds
# with no warning and is taken by oms.conf, while the tree itself is not
# otherwise changed
cd "${0%/*}" && . ./lib.sh
plan 9

top=$(cd ../.. && pwd)
tree=$TMP/tree
mkdir -p "$tree"
(cd "$top" && cp -R Makefile lib cmd tools xsd ref "$tree/")
rm -f "$tree"/lib/*.o "$tree"/lib/*.d "$tree"/cmd/*.o "$tree"/cmd/*.d \
    "$tree"/liboms.a
cp "$top/tests/skel/skel.c" "$tree/lib/skel.c"
sed 's/^#define PROFILES(X)\(.*\)$/#define PROFILES(X)\1 X(skel)/' \
    "$top/lib/profile.c" >"$tree/lib/profile.c"

check 'adding it changes one line of the tree and adds one file' \
    '[ "$(diff -r "$top/lib" "$tree/lib" | grep -c "^[<>]")" -eq 2 ] &&
     diff -r "$top/lib" "$tree/lib" | grep -q "^Only in $tree/lib: skel.c" &&
     diff "$top/lib/profile.c" "$tree/lib/profile.c" | grep -q "^> #define PROFILES(X).* X(skel)$"' 
ok 'the library and two programs build with it, warnings as errors' \
    make -s -C "$tree" oms-select oms-export CFLAGS='-O0 -Werror'

ws=$TMP/ws
mkdir -p "$ws/source"
cat >"$ws/oms.conf" <<'C'
profile = skel
mo      = 760001
ogrn    = 1027600000001
kpp     = 760401001
tfoms   = 76
C
printf '<?xml version="1.0" encoding="UTF-8"?>\n<SKEL/>\n' >"$ws/source/a.xml"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<ZL_LIST/>\n' >"$ws/source/b.xml"

expect_exit 'the tree as it is does not know profile skel' 1 \
    'oms.conf:1: profile: expected "ffoms" or "yar76", got "skel"' \
    oms-select -C "$ws" -p 2026-10
expect_exit 'the tree with it takes profile = skel ...' 0 '' \
    "$tree/oms-select" -C "$ws" -p 2026-10
check '... lists nothing due, with the header line' \
    '[ "$(wc -l <"$TMP/out")" -eq 1 ] && head -1 "$TMP/out" | grep -q "^account	"'
check '... its scan took the <SKEL> document' \
    'grep -q "a.xml: warning: profile skel reads no cases yet; ignored" "$TMP/err"'
check '... and another profile'"'"'s document is called so' \
    'grep -q "b.xml: warning: root element <ZL_LIST> is not of profile skel (SKEL)" "$TMP/err"'
expect_exit 'its kinds come from its table' 2 \
    '-k: "H" is not a registry kind of profile skel \(S\)' \
    "$tree/oms-select" -C "$ws" -p 2026-10 -k H
printf 'account\nX1\n' >"$TMP/in"
expect_exit 'oms-export reaches its writer through the table' 4 \
    'profile skel: the registry.s plan is not written yet' \
    "$tree/oms-export" -C "$ws" -p 2026-10 -n <"$TMP/in"
done_testing
