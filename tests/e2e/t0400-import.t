#!/bin/sh
# oms-import: the simulated fund's replies read back, compared with what the
# simulator meant (its truth.tsv); refusals of bad replies
cd "${0%/*}" && . ./lib.sh
plan 16

ws=$(newws ws conf)
oms-gen -s 21 -n 60 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 | oms-export -C "$ws" >"$TMP/reg" 2>>"$TMP/setup.err"
harc=$ws/$(awk -F'\t' '$7 == "H" { print $2 }' "$TMP/reg")
darc=$ws/$(awk -F'\t' '$7 == "DP" { print $2 }' "$TMP/reg")
mkdir -p "$TMP/in"
oms-fund -s 3 --flk 3 --refuse 4 --partial 5 --demand-refuse 2 -o "$TMP/in" "$harc" "$darc" 2>/dev/null
check 'the simulator wrote replies' '[ "$(ls "$TMP/in"/*.zip | wc -l)" -ge 6 ]'

# in the order the fund sends them: ФЛК, control, demands
set -- "$TMP"/in/V*.zip
oms-import -C "$ws" "$@" >"$TMP/flk"; rc1=$?
oms-import -C "$ws" "$TMP"/in/[A-Z]*T76M760001_*[0-9].zip >"$TMP/control"; rc2=$?
oms-import -C "$ws" "$TMP"/in/[A-Z]*S760*.zip "$TMP"/in/[A-Z]*T76M*D.zip >"$TMP/demand"; rc3=$?
check 'every reply is imported' '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 0 ]'
check 'the output has the contract columns' \
    'head -1 "$TMP/flk" | grep -q "^account	registry	reply	stage	decision	claimed	accepted	refused	reasons$"'

# what oms-import read, keyed like the truth: registry stage n_zap
cat "$TMP/flk" "$TMP/control" "$TMP/demand" | awk -F'\t' 'BEGIN { OFS = "\t" }
    $1 != "account" { print $2, $4, $1, $5, $6, $7, $8, $9 }' | sort >"$TMP/got"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { print $1, $2, $5, $6, $7, $8, $9, $10 }' \
    "$TMP/in/truth.tsv" | sort >"$TMP/want"
check 'decisions, sums and reasons are what the fund meant' 'diff -u "$TMP/want" "$TMP/got" >&2'
nacc=$(($(grep -c "	export	" "$ws/ledger.tsv")))
check 'every account has exactly one ФЛК decision' \
    '[ "$(awk -F"\t" "\$1 != \"account\" { print \$1 }" "$TMP/flk" | sort -u | wc -l)" -eq "$nacc" ] &&
     [ "$(($(wc -l <"$TMP/flk") - 1))" -eq "$nacc" ]'
check '... and at most one per later stage' \
    '[ -z "$(awk -F"\t" "NR > 1 { print \$1 }" "$TMP/control" | sort | uniq -d)" ] &&
     [ -z "$(awk -F"\t" "NR > 1 { print \$1 }" "$TMP/demand" | sort | uniq -d)" ]'
check 'partial refusals carry the refused sum' \
    'awk -F"\t" "\$5 == \"partial\" && \$8 + 0 > 0 && \$7 + \$8 == \$6 { n++ } END { exit !n }" "$TMP/control"'
check 'accepted accounts show the accepted sum' \
    'awk -F"\t" "\$5 == \"accepted\" && \$7 != \$6 { bad++ } \$5 == \"accepted\" { n++ } END { exit bad || !n }" "$TMP/control"'
check 'the replies are kept in archive/ as received' \
    'for f in "$TMP"/in/*.zip; do cmp -s "$f" "$ws/archive/${f##*/}" || exit 1; done'
check 'refused accounts are in state rejected or partial' \
    '[ "$(oms-select -C "$ws" -s rejected | tail -n +2 | wc -l)" -gt 0 ] &&
     [ "$(oms-select -C "$ws" -s partial | tail -n +2 | wc -l)" -gt 0 ]'

# again: nothing changes
cp "$ws/ledger.tsv" "$TMP/ledger.before"
oms-import -C "$ws" "$TMP"/in/*.zip >"$TMP/again" 2>"$TMP/err"; rc=$?
check 'importing the same replies again changes nothing and says so' \
    '[ $rc -eq 0 ] && cmp -s "$TMP/ledger.before" "$ws/ledger.tsv" &&
     [ "$(wc -l <"$TMP/again")" -eq 1 ] && grep -q "already imported" "$TMP/err"'

# bad replies: refused, nothing changed
before=$(snapshot "$ws")
c=$(ls "$TMP"/in/HT76M760001_*[0-9].zip | head -1)
mkdir "$TMP/other" && (cd "$TMP/other" && unzip -q "$c" && for f in *; do
    sed 's/<CODE_MO>760001</<CODE_MO>760002</' "$f" >"${f%%760001*}760002${f#*760001}"; rm "$f"; done &&
    zip -q ../other.zip * && mv ../other.zip "../$(ls | sed 's/\.XML$/.zip/')")
o=$(ls "$TMP"/HT76M760002_*.zip)
expect_exit 'a reply to another МО is refused' 1 'addressed to МО 760002, but this workspace is МО 760001' \
    oms-import -C "$ws" "$o"
n=$(basename "$c" .zip); n9=$(echo "$n" | sed 's/_\(....\).*/_\19/')
mkdir "$TMP/never" && (cd "$TMP/never" && unzip -q "$c" && for f in *; do
    sed "s/$n/$n9/g" "$f" >"../x" && rm "$f" && mv ../x "$(echo "$f" | sed "s/$n/$n9/")"; done;
    zip -q "../$n9.zip" *)
expect_exit 'a reply to a registry never sent is refused' 1 'answers a registry this workspace never sent' \
    oms-import -C "$ws" "$TMP/$n9.zip"
mkdir "$TMP/cut" && head -c 700 "$c" >"$TMP/cut/$(basename "$c")"
expect_exit 'a truncated ZIP is refused naming the file' 1 "cut/$(basename "$c")" \
    oms-import -C "$ws" "$TMP/cut/$(basename "$c")"
unzip -p "$c" | head -c 3000 >"$TMP/cut/$n.XML"
expect_exit 'a cut XML is refused naming the file and line' 1 "cut/$n.XML:[0-9]+: " \
    oms-import -C "$ws" "$TMP/cut/$n.XML"
check '... and none of them changed the workspace' '[ "$before" = "$(snapshot "$ws")" ]'
done_testing
