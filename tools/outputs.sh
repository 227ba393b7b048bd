#!/bin/sh
# outputs.sh -- record what the oms programs print over the demos and the
# end-to-end tests, so that a change meant to keep behaviour can show it did
#
# usage: tools/outputs.sh OUT         (from the top of a built tree)
#        tools/outputs.sh -c OLD NEW  (compare two recordings)
#
# Every run of an oms program goes through a wrapper that keeps its
# arguments, standard output, standard error and exit status, with the
# test's temporary directory and clock times replaced by fixed words.  OUT
# gets one file per test (and per demo) listing the SHA-256 of each run
# in order, the runs themselves in OUT/runs/, and the demos' workspaces
# as a list of file hashes.  Runs of concurrent tests are compared as sets.
set -eu

if [ "${1:-}" = -c ]; then
	old=$2 new=$3 st=0
	for f in "$old"/*.idx; do
		t=$(basename "$f")
		if [ ! -f "$new/$t" ]; then echo "missing in $new: $t"; st=1; continue; fi
		if ! cmp -s "$f" "$new/$t"; then
			# order may differ between concurrent runs: compare as sets
			if [ "$(sort "$f" | cut -d' ' -f2 | sort)" = \
			    "$(sort "$new/$t" | cut -d' ' -f2 | sort)" ]; then
				echo "same runs, another order: $t"
			elif [ "$t" = t0910-crash.idx ]; then
				# it kills runs at random moments: which runs
				# see the lock varies between two recordings
				# of one build; its .tap is compared below
				echo "runs vary by design: $t"
			else
				echo "differs: $t"; st=1
				diff "$f" "$new/$t" | head -5
			fi
		fi
	done
	for f in "$old"/*.tap "$old"/*.out "$old"/*.files; do
		t=$(basename "$f")
		if [ "$t" = t0910-crash.tap ]; then
			# what the killed runs left to warn about varies too:
			# its verdicts must agree
			[ "$(grep -E '^(not )?ok|^1\.\.' "$f")" = \
			    "$(grep -E '^(not )?ok|^1\.\.' "$new/$t")" ] ||
			    { echo "differs: $t"; st=1; }
			continue
		fi
		if [ "$t" = t0930-faults.tap ]; then
			# its byte offsets count the lock's pid, whose digits
			# vary from run to run
			m='s/bytes fault from N=[0-9]*/bytes fault from N=#/'
			[ "$(sed "$m" "$f")" = "$(sed "$m" "$new/$t")" ] ||
			    { echo "differs: $t"; st=1; }
			continue
		fi
		cmp -s "$f" "$new/$t" || { echo "differs: $t"; st=1; }
	done
	n=$(cat "$old"/*.idx | wc -l)
	echo "compared $(ls "$old"/*.idx | wc -l) recordings, $n runs"
	exit $st
fi

out=$(mkdir -p "$1" && cd "$1" && pwd)
top=$(pwd)
rm -rf "$out"/*
mkdir -p "$out/runs" "$out/bin"
progs="oms-select oms-export oms-import oms-nsi oms-analyze oms-requeue oms-invoice"
for p in $progs; do
	cat >"$out/bin/$p" <<W
#!/bin/sh
# records one run (tools/outputs.sh)
d=\$(mktemp -d "$out/runs/.r-XXXXXX")
"$top/$p" "\$@" >"\$d/out" 2>"\$d/err"
rc=\$?
cat "\$d/out"; cat "\$d/err" >&2
{
	printf '%s' "$p"; for a in "\$@"; do printf ' [%s]' "\$a"; done
	printf '\n--- stdout\n'; cat "\$d/out"
	printf '\n--- stderr\n'; cat "\$d/err"
	printf '\n--- exit %d\n' "\$rc"
} | sed -e "s|\$REC_TMP|TMP|g" -e "s|$top|TOP|g" \
    -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]\([.0-9]*\)\(Z\|[+-][0-9:]*\)\{0,1\}/TIME/g' \
    -e 's/pid [0-9][0-9]*/pid N/g' >"\$d/rec"
h=\$(sha256sum "\$d/rec" | cut -c1-16)
mv "\$d/rec" "$out/runs/\$h"; rm -rf "\$d"
( flock 9; echo "\$(date +%s%N) \$h $p" >>"$out/\$REC_NAME.idx" ) 9>>"$out/.lock"
exit \$rc
W
	chmod +x "$out/bin/$p"
done

# clock times, as the ledger and the reports write them
times='s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]\([.0-9]*\)\(Z\|[+-][0-9:]*\)\{0,1\}/TIME/g'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMS_XSDDIR="$top/xsd" OMS_REFDIR="$top/ref" LC_ALL=C
for t in tests/e2e/t*.t; do
	name=$(basename "$t" .t)
	mkdir -p "$tmp/$name"
	( cd tests/e2e && REC_NAME=$name REC_TMP="$tmp/$name/oms-e2e.[0-9]*" \
	    TMPDIR="$tmp/$name" \
	    PATH="$out/bin:$top:$top/examples:$PATH" sh "./$name.t" \
	    2>&1 | sed 's/ in [0-9.]* s$/ in N s/' >"$out/$name.tap" ) || true
done
for d in demo demo-yar76; do
	ws="$tmp/$d-ws"
	# the demo puts the tree first in PATH: the wrappers go before it
	sed "s|^PATH=\$top:\$here:\$PATH|PATH=$out/bin:\$top:\$here:\$PATH|
	    s|^ws=\$here/demo-yar76-ws\$|ws=$ws|" \
	    "examples/$d.sh" >"examples/.rec-$d.sh"
	REC_NAME=$d REC_TMP="$ws" OMS_DEMO_WS="$ws" \
	    sh "examples/.rec-$d.sh" 2>&1 | sed "s|$ws|WS|g" >"$out/$d.out" || true
	rm -f "examples/.rec-$d.sh"
	( cd "$ws" && find . -type f ! -name .oms.lock | sort |
	    while read -r f; do
		printf '%s  %s\n' "$(sed -e "$times" -e "s|$ws|WS|g" \
		    -e "s|$top|TOP|g" "$f" | sha256sum |
		    cut -c1-64)" "$f"
	    done ) >"$out/$d.files"
done
# the idx lines carry a clock for ordering only
for f in "$out"/*.idx; do
	sort -n "$f" | cut -d' ' -f2- >"$f.s" && mv "$f.s" "$f"
done
echo "recorded $(cat "$out"/*.idx | wc -l) runs in $out"
