#!/bin/sh
# oms-select: the accounts due for a period, cross-checked against the
# source files with xmllint
cd "${0%/*}" && . ./lib.sh
plan 13

ws=$(newws ws conf)
oms-gen -s 7 -n 30 -m 3 -p 2026-08 -o "$ws/source" 2>/dev/null

# what the source says, independently of oms: SL_ID, DATE_Z_2, SUMV, SMO
expected() {	# expected FIRST LAST: cases of H and DP files ending in [FIRST, LAST]
	for f in "$ws"/source/*.xml; do
		case $(xmllint --xpath 'name(/*)' "$f") in ZL_LIST) ;; *) continue ;; esac
		kind=$(xmllint --xpath 'string(/ZL_LIST/ZGLV/FILENAME)' "$f" | sed 's/M.*//')
		n=$(xmllint --xpath 'count(/ZL_LIST/ZAP)' "$f")
		i=1
		while [ "$i" -le "$n" ]; do
			z="/ZL_LIST/ZAP[$i]"
			printf '%s\t%s\t%s\t%s\t%s\n' \
			    "$(xmllint --xpath "string($z/Z_SL/SL[1]/SL_ID)" "$f")" \
			    "$kind" \
			    "$(xmllint --xpath "string($z/PACIENT/SMO)" "$f")" \
			    "$(xmllint --xpath "string($z/Z_SL/SUMV)" "$f")" \
			    "$(xmllint --xpath "string($z/Z_SL/DATE_Z_2)" "$f")"
			i=$((i + 1))
		done
	done | awk -F'\t' -v a="$1" -v b="$2" 'BEGIN { OFS = "\t" }
	    $5 >= a && $5 <= b {
		payer = ($3 == "76001" || $3 == "76002") ? $3 : "76000"
		print $1, $2, payer, $4, $5 }' | sort
}
got() { awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { print $1, $3, $4, $6, $7 }' | sort; }

expected 2026-10-01 2026-10-31 >"$TMP/want10"
check 'the fixture has cases in 2026-10' '[ $(wc -l <"$TMP/want10") -ge 10 ]'
oms-select -C "$ws" -p 2026-10 >"$TMP/sel10"; rc=$?
check 'select -p 2026-10 exits 0' '[ $rc -eq 0 ]'
got <"$TMP/sel10" >"$TMP/got10"
check 'select lists exactly the cases that ended in 2026-10' 'cmp -s "$TMP/want10" "$TMP/got10"'
check 'the header has the contract columns' \
    'head -1 "$TMP/sel10" | grep -q "^account	period	kind	payer	pr_nov	sum	case_end"'
check 'every row is primary, for period 2026-10, state new' \
    '[ -z "$(awk -F"\t" "NR > 1 && (\$2 != \"2026-10\" || \$5 != 0 || \$8 != \"new\")" "$TMP/sel10")" ]'
check 'people insured elsewhere are billed to 76000' \
    'awk -F"\t" "\$4 == \"76000\"" "$TMP/sel10" | grep -q .'

expected 2026-08-01 2026-10-31 >"$TMP/want3"
oms-select -C "$ws" -p 2026-10 --primary-from 2026-08-01 | got >"$TMP/got3"
check '--primary-from brings the earlier unsent months' 'cmp -s "$TMP/want3" "$TMP/got3"'

expect_out 'stdin-free: same output with OMS_DIR' "$TMP/sel10" env OMS_DIR="$ws" oms-select -p 2026-10
oms-select -C "$ws" -p 2026-10 -k DP >"$TMP/dp"
check '-k DP selects the dispensarisation cases only' \
    '[ "$(awk -F"\t" "NR == 1 || \$3 == \"DP\"" "$TMP/sel10")" = "$(cat "$TMP/dp")" ]'
oms-select -C "$ws" -p 2026-10 -P 76002 >"$TMP/p2"
check '-P 76002 selects one payer' \
    '[ "$(awk -F"\t" "NR == 1 || \$4 == \"76002\"" "$TMP/sel10")" = "$(cat "$TMP/p2")" ]'

expect_exit 'a bad period is a usage error' 2 'not a period' oms-select -C "$ws" -p 2026-13
expect_exit 'unknown option' 2 '^usage:' oms-select -Z
expect_exit '-e with nothing selected exits 1' 1 '' oms-select -e -C "$ws" -p 2025-01
done_testing
