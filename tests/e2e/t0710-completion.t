#!/bin/sh
# completion/oms.bash: options of each program, periods from the ledger
cd "${0%/*}" && . ./lib.sh
plan 4

ws=$(newws ws conf)
oms-gen -s 3 -n 5 -m 1 -p 2025-03 -o "$ws/source" 2>/dev/null
oms-select -C "$ws" -p 2025-03 | oms-export -C "$ws" >/dev/null 2>>"$TMP/setup.err"

# complete LINE: what bash would offer for the last word of LINE
complete_line() {
	bash -c '. /usr/share/bash-completion/bash_completion
	    . ../../completion/oms.bash
	    COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
	    read -ra COMP_WORDS <<<"$COMP_LINE"
	    case $COMP_LINE in *" ") COMP_WORDS+=("") ;; esac
	    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	    _oms; printf "%s\n" "${COMPREPLY[@]}"' sh "$1"
}
check '-p offers the periods of the ledger' \
    'complete_line "oms-analyze -C $ws -p 2025-" | grep -qx 2025-03'
check '... and this month' \
    'complete_line "oms-select -C $ws -p " | grep -qx "$(date +%Y-%m)"'
check 'options of oms-requeue' \
    '[ "$(complete_line "oms-requeue --re")" = --restore-test ]'
check 'states for -s' \
    '[ "$(complete_line "oms-select -s in" | tr "\n" " ")" = "in-flight " ]'
done_testing
