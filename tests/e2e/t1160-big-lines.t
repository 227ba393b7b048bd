#!/bin/sh
# diagnostics past line 65535 of a source document: libxml2 keeps an
# element's line in 16 bits, and a yar76 bill's elements hold no text that
# would carry a longer one; the account's diagnostics must still point
# into the right patient, not at line 65535
cd "${0%/*}" && . ./lib.sh
plan 4

ws=$(newws ws yar76)
# 3000 accounts are some 138,000 lines; the 2900th has a bad sum
oms-gen --profile yar76 -s 2 -n 3000 -m 1 -p 2026-10 --defect sum:2900 \
    -o "$ws/source" 2>/dev/null
src=$ws/source/bill_760001_202610.xml
check 'the source is longer than 65535 lines' \
    '[ "$(wc -l <"$src")" -gt 70000 ]'
oms-select -C "$ws" -p 2026-10 >"$TMP/due" 2>/dev/null
oms-export -C "$ws" -n <"$TMP/due" >/dev/null 2>"$TMP/err"; rc=$?
line=$(sed -n 's/^oms-export: source\/bill_760001_202610\.xml:\([0-9]*\): account .*is not the sum of its manipulations.*/\1/p' "$TMP/err")
acc=$(grep -n 'n_pp="2900"' "$src" | cut -d: -f1)
# the patient element that holds account 2900
pat=$(head -n "$acc" "$src" | grep -n '<patient ' | tail -1 | cut -d: -f1)
check 'the bad sum is refused, with a line' '[ $rc -ne 0 ] && [ -n "$line" ]'
check '... not 65535' '[ "$line" != 65535 ]'
check "... within the account's patient (lines $pat to $acc), not before it" \
    '[ "$line" -ge "$pat" ] && [ "$line" -le "$acc" ]'
