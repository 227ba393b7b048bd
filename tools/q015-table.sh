#!/bin/sh
# q015-table.sh -- the table of the Q015 checks in oms-rules(5), from
# ref/Q015.tsv (code name status why) and ref/rules.tsv
#
#	tools/q015-table.sh        print the table (mdoc)
#	tools/q015-table.sh -w     write it into man/oms-rules.5, between
#	                           the lines ".\" q015-table begin" and "end"
#	tools/q015-table.sh -c     check: the man page is not stale, every
#	                           status is known, every implemented check
#	                           has a row of ref/rules.tsv, every row's id
#	                           is in ref/Q015.tsv (OMS.* ids aside) and has
#	                           a fixture tests/rules/cases/ID[-N].case
#
# Run from the top of the tree.  Exit 0, or 1 with what is wrong.
set -u
LC_ALL=C
export LC_ALL
Q=ref/Q015.tsv
R=ref/rules.tsv
MAN=man/oms-rules.5
CASES=tests/rules/cases

table() {
	awk -F'\t' -v rules="$R" '
	function esc(s) {	# roff: a backslash is \e; no line starts with .
		gsub(/\\/, "\\e", s)
		return s
	}
	BEGIN {
		while ((getline l < rules) > 0) {
			if (++nr == 1)
				continue
			split(l, f, "\t")
			gsub(/\\\\/, "\\", f[9]); gsub(/\\\\/, "\\", f[10])
			d = f[6] ": " f[7] " " f[8]
			if (f[9] != "")
				d = d " " f[9]
			if (f[10] != "" && f[10] != "-")
				d = d ", when " f[10]
			if (f[2] != "ZAP")
				d = f[2] " " d
			if (f[3] != "*")
				d = d " (" f[3] ")"
			if (f[4] != "*")
				d = d " (versions " f[4] ")"
			if (f[5] != "error")
				d = d " (" f[5] ")"
			if (f[1] in row)
				d = row[f[1]] "; " d
			row[f[1]] = d
		}
	}
	NR == 1 { next }
	$1 ~ /^00[0-9]F\./ { n[$3]++; total++ }
	{ code[NR] = $1; st[NR] = $3; why[NR] = $4; last = NR }
	END {
		printf ".Pp\nOf the %d Q015 checks (001F to 006F) listed:\n", total
		printf "%d implemented, %d guaranteed by the writer,\n", \
		    n["implemented"], n["writer"]
		printf "%d not applicable to what an МО sends", \
		    n["not-applicable"]
		if (n["open"] > 0)
			printf ", %d open", n["open"]
		printf ".\n"
		printf ".Bl -tag -width 003F.00.0000\n"
		for (i = 2; i <= last; i++) {
			printf ".It Li %s\n", code[i]
			if (st[i] == "implemented")
				printf "\\&%s\n", esc(row[code[i]])
			else
				printf "\\&%s: %s\n", st[i], esc(why[i])
		}
		printf ".El\n"
	}' "$Q"
}

case ${1-} in
"")
	table
	;;
-w)
	table >"$MAN.table" &&
	awk -v tf="$MAN.table" '
	/^\.\\" q015-table end/ { skip = 0 }
	!skip { print }
	/^\.\\" q015-table begin/ {
		while ((getline l < tf) > 0)
			print l
		skip = 1
	}' "$MAN" >"$MAN.new" && mv "$MAN.new" "$MAN" && rm -f "$MAN.table"
	;;
-c)
	bad=0
	table >"${TMPDIR:-/tmp}/q015.$$"
	awk '/^\.\\" q015-table end/ { p = 0 } p { print }
	    /^\.\\" q015-table begin/ { p = 1 }' "$MAN" |
	    cmp -s - "${TMPDIR:-/tmp}/q015.$$" || {
		echo "$MAN: the Q015 table is stale (tools/q015-table.sh -w)"
		bad=1
	}
	rm -f "${TMPDIR:-/tmp}/q015.$$"
	ids=$(cut -f1 "$R" | tail -n +2 | sort -u)
	# statuses, and implemented checks without a row
	out=$(awk -F'\t' -v ids="$ids" '
	BEGIN { n = split(ids, v, "\n"); for (i = 1; i <= n; i++) has[v[i]] = 1 }
	NR == 1 {
		if ($1 != "code" || $2 != "name" || $3 != "status" ||
		    $4 != "why")
			print FILENAME ":1: expected code name status why"
		next
	}
	$3 !~ /^(implemented|not-applicable|writer|open)$/ {
		print FILENAME ":" NR ": " $1 ": status \"" $3 "\"" }
	$3 == "implemented" && !($1 in has) {
		print FILENAME ":" NR ": " $1 " is implemented but has no row in rules.tsv" }
	$3 != "implemented" && ($1 in has) {
		print FILENAME ":" NR ": " $1 " has rows in rules.tsv but is " $3 }
	$3 != "implemented" && $4 == "" {
		print FILENAME ":" NR ": " $1 ": no why" }
	' "$Q")
	[ -z "$out" ] || { echo "$out"; bad=1; }
	for id in $ids; do
		case $id in
		OMS.*) ;;
		*)	grep -q "^$id	" "$Q" ||
			    { echo "$R: $id is not in $Q"; bad=1; } ;;
		esac
		set -- "$CASES/$id.case" "$CASES/$id"-*.case
		[ -e "$1" ] || [ -e "$2" ] ||
		    { echo "$R: $id has no fixture $CASES/$id.case"; bad=1; }
	done
	exit $bad
	;;
*)
	echo "usage: tools/q015-table.sh [-c | -w]" >&2
	exit 2
	;;
esac
