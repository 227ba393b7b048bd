#!/bin/sh
# oms-batch.sh -- run one stage of the month over many МО workspaces with
# GNU parallel, on this machine or across machines, and say which failed
#
#   oms-batch.sh [-j N] [--sshloginfile FILE] STAGE [PERIOD] [WORKSPACE ...]
#
# Workspaces are the arguments, or lines of standard input when there are
# none.  Stages:
#
#   export PERIOD    oms-select -p PERIOD | oms-export (the main registry)
#   test PERIOD      the same with --test
#   import           oms-import of every file in WORKSPACE/inbox/
#   analyze PERIOD   oms-analyze, and WORKSPACE/otkazy-PERIOD.html
#   invoice PERIOD   oms-invoice, and WORKSPACE/summy-PERIOD.html
#   requeue PERIOD   oms-analyze -r | oms-requeue
#
# -j N runs N workspaces at once (default: one per CPU).  With
# --sshloginfile the jobs run on the machines listed there (see
# parallel(1); ":" is this machine); the workspaces are paths on those
# machines, where the oms programs must be installed.  Every job's output
# comes back prefixed with its workspace; the joblog is kept in
# $OMS_BATCH_LOG (default ./oms-batch.joblog).  Exit status: 0 when every
# workspace succeeded, 1 when any failed (they are listed), 2 on misuse.
set -eu

usage() {
	sed -n '4,6p' "$0" | sed 's/^# *//' >&2
	exit 2
}

jobs=
login=
while [ $# -gt 0 ]; do
	case $1 in
	-j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--sshloginfile) [ $# -ge 2 ] || usage; login=$2; shift 2 ;;
	--sshloginfile=*) login=${1#*=}; shift ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
stage=$1
shift
case $stage in
export|test|analyze|invoice|requeue)
	[ $# -ge 1 ] || usage
	period=$1
	shift
	case $period in
	[0-9][0-9][0-9][0-9]-[0-1][0-9]) ;;
	*) echo "oms-batch: $period: not a period YYYY-MM" >&2; exit 2 ;;
	esac ;;
import) period= ;;
*) echo "oms-batch: unknown stage \"$stage\"" >&2; usage ;;
esac

# One workspace's job, as a shell command; {} is the workspace (GNU
# parallel quotes it).  Intermediate files live in the workspace.
case $stage in
export)
	cmd="oms-select -C {} -p $period >{}/due-$period.tsv &&
	     oms-export -C {} {}/due-$period.tsv" ;;
test)
	cmd="oms-select -C {} -p $period >{}/due-$period.tsv &&
	     oms-export -C {} --test {}/due-$period.tsv" ;;
import)
	cmd="set -- {}/inbox/*; [ -e \"\$1\" ] || exit 0;
	     oms-import -C {} \"\$@\" >/dev/null" ;;
analyze)
	cmd="oms-analyze -C {} -p $period --html {}/otkazy-$period.html" ;;
invoice)
	cmd="oms-invoice -C {} -p $period &&
	     oms-invoice -C {} -p $period --format html >{}/summy-$period.html" ;;
requeue)
	cmd="oms-analyze -C {} -p $period -r >{}/rejected-$period.tsv &&
	     oms-requeue -C {} {}/rejected-$period.tsv" ;;
esac

joblog=${OMS_BATCH_LOG:-./oms-batch.joblog}
list=$(mktemp "${TMPDIR:-/tmp}/oms-batch.XXXXXX")
trap 'rm -f "$list"' EXIT
if [ $# -gt 0 ]; then
	printf '%s\n' "$@" >"$list"
else
	grep -v '^[[:space:]]*$' >"$list" || true
fi
n=$(wc -l <"$list")
[ "$n" -gt 0 ] || { echo "oms-batch: no workspaces" >&2; exit 2; }

set -- --will-cite --joblog "$joblog" --tag --line-buffer -a "$list"
[ -n "$jobs" ] && set -- "$@" -j "$jobs"
[ -n "$login" ] && set -- "$@" --sshloginfile "$login"
for v in OMS_XSDDIR OMS_REFDIR; do
	eval "[ -n \"\${$v:-}\" ]" && set -- "$@" --env "$v"
done
parallel "$@" "$cmd" || true

# the joblog: Seq is the workspace's line in the list, Exitval column 7
failed=$(awk -F'\t' 'NR > 1 && ($7 != 0 || $8 != 0) { print $1 "\t" $7 "\t" $2 }' "$joblog" |
    sort -n | while IFS="$(printf '\t')" read -r seq ex host; do
	printf '  %s (exit %s%s)\n' "$(sed -n "${seq}p" "$list")" "$ex" \
	    "$( [ "$host" = : ] || [ -z "$host" ] || printf ' on %s' "$host")"
done)
ran=$(($(wc -l <"$joblog") - 1))
nfail=$(printf '%s' "$failed" | grep -c . || true)
printf 'oms-batch: %s %s: %d workspaces, %d ok, %d failed\n' "$stage" "$period" \
    "$n" "$((ran - nfail))" "$((nfail + n - ran))" >&2
if [ -n "$failed" ] || [ "$ran" -ne "$n" ]; then
	[ -n "$failed" ] && printf '%s\n' "$failed" >&2
	[ "$ran" -ne "$n" ] && echo "oms-batch: $((n - ran)) did not run (see $joblog)" >&2
	exit 1
fi
exit 0
