#!/bin/sh
# oms-cron.sh -- the unattended work of one МО, for cron
#
#   oms-cron.sh WORKSPACE
#
# Imports what the fund and the insurers put into WORKSPACE/inbox/ (moved
# to inbox/imported/ when read, to inbox/failed/ when refused), then writes
# the refusals report of this month and the last one into
# WORKSPACE/reports/.  Everything it does goes to
# WORKSPACE/log/cron-YYYY-MM.log.  When all is well it prints nothing;
# when anything failed it prints the run's log and exits non-zero, so cron
# mails it.  Another run still at work: exit 0 and a line in the log
# (the next run catches up).
#
# A crontab line (every night at 02:15; cron mails MAILTO on failure):
#
#   MAILTO=oms-admin@example.org
#   15 2 * * *  /usr/local/share/oms/examples/oms-cron.sh /srv/oms/mo760001
set -u

ws=${1:?usage: oms-cron.sh WORKSPACE}
[ -f "$ws/oms.conf" ] || { echo "oms-cron: $ws: no oms.conf here" >&2; exit 2; }
mkdir -p "$ws/log" "$ws/reports" "$ws/inbox/imported" "$ws/inbox/failed" || exit 3
umask 077

log=$ws/log/cron-$(date +%Y-%m).log
run=$(mktemp "${TMPDIR:-/tmp}/oms-cron.XXXXXX") || exit 3
trap 'rm -f "$run"' EXIT
note() { printf '%s %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >>"$run"; }
fail=0

# one run at a time per workspace; the programs lock the workspace too,
# this keeps two cron runs from interleaving their steps
exec 9>"$ws/.cron.lock"
if ! flock -n 9; then
	note "another oms-cron.sh is at work on $ws; nothing done"
	cat "$run" >>"$log"
	exit 0
fi

note "start"
for f in "$ws"/inbox/*; do
	[ -f "$f" ] || continue
	if oms-import -C "$ws" "$f" >>"$run" 2>&1; then
		mv "$f" "$ws/inbox/imported/"
		note "imported ${f##*/}"
	else
		mv "$f" "$ws/inbox/failed/"
		note "REFUSED ${f##*/} (moved to inbox/failed/)"
		fail=1
	fi
done

this=$(date +%Y-%m)
last=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m 2>/dev/null || echo "")
for p in $last $this; do
	if ! oms-analyze -C "$ws" -p "$p" -q --html "$ws/reports/otkazy-$p.html" \
	    >"$ws/reports/otkazy-$p.tsv" 2>>"$run"; then
		note "oms-analyze -p $p failed"
		fail=1
	fi
done
note "end, status $fail"
cat "$run" >>"$log"
if [ "$fail" -ne 0 ]; then
	echo "oms-cron: $ws: something failed; the run's log follows (all of them: $log)"
	cat "$run"
	exit 1
fi
exit 0
