# lib.sh -- a small TAP harness for the end-to-end tests (after mblaze's
# t/lib.sh and git's test_cmp).  Sourced by every tests/e2e/t*.t script,
# which run from tests/e2e with the built programs first in PATH.

ntest=0
nfail=0
TMP=${TMPDIR:-/tmp}/oms-e2e.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1793145600	# 2026-10-28

plan() { echo "1..$1"; }

ok() {	# ok DESCRIPTION COMMAND...: passes when the command succeeds
	d=$1; shift
	ntest=$((ntest + 1))
	if "$@" >"$TMP/out" 2>"$TMP/err"; then
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d"
		sed 's/^/# /' "$TMP/err" | head -20
	fi
}

expect_out() {	# expect_out DESCRIPTION GOLDEN COMMAND...
	d=$1; g=$2; shift 2
	ntest=$((ntest + 1))
	"$@" >"$TMP/out" 2>"$TMP/err"
	if diff -u "$g" "$TMP/out" >"$TMP/diff"; then
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d"
		sed 's/^/# /' "$TMP/diff" | head -30
		sed 's/^/# stderr: /' "$TMP/err" | head -10
	fi
}

expect_exit() {	# expect_exit DESCRIPTION STATUS STDERR-ERE COMMAND...
	d=$1; want=$2; re=$3; shift 3
	ntest=$((ntest + 1))
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ] &&
	    { [ -z "$re" ] || grep -Eq -- "$re" "$TMP/err"; }; then
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d (exit $got, want $want; stderr /$re/)"
		sed 's/^/# /' "$TMP/err" | head -20
	fi
}

check() {	# check DESCRIPTION SHELL-EXPRESSION: an assertion on state
	d=$1; shift
	ntest=$((ntest + 1))
	if (eval "$1"); then	# a subshell: "exit 1" fails the check only
		echo "ok $ntest - $d"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $d"
		echo "# failed: $1"
	fi
}

# newws NAME FIXTURE: a fresh workspace copied from data/FIXTURE
newws() {
	rm -rf "$TMP/$1"
	cp -R "data/$2" "$TMP/$1"
	echo "$TMP/$1"
}

# snapshot DIR: what a workspace holds, to compare before and after (not
# the source index, a cache that readers write too: oms(7))
snapshot() {
	(cd "$1" && find . -path ./source -prune -o -name .oms.lock -prune -o \
	    -name ".oms.srcindex*" -prune -o -type f -print |
	    LC_ALL=C sort | while read -r f; do
		printf '%s %s\n' "$f" "$(cksum <"$f")"
	done)
}

done_testing() {
	[ "$nfail" -eq 0 ]
}
