#!/bin/sh
# sweep.sh -- fault injection over the month's writing steps (after SQLite's
# I/O error tests)
#
# usage: sweep.sh [-k] [-j jobs] [-n cases] [-o dir] [-S stages]
#                 [-V variants] [-p stage:variant:N,...]
#                 [--short | --full | --large]
#
# Builds a synthetic workspace (examples/oms-gen, -n cases in October 2026,
# default 60; the fund's answers from examples/oms-fund) and takes it
# through these stages (-S, comma-separated):
#
#   export   oms-select -p P | oms-export          (the ledger is created)
#   control  oms-import of the ФЛК protocols and control answers
#   demand   oms-import of the answers to the payment demands
#   inbox    oms-import of all the answers at once, by name, as
#            "oms-import inbox/*" would (after export; --full only)
#
# (and the stages a stage starts from, undisturbed).
#
# Each stage runs undisturbed twice (the two must agree), once under
# faultshim.so counting (which must change nothing), and then once per
# point N of the sweep, from a copy of the stage's starting workspace:
#
#   1. the stage's program runs with faultshim.so failing its writes,
#      syncs or renames in the workspace from N on; it must not crash,
#      and if it exits 0 its work must be all done;
#   2. the ledger it leaves is absent or starts with the whole header,
#      and every reader still opens the workspace: oms-select -p P and
#      -s in-flight, oms-analyze -p P, oms-invoice -p P and oms-export -n
#      exit as they do on the workspace before or after the stage, never
#      with "not an oms ledger";
#   3. the fault is lifted and the same command runs again (for export the
#      pipeline oms-select | oms-export, as an operator would);
#   4. the workspace must then be what the undisturbed run left: the
#      ledger's blocks with the time column masked (in any order: a retry
#      imports the file that failed after the others), the files (outbox/
#      archives by name and the content of each entry, archive/ byte for
#      byte, no leftover temporary file), oms-select -s for every state,
#      oms-analyze -p P and -r, oms-invoice -p P, each with its exit
#      status.
#
# Variants (-V, comma-separated):
#   calls  the first N calls succeed, then every later one fails, ENOSPC
#   bytes  the first N bytes go, a write across that is cut short, then
#          every later call fails, ENOSPC (a disk that fills up)
#   once   the call after the first N fails once with EIO, the later ones
#          succeed (a transient error)
#
# --full (make faults): every stage; calls and once at every N from 0 to
# the number of calls less one; bytes at the middle of every write and at
# 48 points evenly over the bytes of the run.  --short (make check, the
# default): export, control and demand; calls at the first call on each
# kind of target (the lock, the temporary files, each step of the ledger,
# each rename, each directory sync), bytes at the middle of the first and
# of the last write to the ledger: about 30 points.  --large (make faults
# too): -n 25000, so that the ledger block of an export or an import goes
# out in pieces (LEDGER_PIECE, 4 MiB); export and control; bytes at the
# middle of every write to the ledger, and for export calls at each call
# on the ledger, each rename and each sync of a directory: about 20 points.
#
# Prints a line per point, then a summary; -o DIR keeps the results in DIR
# (results.tsv: stage variant N verdict op file exit retry-exit what;
# fail/STAGE-VARIANT-N/ the messages and diffs of each failing point;
# messages.txt every distinct message of the faulted runs, counted), else
# in a temporary directory removed at the end; -k keeps every point's
# workspaces too (run/).  -p runs only the points named.  -j runs points
# in parallel (default: the processors, at most 4).  Exit 0 when no point
# failed, 1 when some did, 2 on usage errors, 3 when the setup failed.
#
# Environment: the tree's programs (two directories up) come first in
# PATH; OMS_XSDDIR and OMS_REFDIR default to the tree's xsd/ and ref/;
# FAULT_SHIM overrides tests/faults/faultshim.so.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PATH=$top:$top/examples:$PATH
: "${OMS_XSDDIR:=$top/xsd}" "${OMS_REFDIR:=$top/ref}"
export PATH OMS_XSDDIR OMS_REFDIR
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1793145600	# 2026-10-28
# a program built with -fsanitize=address takes the shim before its runtime
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
unset OMS_DIR LD_PRELOAD FAULT_DIR FAULT_MODE FAULT_AT FAULT_ERRNO \
    FAULT_OPS FAULT_ONCE FAULT_COUNT_FILE FAULT_TRACE FAULT_LOG
shim=${FAULT_SHIM:-$here/faultshim.so}
P=2026-10

full=0 keep=0 out= only= ncases= stages= variants=
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$jobs" -gt 4 ] && jobs=4
usage() {
	echo "usage: sweep.sh [-k] [-j jobs] [-n cases] [-o dir] [-S stages]" >&2
	echo "                [-V variants] [-p stage:variant:N,...]" >&2
	echo "                [--short | --full | --large]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--full) full=1 ;;
	--large) full=2 ;;
	--short) full=0 ;;
	-k) keep=1 ;;
	-j) [ $# -ge 2 ] || usage; jobs=$2; shift ;;
	-o) [ $# -ge 2 ] || usage; out=$2; shift ;;
	-S) [ $# -ge 2 ] || usage; stages=$2; shift ;;
	-p) [ $# -ge 2 ] || usage; only=$2; shift ;;
	-n) [ $# -ge 2 ] || usage; ncases=$2; shift ;;
	-V) [ $# -ge 2 ] || usage; variants=$2; shift ;;
	*) usage ;;
	esac
	shift
done
# -p alone: the stages of the points named
[ -n "$only" ] && [ -z "$stages" ] &&
    stages=$(echo "$only" | tr , '\n' | cut -d: -f1 | awk '!s[$0]++' | tr '\n' , | sed 's/,$//')
case $full in
0) : "${ncases:=60}" "${stages:=export,control,demand}" "${variants:=calls,bytes}" ;;
1) : "${ncases:=60}" "${stages:=export,control,demand,inbox}" "${variants:=calls,bytes,once}" ;;
2) : "${ncases:=25000}" "${stages:=export,control}" "${variants:=calls,bytes}" ;;
esac
stages=$(echo "$stages" | tr , ' ')
variants=$(echo "$variants" | tr , ' ')
case $jobs in ''|*[!0-9]*|0) usage ;; esac

die() { echo "sweep: $*" >&2; exit 3; }
[ -f "$shim" ] || die "$shim: no such file (make tests/faults/faultshim.so)"
for p in oms-gen oms-fund oms-select oms-export oms-import oms-analyze oms-invoice; do
	command -v $p >/dev/null || die "$p: not in PATH (make)"
done
command -v unzip >/dev/null || die "unzip: not found"

if [ -n "$out" ]; then
	rm -rf "$out"
	mkdir -p "$out" || die "$out: cannot create"
	O=$(cd "$out" && pwd)
else
	O=$(mktemp -d "${TMPDIR:-/tmp}/oms-faults.XXXXXX") || die "mktemp"
	trap 'rm -rf "$O"' EXIT
	trap 'exit 130' INT TERM
fi
mkdir -p "$O/base" "$O/run" "$O/fail" "$O/msgs"

# ---------------------------------------------------------------- stages

# the stage's command on workspace $1, the shim's variables already in
# the environment of what runs under it
stage_run() {	# STAGE WS: the faulted command
	case $1 in
	export) oms-export -C "$2" <"$O/base/due.tsv" ;;
	control) oms-import -C "$2" $ctlfiles ;;
	demand) oms-import -C "$2" $demfiles ;;
	inbox) oms-import -C "$2" $allfiles ;;
	esac
}
stage_retry() {	# STAGE WS: the same command, the fault lifted
	case $1 in
	export) oms-select -C "$2" -p $P >"$2.due" && oms-export -C "$2" <"$2.due" ;;
	*) stage_run "$@" ;;
	esac
}
pre_of() {	# STAGE: the workspace the stage starts from
	case $1 in
	export) echo "$O/base/ws0" ;;
	control) echo "$O/base/ws-export" ;;
	demand) echo "$O/base/ws-control" ;;
	inbox) echo "$O/base/ws-export" ;;
	esac
}

# snap WS DIR: what a workspace is, as files to compare
snap() {
	mkdir -p "$2"
	# the ledger, its time masked: as it is (ledger.order, which a retry
	# may change when a file is imported after the others) and as the
	# set of its blocks (ledger): each line after the last line of its
	# block before the commit and its place in the block, sorted
	if [ -f "$1/ledger.tsv" ]; then
		awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $1 = "T" } { print }' \
		    "$1/ledger.tsv" >"$2/ledger.order"
		awk -F'\t' 'NR == 1 { print "header\t" $0; next }
		    { line[n++] = $0 }
		    $2 == "commit" {
			k = n > 1 ? line[n - 2] : line[0]
			for (i = 0; i < n; i++)
				printf "%s\t%06d\t%s\n", k, i, line[i]
			n = 0 }
		    END { for (i = 0; i < n; i++) printf "torn\t%06d\t%s\n", i, line[i] }' \
		    "$2/ledger.order" | LC_ALL=C sort >"$2/ledger"
	else
		echo "(no ledger.tsv)" >"$2/ledger"
		echo "(no ledger.tsv)" >"$2/ledger.order"
	fi
	# (not the source index: a cache, of the inodes and times of source/)
	(cd "$1" && find . -path ./source -prune -o -name .oms.lock -prune -o \
	    -name '.oms.srcindex*' -prune -o \
	    -type f -print | LC_ALL=C sort | while read -r f; do
		case $f in
		./outbox/*.zip)
			unzip -Z1 "$f" 2>/dev/null | LC_ALL=C sort | while read -r e; do
				printf '%s:%s %s\n' "$f" "$e" "$(unzip -p "$f" "$e" | cksum)"
			done
			unzip -tqq "$f" >/dev/null 2>&1 || echo "$f: not a whole ZIP" ;;
		./ledger.tsv) echo "$f" ;;
		*) printf '%s %s\n' "$f" "$(cksum <"$f")" ;;
		esac
	done) >"$2/files"
	for s in new in-flight accepted partial rejected queued; do
		(cd "$1" && oms-select -s $s; echo "exit $?") >"$2/select-$s" 2>&1
	done
	(cd "$1" && oms-analyze -p $P; echo "exit $?") >"$2/analyze" 2>&1
	(cd "$1" && oms-analyze -r; echo "exit $?") >"$2/rejected" 2>&1
	(cd "$1" && oms-invoice -p $P; echo "exit $?") >"$2/invoice" 2>&1
}

# opens WS DIR: the readers on a workspace, their exit status and stderr
opens() {
	mkdir -p "$2"
	(cd "$1" && oms-select -p $P >/dev/null 2>"$2/select.err"; echo $?) >"$2/select"
	(cd "$1" && oms-select -s in-flight >/dev/null 2>"$2/inflight.err"; echo $?) >"$2/inflight"
	(cd "$1" && oms-analyze -p $P >/dev/null 2>"$2/analyze.err"; echo $?) >"$2/analyze"
	(cd "$1" && oms-invoice -p $P >/dev/null 2>"$2/invoice.err"; echo $?) >"$2/invoice"
	(cd "$1" && oms-export -n <"$O/base/due.tsv" >/dev/null 2>"$2/export.err"; echo $?) >"$2/export"
}

# ---------------------------------------------------------------- setup

echo "# setup in $O"
ws0=$O/base/ws0
mkdir -p "$ws0" || die "mkdir"
cat >"$ws0/oms.conf" <<'EOF'
# a test МО (synthetic)
profile = ffoms
mo = 760001
ogrn = 1027600000001
kpp = 760401001
tfoms = 76
payers = 76001 76002
EOF
oms-gen -s 5 -n "$ncases" -m 1 -p $P -o "$ws0/source" 2>/dev/null || die "oms-gen failed"
oms-select -C "$ws0" -p $P >"$O/base/due.tsv" || die "oms-select failed"

# the undisturbed runs, each stage twice: the two must agree
chain=export
case " $stages " in *" control "*|*" demand "*) chain="$chain control" ;; esac
case " $stages " in *" demand "*) chain="$chain demand" ;; esac
case " $stages " in *" inbox "*) chain="$chain inbox" ;; esac
prev=$ws0
for st in $chain; do
	[ $st = inbox ] && prev=$O/base/ws-export
	for k in 1 2; do
		w=$O/base/ws-$st.$k
		cp -R "$prev" "$w"
		if [ $st != export ] && [ ! -d "$O/inbox" ]; then
			# the fund's answers to what the export built
			oms-fund -s 7 --flk 4 --refuse 10 --partial 5 --demand-refuse 10 \
			    -o "$O/inbox" "$O"/base/ws-export/outbox/*.zip 2>/dev/null ||
			    die "oms-fund failed"
			ctlfiles=$(ls "$O"/inbox/V*.zip "$O"/inbox/[A-Z]*T76M760001_*[0-9].zip)
			demfiles=$(ls "$O"/inbox/[A-Z]*S760*.zip "$O"/inbox/[A-Z]*T76M*D.zip)
			allfiles=$(ls "$O"/inbox/*.zip)	# by name, as inbox/* would
		fi
		stage_run $st "$w" >"$w.out" 2>"$w.err"
		echo $? >"$w.rc"
		snap "$w" "$O/base/snap-$st.$k"
	done
	diff -r "$O/base/snap-$st.1" "$O/base/snap-$st.2" >"$O/base/nondet-$st.diff" ||
	    die "$st: two undisturbed runs differ (see $O/base/nondet-$st.diff)"
	mv "$O/base/ws-$st.1" "$O/base/ws-$st"
	prev=$O/base/ws-$st
done
[ "$(cat "$O/base/ws-export.2.rc")" -eq 0 ] || die "the undisturbed export failed"
head -1 "$O/base/ws-export/ledger.tsv" >"$O/base/header"

# the count of each stage under the shim, which must change nothing
for st in $stages; do
	w=$O/base/count-$st
	cp -R "$(pre_of $st)" "$w"
	rm -f "$O/base/count-$st.tsv" "$O/base/trace-$st"
	(export FAULT_DIR="$w" FAULT_COUNT_FILE="$O/base/count-$st.tsv" \
	    FAULT_TRACE="$O/base/trace-$st" LD_PRELOAD="$shim"
	    stage_run $st "$w") >"$w.out" 2>"$w.err"
	snap "$w" "$O/base/snap-count-$st"
	diff -r "$O/base/snap-$st.2" "$O/base/snap-count-$st" >"$O/base/shim-$st.diff" ||
	    die "$st: under the shim, counting only, the run differs (see $O/base/shim-$st.diff)"
	[ -s "$O/base/count-$st.tsv" ] || die "$st: the shim counted nothing"
	opens "$(pre_of $st)" "$O/base/opens-pre-$st"
	opens "$w" "$O/base/opens-post-$st"
done

# ---------------------------------------------------------------- points

# the trace of a stage: INDEX FN BYTES-BEFORE NBYTES PATH, PATH relative to
# the workspace, random temporary suffixes masked
trace() {
	awk -v w="$O/base/count-$1" '{
		p = $5; sub("^" w "/?", "", p); sub(/-[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]$/, "-XXXXXX", p)
		if (p == "") p = "."
		print $1, $2, $3, $4, p }' "$O/base/trace-$1"
}

# points STAGE VARIANT: the values of N to try
points() {
	ncalls=$(sed 's/.* calls=\([0-9]*\).*/\1/' "$O/base/count-$1.tsv")
	nbytes=$(sed 's/.* bytes=\([0-9]*\).*/\1/' "$O/base/count-$1.tsv")
	if [ $full = 2 ]; then
		case $2 in
		calls)	# export: each call on the ledger, each rename, each
			# sync of a directory
			[ $1 = export ] || return 0
			trace $1 | awk '$5 == "ledger.tsv" || $2 ~ /rename/ ||
			    ($2 ~ /sync/ && $5 !~ /\.tmp-/) { print $1 - 1 }' ;;
		bytes)	# the middle of every write to the ledger
			trace $1 | awk '$5 == "ledger.tsv" && $2 !~ /sync/ &&
			    $4 > 1 { print $3 + int($4 / 2) }' ;;
		esac
		return
	fi
	if [ $full = 1 ]; then
		case $2 in
		calls|once) seq 0 $((ncalls - 1)) ;;
		bytes)
			{ trace $1 | awk '$2 !~ /sync|rename/ && $4 > 1 { print $3 + int($4 / 2) }'
			  awk -v n=$nbytes 'BEGIN { for (i = 0; i < 48; i++) print int(n * i / 48) }'
			} | sort -n | uniq ;;
		esac
		return
	fi
	case $2 in
	calls)	# the first call on each kind of target
		trace $1 | awk '{ t = $5
			if (t ~ /^outbox\/\.tmp-/) t = "outbox/.tmp-"
			else if (t ~ /^archive\/\.tmp-/) t = "archive/.tmp-"
			else if (t ~ /^\.tmp-/) t = ".tmp-"
			else if (t ~ /^archive\/./) t = "archive/"
			else if (t ~ /^outbox\/./) t = "outbox/"
			fn = $2; if (fn ~ /^(write|pwrite|pwrite64|writev|stdio)$/) fn = "write"
			k = fn " " t
			if (!(k in seen)) { seen[k] = 1; print $1 - 1 } }' ;;
	bytes)	# the middle of the first and of the last write to the ledger
		trace $1 | awk '$5 == "ledger.tsv" && $2 !~ /sync/ && $4 > 1 {
			if (!n++) print $3 + int($4 / 2); last = $3 + int($4 / 2) }
			END { if (n > 1) print last }' ;;
	esac	# once: none
}

# detail BASE SNAP: what differs in the ledger and the files, in words
detail() {
	lost=$(LC_ALL=C comm -23 "$1/ledger" "$2/ledger" | wc -l)
	extra=$(LC_ALL=C comm -13 "$1/ledger" "$2/ledger" | wc -l)
	[ $((lost + extra)) -gt 0 ] &&
	    printf ' (ledger: %d of %d lines missing, %d not in the undisturbed one' \
		"$lost" "$(wc -l <"$1/ledger")" "$extra" &&
	    LC_ALL=C comm -23 "$1/ledger" "$2/ledger" | head -1 | cut -f15- |
		cut -c1-60 | sed 's/\t/ /g; s/^/, such as "/; s/$/..."/' |
		tr -d '\n' && printf ')'
	LC_ALL=C comm -23 "$1/files" "$2/files" | cut -d' ' -f1 | head -3 |
	    sed 's/^/ (missing /; s/$/)/' | tr -d '\n'
	LC_ALL=C comm -13 "$1/files" "$2/files" | cut -d' ' -f1 | head -3 |
	    sed 's/^/ (extra /; s/$/)/' | tr -d '\n'
}

# variant settings, as env arguments
venv() {
	case $1 in
	calls) echo "FAULT_MODE=calls FAULT_ERRNO=ENOSPC" ;;
	bytes) echo "FAULT_MODE=bytes FAULT_ERRNO=ENOSPC" ;;
	once) echo "FAULT_MODE=calls FAULT_ERRNO=EIO FAULT_ONCE=1" ;;
	esac
}

# one STAGE VARIANT N: prints a results line
point() {
	st=$1 var=$2 n=$3
	id=$st-$var-$n
	w=$O/run/$id
	d=$O/run/$id.d
	rm -rf "$w" "$d" "$w.due"
	mkdir -p "$d"
	cp -R "$(pre_of $st)" "$w"
	# 1. the faulted run
	(export FAULT_DIR="$w" FAULT_AT=$n FAULT_LOG="$d/fault.log" \
	    LD_PRELOAD="$shim" $(venv $var)
	    stage_run $st "$w") >"$d/run.out" 2>"$d/run.err"
	rc=$?
	hit=$(head -1 "$d/fault.log" 2>/dev/null | awk -v w="$w" '{
		p = $3; sub("^" w "/?", "", p); sub(/-[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]$/, "-XXXXXX", p)
		if (p == "") p = "."
		print $2, p }')
	[ -n "$hit" ] || hit="(no fault) -"
	sed "s|$w|WS|g; s|\(\.tmp-[^ :]*\)-[A-Za-z0-9]\{6\}|\1-XXXXXX|g" "$d/run.err" >"$d/run.msg"
	cp "$d/run.msg" "$O/msgs/$id"
	find "$w" -name '.tmp-*' | sed "s|^$w/||" | LC_ALL=C sort >"$d/tmp-after-fault"
	what= note=
	[ $rc -ge 128 ] && what="${what}crashed (status $rc); "
	[ $rc -eq 0 ] && [ "$hit" != "(no fault) -" ] && note="${note}exit 0 under the fault; "
	[ -s "$d/tmp-after-fault" ] &&
	    note="${note}the failed run left $(wc -l <"$d/tmp-after-fault") temporary file(s); "
	# the ledger after the failed run: absent, or its header and whole blocks
	if [ -f "$w/ledger.tsv" ]; then
		lsize=$(wc -c <"$w/ledger.tsv")
		if [ "$(wc -l <"$w/ledger.tsv")" -eq 0 ] ||
		    [ "$(head -1 "$w/ledger.tsv")" != "$(cat "$O/base/header")" ]; then
			what="${what}ledger.tsv left with $lsize bytes and no header; "
		elif [ "$(tail -c 1 "$w/ledger.tsv" | od -An -c | tr -d ' ')" != '\n' ] ||
		    { [ "$(wc -l <"$w/ledger.tsv")" -gt 1 ] &&
		      [ "$(tail -1 "$w/ledger.tsv" | cut -f2)" != commit ]; }; then
			note="${note}ledger.tsv left with a torn tail; "
		fi
	fi
	# 2. the readers after the failed run
	opens "$w" "$d/opens"
	for c in select inflight analyze invoice export; do
		s=$(cat "$d/opens/$c")
		if grep -q 'not an oms ledger' "$d/opens/$c.err" ||
		    { [ "$s" != "$(cat "$O/base/opens-pre-$st/$c")" ] &&
		      [ "$s" != "$(cat "$O/base/opens-post-$st/$c")" ]; }; then
			what="${what}after the failed run $c exits $s: $(head -1 "$d/opens/$c.err" | sed "s|$w|WS|g"); "
		fi
	done
	# a run that says it succeeded must have done all of it
	if [ $rc -eq 0 ]; then
		snap "$w" "$d/snap-fault"
		diff -r -x ledger.order "$O/base/snap-$st.2" "$d/snap-fault" >"$d/fault.diff" ||
		    what="${what}exit 0 but the work is not all done; "
	fi
	# 3. the retry
	stage_retry $st "$w" >"$d/retry.out" 2>"$d/retry.err"
	rr=$?
	sed "s|$w|WS|g; s|\(\.tmp-[^ :]*\)-[A-Za-z0-9]\{6\}|\1-XXXXXX|g" "$d/retry.err" >"$d/retry.msg"
	[ $rr -ne "$(cat "$O/base/ws-$st.2.rc")" ] &&
	    what="${what}retry exits $rr: $(head -1 "$d/retry.msg"); "
	# 4. the state
	snap "$w" "$d/snap"
	if ! diff -r -x ledger.order "$O/base/snap-$st.2" "$d/snap" >"$d/state.diff"; then
		parts=$(diff -rq -x ledger.order "$O/base/snap-$st.2" "$d/snap" 2>&1 |
		    sed -n 's|.*/snap-[^/]*/\([^ ]*\) and .*|\1|p; s|^Only in \(.*\): \(.*\)|only:\2|p' |
		    tr '\n' ' ')
		what="${what}state differs: ${parts% }$(detail "$O/base/snap-$st.2" "$d/snap"); "
	elif ! cmp -s "$O/base/snap-$st.2/ledger.order" "$d/snap/ledger.order"; then
		note="${note}the ledger's blocks in another order; "
	fi
	verdict=ok
	[ -n "$what" ] && verdict=FAIL
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$st" "$var" "$n" "$verdict" \
	    "$hit" "$rc" "$rr" "${what:-}${note:+note: $note}" | sed 's/; *$//'
	if [ $verdict = FAIL ]; then
		rm -rf "$O/fail/$id"
		cp -R "$d" "$O/fail/$id"
	fi
	[ $keep = 1 ] || rm -rf "$w" "$w.due" "$d"
}

if [ -n "$only" ]; then
	echo "$only" | tr , '\n' | tr : ' '
else
	for st in $stages; do
		for var in $variants; do
			points $st $var | sed "s/^/$st $var /"
		done
	done
fi >"$O/points"
total=$(wc -l <"$O/points")
echo "# $total points; $(for st in $stages; do
	printf '%s: %s; ' $st "$(cat "$O/base/count-$st.tsv" | cut -d' ' -f2-)"; done)"

# the points, split over the jobs
i=0
while [ $i -lt "$jobs" ]; do
	awk -v j="$jobs" -v i=$i 'NR % j == i' "$O/points" | while read -r st var n; do
		point $st $var $n
	done >"$O/results.$i" &
	i=$((i + 1))
done
wait
# in the order of the stages and variants asked for, then by N
cat "$O"/results.[0-9]* | awk -F'\t' -v s="$stages" -v v="$variants" '
    BEGIN { ns = split(s, a, " "); for (i = 1; i <= ns; i++) rs[a[i]] = i
            nv = split(v, b, " "); for (i = 1; i <= nv; i++) rv[b[i]] = i }
    { print rs[$1] + 0 "\t" rv[$2] + 0 "\t" $0 }' |
    sort -t "$(printf '\t')" -k1,1n -k2,2n -k5,5n | cut -f3- >"$O/results.tsv"
rm -f "$O"/results.[0-9]*

# every distinct message of the faulted runs, with how many runs said it
cat "$O"/msgs/* 2>/dev/null | LC_ALL=C sort | uniq -c | sort -rn >"$O/messages.txt"

# ---------------------------------------------------------------- report

awk -F'\t' '{ printf "%-4s %-7s %-5s N=%-7s %-28s exit %s, retry %s%s\n",
	$4 == "ok" ? "ok" : "FAIL", $1, $2, $3, $5, $6, $7, $8 == "" ? "" : ": " $8 }' \
    "$O/results.tsv"
echo "# summary"
awk -F'\t' '{ k = $1 " " $2; n[k]++; if ($4 != "ok") f[k]++ }
    END { for (k in n) printf "#   %-16s %4d points, %3d failed\n", k, n[k], f[k] }' \
    "$O/results.tsv" | sort
nfail=$(awk -F'\t' '$4 != "ok"' "$O/results.tsv" | wc -l)
echo "# $total points, $nfail failed"
[ "$nfail" -eq 0 ]
