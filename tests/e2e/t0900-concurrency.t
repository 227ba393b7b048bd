#!/bin/sh
# two runs on one workspace: the second one fails at once, clearly, and no
# account is ever exported twice; readers go on while a writer works
cd "${0%/*}" && . ./lib.sh
plan 7

ws=$(newws ws conf)
oms-gen -s 6 -n 1500 -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2026-10 >"$TMP/due"

# a writer holds the workspace: every other writer fails at once
flock "$ws/.oms.lock" sleep 3 &
holder=$!
sleep 0.3
expect_exit 'oms-export fails at once, naming the holder' 3 \
    'workspace is in use by another oms run \(pid [^)]*\); try again' \
    timeout 2 oms-export -C "$ws" "$TMP/due"
expect_exit '... so does oms-import' 3 'in use' timeout 2 oms-import -C "$ws" /dev/null
expect_exit '... and oms-requeue' 3 'in use' timeout 2 oms-requeue -C "$ws" --restore-test 2026-10
check 'readers work meanwhile' \
    'timeout 2 oms-select -C "$ws" -p 2026-10 >/dev/null && timeout 2 oms-analyze -C "$ws" >/dev/null &&
     timeout 2 oms-invoice -C "$ws" -p 2026-10 >/dev/null 2>&1; [ $? -le 1 ]'
wait $holder

# two real exports of the same accounts started together, five times
ok=1 once=1
for round in 1 2 3 4 5; do
	w=$(newws "race$round" conf)
	cp -R "$ws/source" "$w/"
	oms-export -C "$w" "$TMP/due" >"$TMP/a.out" 2>"$TMP/a.err" & a=$!
	oms-export -C "$w" "$TMP/due" >"$TMP/b.out" 2>"$TMP/b.err" & b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	# one wins; the other found the workspace in use (3) or, late, the
	# accounts already in flight (1) and wrote nothing
	case "$ra$rb" in
	03|30|01|10) ;;
	*) ok=0; echo "# round $round: exits $ra and $rb" ;;
	esac
	n=$(awk -F'\t' '$2 == "export"' "$w/ledger.tsv" | wc -l)
	u=$(awk -F'\t' '$2 == "export" { print $3 }' "$w/ledger.tsv" | sort -u | wc -l)
	[ "$n" -eq "$(($(wc -l <"$TMP/due") - 1))" ] && [ "$n" -eq "$u" ] ||
	    { once=0; echo "# round $round: $n exports of $u accounts"; }
	[ "$(ls "$w/outbox" | wc -l)" -eq "$(awk -F"\t" "\$2 == \"registry\"" "$w/ledger.tsv" | wc -l)" ] ||
	    { once=0; echo "# round $round: outbox and ledger disagree"; }
done
check 'two exports at once: one wins, the other writes nothing' '[ $ok -eq 1 ]'
check '... every account exported exactly once, every archive recorded' '[ $once -eq 1 ]'
check '... the loser said why' 'grep -q "in use\|only new and queued" "$TMP/a.err" "$TMP/b.err"'
done_testing
