#!/bin/sh
# calls.sh -- which files of lib/ call which, from their objects' symbols
#
# usage: tools/calls.sh [-c]   (from the top of a built tree)
#
# Prints "A B" for every file A of lib/ that calls (or takes the address
# of) a function or object B defines.  With -c it prints nothing and fails
# when the calls go round in a circle: tsort(1) names the files of each.
# The profiles' tables (profile.c, and the ffoms.c and yar76.c it lists)
# are how the generic files reach a profile's files: they hold the
# addresses of its functions, they do not call them, so their edges to
# the profiles' files are left out.
set -eu
edges() {
	for o in lib/*.o; do
		nm -g --defined-only "$o" | awk -v f="$o" \
		    '$2 ~ /^[TDRB]$/ { print $3, f }'
	done | sort >"$tmp/def"
	for o in lib/*.o; do
		nm -u "$o" | awk -v f="$o" '{ print $2, f }'
	done | sort >"$tmp/use"
	join "$tmp/use" "$tmp/def" | awk '$2 != $3 {
		a = $2; b = $3; sub(/^lib\//, "", a); sub(/^lib\//, "", b)
		sub(/\.o$/, ".c", a); sub(/\.o$/, ".c", b)
		print a, b }' | sort -u |
	    grep -v -E '^(profile|ffoms|yar76)\.c (ffoms|yar76)[a-z0-9_]*\.c$' ||
	    true
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "${1:-}" = -c ]; then
	edges >"$tmp/edges"
	if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/err"; then
		cat "$tmp/err" >&2
		exit 1
	fi
	exit 0
fi
edges
