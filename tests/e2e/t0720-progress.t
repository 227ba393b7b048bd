#!/bin/sh
# a progress line on stderr when it is a terminal; nothing when it is not
cd "${0%/*}" && . ./lib.sh
plan 3

ws=$(newws ws conf)
oms-gen -s 2 -n 2100 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due" 2>"$TMP/err"
check 'nothing extra on stderr when it is not a terminal' '[ ! -s "$TMP/err" ]'
# source/ read, not loaded from the index: select indexes the files only
# once they are a clock's tick old, which a slow run (make sanitize on a
# busy machine) reaches; then the progress says "building the registries"
script -qec "OMS_SRCINDEX=0 oms-export -C '$ws' -n '$TMP/due' >/dev/null" \
    /dev/null >"$TMP/tty" 2>&1
check 'on a terminal: what it does and how far it got' \
    'grep -q "oms-export: reading source/: [0-9][0-9]*" "$TMP/tty"'
script -qec "oms-export -q -C '$ws' -n '$TMP/due' >/dev/null" /dev/null >"$TMP/tty2" 2>&1
check '... and not with -q' '! grep -q "oms-export:" "$TMP/tty2"'
done_testing
