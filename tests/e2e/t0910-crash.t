#!/bin/sh
# crash consistency: oms-export, oms-import and oms-requeue killed with
# SIGKILL at varied moments (24 times); the next runs succeed, no account is
# lost, counted twice or put into two registries, and no half-written
# archive is left where it could be sent
cd "${0%/*}" && . ./lib.sh
plan 9

ws=$(newws ws conf)
oms-gen -s 9 -n 4000 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due"
ndue=$(($(wc -l <"$TMP/due") - 1))
# delays in seconds, varied but the same on every run of the test
delays() { awk -v n="$1" -v max="$2" -v seed="$3" \
    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", rand() * max }'; }
# kill -9 CMD... after a delay; the command's status is not looked at
killafter() {
	d=$1; shift
	"$@" >/dev/null 2>&1 &
	p=$!
	sleep "$d"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	return 0
}
# every archive in outbox/ is a whole ZIP the ledger records
outbox_ok() {
	for f in "$1"/outbox/*; do
		[ -e "$f" ] || continue
		unzip -tq "$f" >/dev/null 2>&1 || { echo "# $f: not a whole ZIP"; return 1; }
		awk -F'\t' -v f="outbox/${f##*/}" '$2 == "registry" && $12 == f { ok = 1 } END { exit !ok }' \
		    "$1/ledger.tsv" || { echo "# $f: not in the ledger"; return 1; }
	done
}

# --- oms-export, killed 10 times, then a run to the end
bad=0
for d in $(delays 10 0.9 11); do
	killafter "$d" oms-export -C "$ws" "$TMP/due"
	outbox_ok "$ws" || bad=1
	oms-select -C "$ws" -s in-flight >/dev/null || bad=1
done
check 'after each killed export: outbox holds only whole, recorded archives' '[ $bad -eq 0 ]'
oms-select -C "$ws" -p 2026-10 >"$TMP/due2"
oms-export -C "$ws" "$TMP/due2" >/dev/null 2>"$TMP/err"; rc=$?
check 'the next export succeeds' '[ $rc -eq 0 ] || [ "$(wc -l <"$TMP/due2")" -eq 1 ]'
awk -F'\t' '$2 == "export" { print $3 }' "$ws/ledger.tsv" | sort >"$TMP/exported"
check 'every account exported exactly once, none lost' \
    '[ "$(wc -l <"$TMP/exported")" -eq "$ndue" ] && [ -z "$(uniq -d "$TMP/exported")" ] &&
     [ "$(oms-select -C "$ws" -s in-flight | tail -n +2 | wc -l)" -eq "$ndue" ]'
check '... no temporary file left behind, every recorded archive in outbox/' \
    '[ -z "$(find "$ws" -name ".tmp-*" -o -name "*.tmp*")" ] && outbox_ok "$ws" &&
     for a in $(awk -F"\t" "\$2 == \"registry\" { print \$12 }" "$ws/ledger.tsv"); do
         [ -f "$ws/$a" ] || exit 1; done'

# --- oms-import of the answers, killed 8 times, then imported to the end
oms-fund -s 3 --flk 5 --refuse 40 --partial 20 -o "$TMP/in" "$ws"/outbox/*.zip 2>/dev/null
set -- "$TMP"/in/V*.zip "$TMP"/in/[A-Z]*T76M760001_*[0-9].zip
nfiles=$#
for d in $(delays 8 0.25 12); do
	killafter "$d" oms-import -C "$ws" "$@"
done
oms-import -C "$ws" "$@" >/dev/null 2>"$TMP/err"; rc=$?
check 'the next import succeeds' '[ $rc -eq 0 ]'
check 'every account has one decision per stage, none twice' \
    '[ "$(awk -F"\t" "\$2 == \"decision\" { split(\$13, d, \";\"); print \$3, d[1] }" "$ws/ledger.tsv" |
        sort | uniq -d | wc -l)" -eq 0 ] &&
     [ "$(awk -F"\t" "\$2 == \"decision\" && \$13 ~ /^stage=flk/" "$ws/ledger.tsv" | wc -l)" -eq "$ndue" ] &&
     [ "$(awk -F"\t" "\$2 == \"import\"" "$ws/ledger.tsv" | wc -l)" -eq "$nfiles" ]'

# --- oms-requeue of the refusals, killed 6 times, then to the end
oms-analyze -C "$ws" -r >"$TMP/rej"
nrej=$(($(wc -l <"$TMP/rej") - 1))
for d in $(delays 6 0.05 13); do
	killafter "$d" oms-requeue -C "$ws" -f "$TMP/rej"
done
oms-requeue -C "$ws" -f "$TMP/rej" >"$TMP/q" 2>"$TMP/err"
check 'the next requeue queues what is left' \
    '[ "$(oms-select -C "$ws" -s queued | tail -n +2 | wc -l)" -eq "$nrej" ]'
check '... each account queued once' \
    '[ "$(awk -F"\t" "\$2 == \"queue\" { print \$3 }" "$ws/ledger.tsv" | sort | uniq -d | wc -l)" -eq 0 ] &&
     [ "$(awk -F"\t" "\$2 == \"queue\"" "$ws/ledger.tsv" | wc -l)" -eq "$nrej" ]'
check 'the ledger ends with a whole block' 'tail -1 "$ws/ledger.tsv" | grep -q "	commit	"'
done_testing
