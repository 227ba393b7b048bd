#!/bin/sh
# stream-mem.sh -- show that oms-select and oms-export stream: the same
# accounts in source files of very different sizes take the same memory.
#
#   tests/bench/stream-mem.sh [cases]     (default 20000; run from the top)
#
# Prints the source size, wall time and peak RSS of each program for a
# plain export of N cases and for the same cases with every record padded
# by a 20 KB XML comment (about 8 times the bytes).
set -eu
n=${1:-20000}
top=$(pwd)
export PATH="$top:$top/examples:$PATH" OMS_XSDDIR="$top/xsd" OMS_REFDIR="$top/ref"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pad=$(head -c 20000 /dev/zero | tr '\0' 'x')

for v in plain padded; do
	ws=$tmp/$v
	mkdir -p "$ws"
	cp tests/e2e/data/conf/oms.conf "$ws/"
	oms-gen -s 3 -n "$n" -m 1 -p 2026-10 -o "$ws/source" 2>/dev/null
	if [ "$v" = padded ]; then
		for f in "$ws"/source/*.xml; do
			sed "s|<ZAP>|<ZAP><!-- $pad -->|; s|<PERS>|<PERS><!-- $pad -->|" \
			    "$f" >"$f.tmp" && mv "$f.tmp" "$f"
		done
	fi
	size=$(du -sm "$ws/source" | cut -f1)
	/usr/bin/time -f "%e %M" -o "$tmp/t1" oms-select -C "$ws" -p 2026-10 >"$tmp/sel"
	/usr/bin/time -f "%e %M" -o "$tmp/t2" oms-export -q -C "$ws" <"$tmp/sel" >/dev/null
	printf '%-7s %6d cases %5d MB source  select %6.2f s %7d KB  export %6.2f s %7d KB\n' \
	    "$v" "$(($(wc -l <"$tmp/sel") - 1))" "$size" \
	    $(cat "$tmp/t1") $(cat "$tmp/t2")
done
