#!/bin/sh
# examples/oms-batch.sh over 20 МО workspaces with GNU parallel, one made to
# fail; examples/oms-cron.sh for one МО
cd "${0%/*}" && . ./lib.sh
plan 9
PATH=$PWD/../../examples:$PATH

cd "$TMP" || exit 1
i=1
while [ $i -le 20 ]; do
	w=$(printf 'mo%02d' $i)
	mkdir "$w"
	sed "s/^mo = .*/mo = 7600$(printf '%02d' $i)/" "$OLDPWD/data/conf/oms.conf" >"$w/oms.conf"
	oms-gen -s $i -n 150 -m 1 -p 2026-10 -o "$w/source" 2>/dev/null
	i=$((i + 1))
done
printf 'profile = ffoms\nmo = 7600\n' >mo07/oms.conf	# broken on purpose

OMS_BATCH_LOG=$TMP/export.joblog oms-batch.sh -j 4 export 2026-10 mo* >out 2>err; rc=$?
check 'the batch reports failure' '[ $rc -eq 1 ]'
check '... names the one workspace that failed, and only it' \
    'grep -q "20 workspaces, 19 ok, 1 failed" err && grep -q "^  mo07 (exit 1)" err &&
     [ "$(grep -c "^  mo" err)" -eq 1 ]'
check '... with its error, tagged with the workspace' 'grep -q "^mo07	oms-select: mo07/oms.conf:2: " err'
check 'the other 19 built their registries' \
    '[ "$(ls mo*/outbox/HM*.zip | wc -l)" -eq 19 ] && [ ! -d mo07/outbox ]'
check 'the jobs ran in parallel (4 at once)' \
    'awk -F"\t" "NR > 1 { printf \"%.3f %.3f\\n\", \$3, \$3 + \$4 }" export.joblog | sort -n |
     awk "{ s[NR] = \$1; e[NR] = \$2 } END { for (i = 1; i <= NR; i++) { n = 0;
         for (j = 1; j <= NR; j++) if (s[j] <= s[i] && e[j] > s[i]) n++; if (n > m) m = n }
         exit !(m >= 2) }"'
printf ':\n' >logins
printf 'mo01\nmo02\n' | OMS_BATCH_LOG=$TMP/an.joblog oms-batch.sh --sshloginfile logins analyze 2026-10 >out3 2>err3; rc=$?
check 'workspaces from stdin, --sshloginfile (":" is this machine)' \
    '[ $rc -eq 0 ] && grep -q "2 workspaces, 2 ok, 0 failed" err3 && [ -s mo01/otkazy-2026-10.html ]'

# the cron script: import what arrived, say nothing unless something failed
cp -R mo01 cron
oms-fund -s 1 --refuse 2 -o cron/inbox cron/outbox/HM*.zip 2>/dev/null
rm -f cron/inbox/truth.tsv
printf 'not a reply\n' >cron/inbox/HT76M760001_26109.xml
oms-cron.sh "$TMP/cron" >cout 2>&1; rc=$?
check 'oms-cron.sh: a refused file fails the run, which prints its log' \
    '[ $rc -eq 1 ] && grep -q "REFUSED HT76M760001_26109.xml" cout &&
     [ -f cron/inbox/failed/HT76M760001_26109.xml ] && [ "$(ls cron/inbox/imported | wc -l)" -ge 4 ]'
oms-cron.sh "$TMP/cron" >cout2 2>&1; rc=$?
check '... a quiet run prints nothing, logs and reports' \
    '[ $rc -eq 0 ] && [ ! -s cout2 ] && [ "$(cat cron/log/cron-*.log | grep -c " start$")" -eq 2 ] &&
     ls cron/reports/otkazy-*.html >/dev/null'
flock cron/.cron.lock oms-cron.sh "$TMP/cron" >cout3 2>&1; rc=$?
check '... and a second run at once leaves it to the first' \
    '[ $rc -eq 0 ] && [ ! -s cout3 ] && grep -q "another oms-cron.sh is at work" cron/log/cron-*.log'
done_testing
