#!/bin/sh
# the rule fixtures of tests/rules/cases: every case breaks one rule of
# ref/rules.tsv, and oms-export -n names that rule, and only it, for the
# case's account; the unmutated base account of every run is clean
# (tests/rules/README)
cd "${0%/*}" && . ./lib.sh

R=../rules
XMUT=$R/xmut
if [ ! -x "$XMUT" ]; then
	echo "Bail out! $XMUT is not built (make tests/rules/xmut)"
	exit 1
fi

# one run per kind, period, conf and ref lines: a group of cases
mkdir -p "$TMP/g"
ngroups=0
ncases=0
for f in "$R"/cases/*.case; do
	[ -e "$f" ] || continue
	key=$(awk '$1 == "kind" || $1 == "period" || $1 == "conf" ||
	    $1 == "ref"' "$f" | LC_ALL=C sort | tr '\n' '|')
	g=$(grep -lxF -- "$key" "$TMP"/g/*.key 2>/dev/null | head -1)
	if [ -z "$g" ]; then
		ngroups=$((ngroups + 1))
		g=$TMP/g/$ngroups.key
		printf '%s\n' "$key" >"$g"
		cp "$f" "$TMP/g/$ngroups.first"
	fi
	echo "$f" >>"${g%.key}.cases"
	ncases=$((ncases + 1))
done
plan $((ncases + ngroups + 1))

# the value of a "WORD value" line of a case file
field() { awk -v w="$1" '$1 == w { sub(/^[^ \t]+[ \t]+/, ""); print; exit }' "$2"; }

i=0
while [ "$i" -lt "$ngroups" ]; do
	i=$((i + 1))
	first=$TMP/g/$i.first
	kind=$(field kind "$first")
	period=$(field period "$first")
	[ -n "$period" ] || period=2026-10
	ws=$TMP/ws$i
	rm -rf "$ws"
	cp -R data/conf "$ws"
	mkdir -p "$ws/source"
	awk '$1 == "conf" { sub(/^conf[ \t]+/, ""); print }' "$first" \
	    >>"$ws/oms.conf"
	for t in $(awk '$1 == "ref" { print $2 }' "$first"); do
		mkdir -p "$ws/ref"
		cp "$R/ref/$t" "$ws/ref/$t"
	done
	rules=$ws/ref/rules.tsv
	[ -f "$rules" ] || rules=$OMS_REFDIR/rules.tsv
	# shellcheck disable=SC2046
	if ! "$XMUT" -b "$R" -o "$ws/source" -m "$TMP/map$i" "$kind" \
	    $(cat "$TMP/g/$i.cases") 2>"$TMP/xmut$i"; then
		while read -r f; do
			ntest=$((ntest + 1)) nfail=$((nfail + 1))
			echo "not ok $ntest - ${f##*/}: xmut failed"
			sed 's/^/# /' "$TMP/xmut$i"
		done <"$TMP/g/$i.cases"
		ntest=$((ntest + 1)) nfail=$((nfail + 1))
		echo "not ok $ntest - run $i ($kind): xmut failed"
		continue
	fi
	oms-select -C "$ws" -p "$period" --primary-from 1900-01-01 \
	    >"$TMP/sel$i" 2>"$TMP/selerr$i"
	oms-export -n -C "$ws" <"$TMP/sel$i" >/dev/null 2>"$TMP/err$i"
	while IFS='	' read -r acc f; do
		# "oms-export: FILE:LINE: [warning: ]account ACC: ID: message"
		grep -F "account $acc: " "$TMP/err$i" >"$TMP/lines" || :
		ids=$(sed 's/.*account [^ ]*: \([^: ]*\): .*/\1/' "$TMP/lines" |
		    LC_ALL=C sort -u | tr '\n' ' ')
		ntest=$((ntest + 1))
		if [ "$f" = base ]; then
			if [ -z "$ids" ]; then
				echo "ok $ntest - run $i ($kind $period): the base account is clean"
			else
				nfail=$((nfail + 1))
				echo "not ok $ntest - run $i ($kind $period): the base account is clean"
				sed 's/^/# /' "$TMP/lines"
			fi
			continue
		fi
		want=$(field expect "$f")
		# "also ID": ids that may be named besides (the schema, xsd)
		also=$(awk '$1 == "also" { print $2 }' "$f" | tr '\n' ' ')
		for a in $also; do
			ids=$(echo "$ids" | tr ' ' '\n' | grep -vxF -- "$a" |
			    tr '\n' ' ')
		done
		ids=$(echo $ids)
		[ -z "$ids" ] || ids="$ids "
		sev=$(awk -F'\t' -v id="$want" '$1 == id { print $5; exit }' \
		    "$rules")
		why=
		if [ -z "$want" ]; then
			why="no expect line"
		elif ! grep -q "$acc" "$TMP/sel$i"; then
			why="the account is not selected for $period"
		elif ! grep -q "account $acc: $want: " "$TMP/lines"; then
			why="does not name $want (names {$(echo $ids)})"
		elif [ "$ids" != "$want " ]; then
			why="names {${ids% }}, not {$want}"
		elif [ "$sev" = warning ] && grep "account $acc: $want: " \
		    "$TMP/lines" | grep -vq "warning: account"; then
			why="refused by a warning rule"
		elif [ "$sev" != warning ] && ! grep "account $acc: $want: " \
		    "$TMP/lines" | grep -vq "warning: account"; then
			why="only warned of, not refused"
		fi
		if [ -z "$why" ]; then
			echo "ok $ntest - ${f##*/}"
		else
			nfail=$((nfail + 1))
			echo "not ok $ntest - ${f##*/}: $why"
			sed 's/^/# /' "$TMP/lines"
			sed 's/^/# select: /' "$TMP/selerr$i" | head -5
		fi
	done <"$TMP/map$i"
done

# a run without M002.tsv: its rules are not in force, said once
i=1
while [ "$i" -lt "$ngroups" ] && grep -q "ref M002.tsv" "$TMP/g/$i.key"; do
	i=$((i + 1))
done
check 'a missing reference table is warned of once, naming oms-nsi(1)' \
    '[ "$(grep -c "warning: [0-9]* rule(s) not in force: no reference table.*M002.tsv.*oms-nsi(1)" "$TMP/err$i")" -eq 1 ]'
done_testing
