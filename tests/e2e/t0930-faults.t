#!/bin/sh
# fault injection (after SQLite's I/O error tests): faultshim.so fails
# writes, stdio streams, syncs and renames under a directory as a full or
# broken disk would, and the short sweep of tests/faults/sweep.sh runs
# oms-export and the imports of the fund's answers with a fault at each
# kind of step, retries them, and wants the workspace of an undisturbed
# run: one test per point.  make faults runs the full sweep.
cd "${0%/*}" && . ./lib.sh
shim=$(cd ../faults && pwd)/faultshim.so
probe=../faults/probe
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

if [ ! -f "$shim" ] || [ ! -x "$probe" ]; then
	echo "1..1"
	echo "not ok 1 - faultshim.so and probe are built (make check builds them)"
	exit 1
fi

# probe NAME VAR=VALUE...: probe under the shim, its report in $TMP/NAME
probe() {
	n=$1
	shift
	rm -rf "$TMP/pd" "$TMP/outside"
	mkdir -p "$TMP/pd"
	env LD_PRELOAD="$shim" FAULT_DIR="$TMP/pd" "$@" \
	    "$probe" "$TMP/pd" "$TMP/outside" >"$TMP/$n" 2>"$TMP/$n.err"
}
# the steps of a probe report that did not say ok, on one line
notok() { grep -v ' ok$' "$TMP/$1" | tr '\n' ' ' | sed 's/ $//'; }

# --- the shim itself
probe plain FAULT_COUNT_FILE="$TMP/count" FAULT_TRACE="$TMP/trace"
check 'counting only, every step of the probe succeeds' \
    '[ "$(grep -c " ok$" "$TMP/plain")" -eq 17 ] &&
     [ "$(cat "$TMP/pd/a2" "$TMP/pd/b" "$TMP/pd/c2" | wc -c)" -eq 10170 ]'
check '... and FAULT_COUNT_FILE has the bytes and calls under FAULT_DIR, stdio too' \
    'grep -qx "probe bytes=10170 calls=9 write=5 fsync=2 rename=2" "$TMP/count"'
check '... FAULT_TRACE a line per call, the outside file and stderr not in it' \
    '[ "$(cut -d" " -f2 "$TMP/trace" | tr "\n" " ")" = "write pwrite fsync stdio stdio fsync stdio rename renameat " ] &&
     ! grep -q outside "$TMP/trace"'
probe stdio FAULT_AT=3
check 'glibc stdio does not write through write(); the shim fails a stream anyway' \
    '[ "$(notok stdio)" = "fwrite short 0 ferror ENOSPC fsync-fileno ENOSPC fdopen-fclose ENOSPC rename ENOSPC renameat ENOSPC" ]'
check '... a disk that filled up stays full; outside FAULT_DIR and stderr go on' \
    'grep -q "^outside-fclose ok" "$TMP/stdio" && grep -q "^stderr ok" "$TMP/stdio" &&
     [ "$(wc -c <"$TMP/outside")" -eq 30 ] && grep -q "to stderr" "$TMP/stdio.err"'
probe short FAULT_MODE=bytes FAULT_AT=99
check 'FAULT_MODE=bytes: the write across the limit is cut short, the next fails' \
    '[ "$(sed -n 1,2p "$TMP/short" | tr "\n" " ")" = "write short 99 pwrite ENOSPC " ]'
probe mid FAULT_MODE=bytes FAULT_AT=5000
check '... in a stream, fwrite writes what fits, then ferror' \
    'grep -qx "fwrite short 4850" "$TMP/mid" && grep -qx "ferror ENOSPC" "$TMP/mid"'
probe once FAULT_AT=1 FAULT_ONCE=1 FAULT_ERRNO=EIO FAULT_LOG="$TMP/log"
check 'FAULT_ONCE=1 FAULT_ERRNO=EIO: one call fails, EIO, and FAULT_LOG says which' \
    '[ "$(notok once)" = "pwrite EIO" ] &&
     [ "$(cat "$TMP/log")" = "probe pwrite $TMP/pd/a EIO" ]'
probe ops FAULT_AT=1 FAULT_OPS=rename
check 'FAULT_OPS=rename: the calls of the other kinds neither count nor fail' \
    '[ "$(notok ops)" = "renameat ENOSPC" ]'
rm -rf "$TMP/elsewhere"
mkdir -p "$TMP/elsewhere"
probe away FAULT_AT=0 FAULT_DIR="$TMP/elsewhere"
check 'files outside FAULT_DIR are never failed' '[ -z "$(notok away)" ]'

# --- the short sweep: a test per point
sh ../faults/sweep.sh --short -o "$TMP/sweep" >"$TMP/sweep.out" 2>"$TMP/sweep.err"
rc=$?
check 'the sweep sets up: undisturbed runs agree, the shim alone changes nothing' \
    '[ $rc -le 1 ] && [ -s "$TMP/sweep/results.tsv" ] ||
     { sed "s/^/# /" "$TMP/sweep.err" | head -10; exit 1; }'
tab=$(printf '\t')
while IFS=$tab read -r st var n verdict hit frc rrc what; do
	ntest=$((ntest + 1))
	d="$st: $var fault from N=$n ($hit), failed run exits $frc, retry $rrc"
	if [ "$verdict" = ok ]; then
		echo "ok $ntest - $d${what:+ # $what}"
		continue
	fi
	nfail=$((nfail + 1))
	echo "not ok $ntest - $d"
	echo "$what" | fold -s -w 150 | sed 's/^/# /'
	f=$TMP/sweep/fail/$st-$var-$n
	sed 's/^/# fault: /' "$f/run.msg" 2>/dev/null | head -3
	sed 's/^/# retry: /' "$f/retry.msg" 2>/dev/null | head -3
	grep -v '^diff ' "$f/state.diff" 2>/dev/null | cut -c1-160 | head -8 | sed 's/^/# /'
done <"$TMP/sweep/results.tsv"
plan $ntest
done_testing
