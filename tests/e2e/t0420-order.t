#!/bin/sh
# The same replies in every order: a ФЛК protocol, a control answer, a
# corrected control answer dated later and two insurers' demand answers,
# imported in all 120 orders, leave the same states, summary and sums; the
# decision that stands is the latest stage's, within a stage the later
# reply's, checked against a hand computation from what oms-import printed
cd "$(dirname "$0")" && . ./lib.sh || exit 1
plan 13

ws=$(newws ws conf)
oms-gen -s 5 -n 40 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
hreg=$(awk -F'\t' '$7 == "H" { print $1 }' "$TMP/reg")
oms-fund -s 3 --flk 3 --refuse 4 --partial 3 --demand-refuse 2 \
    --date 2026-11-10 -o "$TMP/A" "$harc" 2>/dev/null
oms-fund -s 11 --flk 2 --refuse 3 --partial 2 --demand-refuse 1 \
    --date 2026-11-20 -o "$TMP/B" "$harc" 2>/dev/null
rm -rf "${TMP:?}/snap" && cp -R "$ws" "$TMP/snap"	# the workspace after export

# the five replies: 1 ФЛК, 2 control, 3 corrected control, 4 and 5 demands
f1=$TMP/A/V$hreg.zip
f2=$(ls "$TMP"/A/HT76M760001_*[0-9].zip)
f3=$(ls "$TMP"/B/HT76M760001_*[0-9].zip)
f4=$(ls "$TMP"/A/HS76001M760001_*.zip)
f5=$(ls "$TMP"/A/HS76002M760001_*.zip)
check 'the five replies are there, the corrected control answer named like the first' \
    'for f in "$f1" "$f2" "$f3" "$f4" "$f5"; do [ -f "$f" ] || exit 1; done &&
     [ "${f2##*/}" = "${f3##*/}" ] &&
     unzip -p "$f2" | grep -q "<DATA>2026-11-10</DATA>" &&
     unzip -p "$f3" | grep -q "<DATA>2026-11-20</DATA>"'

# each reply once, in the order the fund sends them: what oms-import printed
for i in 1 2 3 4 5; do
	eval "oms-import -C \"\$ws\" \"\$f$i\"" >"$TMP/dec$i" 2>/dev/null ||
	    echo "import $i failed" >>"$TMP/fail0"
done
check 'the ФЛК protocol refuses some accounts; the control answer some wholly, some in part' \
    '[ ! -e "$TMP/fail0" ] &&
     awk -F"\t" "NR > 1 && \$4 == \"flk\" && \$5 == \"rejected\" { n++ } END { exit !n }" "$TMP/dec1" &&
     awk -F"\t" "NR > 1 && \$4 == \"control\" && \$5 == \"rejected\" { n++ } END { exit !n }" "$TMP/dec2" &&
     awk -F"\t" "NR > 1 && \$4 == \"control\" && \$5 == \"partial\" { n++ } END { exit !n }" "$TMP/dec2"'

# the standing decision by hand: demand (4, 5) over the corrected control
# (3) over the first control (2) over the ФЛК (1), account by account;
# stand N...: of the replies N, lines account decision refused(kopecks)
stand() {
	for i in "$@"; do
		awk -F'\t' -v r="$i" 'BEGIN { OFS = "\t" } NR > 1 {
		    s = $8; sub(/\./, "", s); print $1, $5, s + 0, (r >= 4 ? 4 : r) }' "$TMP/dec$i"
	done | sort -t "$(printf '\t')" -k1,1 -k4,4n |
	    awk -F'\t' 'BEGIN { OFS = "\t" } { d[$1] = $2 OFS $3 } END { for (a in d) print a, d[a] }' |
	    sort
}
stand 1 2 3 4 5 >"$TMP/stand"
check 'the replies disagree where order matters: the corrected control with the first, a demand with the corrected control' \
    'awk -F"\t" "FILENAME ~ /dec[45]\$/ { dem[\$1] = \$5; next }
	 FILENAME ~ /dec2\$/ { a[\$1] = \$5; next }
	 FNR > 1 && (\$1 in a) && a[\$1] != \$5 && !(\$1 in dem) { x++ }
	 FNR > 1 && (\$1 in dem) && dem[\$1] != \$5 { y++ }
	 END { exit !(x && y) }" "$TMP/dec4" "$TMP/dec5" "$TMP/dec2" "$TMP/dec3"'

# every order of the five, a fresh copy of the snapshot each time
awk 'BEGIN { for (a = 1; a <= 5; a++) for (b = 1; b <= 5; b++)
    for (c = 1; c <= 5; c++) for (d = 1; d <= 5; d++) for (e = 1; e <= 5; e++) {
	s = a b c d e
	if (index(s, 1) && index(s, 2) && index(s, 3) && index(s, 4) && index(s, 5))
		print a, b, c, d, e } }' >"$TMP/perms"
mkdir -p "$TMP/o"
t0=$(date +%s)
k=0
while read -r p1 p2 p3 p4 p5; do
	k=$((k + 1))
	rm -rf "${TMP:?}/w" && cp -R "$TMP/snap" "$TMP/w"
	for i in $p1 $p2 $p3 $p4 $p5; do
		eval "oms-import -C \"\$TMP/w\" \"\$f$i\"" >/dev/null 2>"$TMP/ierr" ||
		    echo "# order $k ($p1 $p2 $p3 $p4 $p5): reply $i: $(head -1 "$TMP/ierr")" >>"$TMP/fail"
	done
	{ oms-select -C "$TMP/w" -s rejected && oms-select -C "$TMP/w" -s partial &&
	  oms-select -C "$TMP/w" -s accepted; } >"$TMP/o/$k.sel" 2>&1
	oms-analyze -C "$TMP/w" -p 2026-10 >"$TMP/o/$k.an" 2>&1
	oms-invoice -C "$TMP/w" -p 2026-10 >"$TMP/o/$k.inv" 2>&1
done <"$TMP/perms"
t1=$(date +%s)
echo "# 120 orders in $((t1 - t0)) s"

# same KIND [FILTER]: every order's output KIND equals the first order's
# (after FILTER, if given); names the first that differs
same() {
	for k in $(seq 2 120); do
		if [ -n "${2:-}" ]; then
			eval "$2" <"$TMP/o/1.$1" >"$TMP/a" && eval "$2" <"$TMP/o/$k.$1" >"$TMP/b"
		else
			cp "$TMP/o/1.$1" "$TMP/a" && cp "$TMP/o/$k.$1" "$TMP/b"
		fi
		if ! cmp -s "$TMP/a" "$TMP/b"; then
			echo "# order $k ($(sed -n "${k}p" "$TMP/perms")) differs from order 1 ($(sed -n 1p "$TMP/perms")):" >&2
			diff "$TMP/a" "$TMP/b" | head -10 | sed 's/^/# /' >&2
			return 1
		fi
	done
}
check 'all 120 orders were imported, each reply accepted' \
    '[ "$(wc -l <"$TMP/perms")" -eq 120 ] && [ "$(sort -u "$TMP/perms" | wc -l)" -eq 120 ] &&
     [ ! -e "$TMP/fail" ] || { cat "$TMP/fail" >&2; exit 1; }'
check 'oms-select -s rejected, partial and accepted list the same in every order' 'same sel'
check 'oms-invoice -p 2026-10 prints the same in every order' 'same inv'
check 'oms-analyze -p 2026-10 sums the same in every order (contradiction rows aside)' \
    'same an "grep -v \"^contradiction	\""'
check 'oms-analyze -p 2026-10 prints byte for byte the same in every order' 'same an'

# against the hand computation: the outputs of the last order (demands
# first, the corrected control before the first, the ФЛК last)
awk -F'\t' '$2 == "rejected" { print $1 }' "$TMP/stand" >"$TMP/want-rej"
awk -F'\t' '$2 == "partial" { print $1 }' "$TMP/stand" >"$TMP/want-part"
awk -F'\t' 'NR > 1 && $1 != "account" && $8 == "rejected" { print $1 }' "$TMP/o/120.sel" | sort >"$TMP/got-rej"
awk -F'\t' 'NR > 1 && $1 != "account" && $8 == "partial" { print $1 }' "$TMP/o/120.sel" | sort >"$TMP/got-part"
check 'the rejected and the partly refused accounts are the hand computation'"'"'s' \
    '[ -s "$TMP/want-rej" ] && [ -s "$TMP/want-part" ] &&
     diff -u "$TMP/want-rej" "$TMP/got-rej" >&2 && diff -u "$TMP/want-part" "$TMP/got-part" >&2'

# per payer: every account of the period's registries (ledger export
# events), claimed, the refused sum that stands, accounts, refused accounts
awk -F'\t' '$2 == "export" && $5 == "2026-10" { s = $11; sub(/\./, "", s); print $3 "\t" $7 "\t" s + 0 }' \
    "$TMP/snap/ledger.tsv" | sort >"$TMP/payer"
join -t "$(printf '\t')" -a 1 "$TMP/payer" "$TMP/stand" |
    awk -F'\t' '{ n[$2]++; c[$2] += $3; r[$2] += $5; if ($4 == "rejected" || $4 == "partial") nr[$2]++ }
	END { for (p in n) printf "%s\t%d.%02d\t%d.%02d\t%d\t%d\n", p,
	    c[p] / 100, c[p] % 100, r[p] / 100, r[p] % 100, n[p], nr[p] }' | sort >"$TMP/hand"
check 'oms-invoice per payer: claimed, refused, accounts and refused accounts as by hand' \
    '[ "$(wc -l <"$TMP/hand")" -eq 3 ] && awk -F"\t" "\$3 != \"0.00\" { n++ } END { exit !n }" "$TMP/hand" &&
     tail -n +2 "$TMP/o/120.inv" | cut -f1-3,6,7 | sort | diff -u "$TMP/hand" - >&2'
check 'oms-analyze payer_total rows are oms-invoice'"'"'s payer, accounts, claimed, refused' \
    'awk -F"\t" "\$1 == \"payer_total\" { print \$2 \"\t\" \$4 \"\t\" \$5 \"\t\" \$6 }" "$TMP/o/120.an" | sort >"$TMP/pt" &&
     tail -n +2 "$TMP/o/120.inv" | awk -F"\t" "{ print \$1 \"\t\" \$6 \"\t\" \$2 \"\t\" \$3 }" | sort |
     diff -u - "$TMP/pt" >&2 && [ -s "$TMP/pt" ]'

# the ФЛК after the control answer: the control's refusals stand
rm -rf "${TMP:?}/w" && cp -R "$TMP/snap" "$TMP/w"
oms-import -C "$TMP/w" "$f2" >/dev/null 2>&1 && oms-import -C "$TMP/w" "$f1" >/dev/null 2>&1
late=$?
stand 1 2 >"$TMP/stand12"
awk -F'\t' '$2 == "rejected" { print $1 }' "$TMP/stand12" >"$TMP/c-rej"
awk -F'\t' '$2 == "partial" { print $1 }' "$TMP/stand12" >"$TMP/c-part"
# an account the control refused and the ФЛК accepted
acc=$(awk -F'\t' 'FNR == NR { if ($5 == "accepted") ok[$1] = 1; next }
    FNR > 1 && $5 == "rejected" && ok[$1] { print $1; exit }' "$TMP/dec1" "$TMP/dec2")
check 'a ФЛК protocol imported after the control answer leaves its refusals standing' \
    '[ $late -eq 0 ] && [ -n "$acc" ] && [ -s "$TMP/c-part" ] &&
     oms-select -C "$TMP/w" -s rejected | awk -F"\t" "NR > 1 { print \$1 }" | sort | diff -u "$TMP/c-rej" - >&2 &&
     oms-select -C "$TMP/w" -s partial | awk -F"\t" "NR > 1 { print \$1 }" | sort | diff -u "$TMP/c-part" - >&2'
oms-select -C "$TMP/w" --history "$acc" >"$TMP/hist"
check '... and oms-select --history lists that late ФЛК decision after the control'"'"'s' \
    'awk -F"\t" "\$2 == \"decision\" && \$7 == \"control\" && \$8 == \"rejected\" { c = NR }
	\$2 == \"decision\" && \$7 == \"flk\" && \$8 == \"accepted\" && c && NR > c { f = NR }
	\$2 == \"state\" { s = \$10 } END { exit !(f && s == \"rejected\") }" "$TMP/hist" ||
     { sed "s/^/# /" "$TMP/hist" >&2; exit 1; }'
done_testing
