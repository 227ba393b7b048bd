# bash completion for the oms programs                     -*- shell-script -*-
#
# Installed as .../bash-completion/completions/oms-select (and the same
# file under each program's name), so bash-completion loads it on demand.

# The workspace the command line names: -C dir, else $OMS_DIR, else "."
_oms_workspace()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		-C | --directory) echo "${COMP_WORDS[i + 1]}"; return ;;
		--directory=*) echo "${COMP_WORDS[i]#*=}"; return ;;
		esac
	done
	echo "${OMS_DIR:-.}"
}

# Periods: the ones the workspace's ledger knows, and the last 13 months.
_oms_periods()
{
	local ws ledger i
	ws=$(_oms_workspace)
	ledger=$ws/ledger.tsv
	{
		[[ -r $ledger ]] && cut -f5 "$ledger" 2>/dev/null |
		    grep -E '^[0-9]{4}-[0-9]{2}$'
		for ((i = 0; i <= 12; i++)); do
			date -d "$(date +%Y-%m-01) -$i month" +%Y-%m 2>/dev/null
		done
	} | sort -ru
}

_oms()
{
	local cur prev words cword opts
	_init_completion -s || return

	case $prev in
	-C | --directory | --invoices | --output-dir)
		_filedir -d
		return ;;
	-p | --period | --restore-test)
		COMPREPLY=($(compgen -W "$(_oms_periods)" -- "$cur"))
		return ;;
	-s | --status)
		COMPREPLY=($(compgen -W "new in-flight accepted partial rejected
		    queued" -- "$cur"))
		return ;;
	-k | --kind)
		COMPREPLY=($(compgen -W "H C T DP DV DO DS DU DF DA DB" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "tsv html" -- "$cur"))
		return ;;
	--date | --primary-from | --repeat-from)
		COMPREPLY=($(compgen -W "$(date +%Y-%m-%d)" -- "$cur"))
		return ;;
	--html | --csv-excel | --withhold | -o | --output)
		_filedir
		return ;;
	-P | --payer | -a | --account | -H | --history | --set | --withdraw)
		return ;;
	esac

	case ${words[0]##*/} in
	oms-select)
		opts="-C --directory -p --period --primary-from --repeat-from -k
		    --kind -P --payer -s --status -H --history -e --exit-status -q
		    --quiet -v --verbose -h --help -V --version" ;;
	oms-export)
		opts="-C --directory -p --period -n --dry-run -t --test --date
		    --skip-invalid -q --quiet -v --verbose -h --help -V
		    --version" ;;
	oms-import)
		opts="-C --directory -e --exit-status -q --quiet -v --verbose -h
		    --help -V --version" ;;
	oms-analyze)
		opts="-C --directory -p --period --main --test -r --rejected
		    --partial --names --html --csv-excel -e --exit-status -q
		    --quiet -v --verbose -h --help -V --version" ;;
	oms-requeue)
		opts="-C --directory -a --account -f --force -n --dry-run --set
		    --withdraw --fixes --restore-test -q --quiet -v --verbose -h
		    --help -V --version" ;;
	oms-invoice)
		opts="-C --directory -p --period --withhold --format --invoices
		    --date -n --dry-run -q --quiet -v --verbose -h --help -V
		    --version" ;;
	oms-nsi)
		opts="-d --output-dir -l --list -o --output -v --verbose -h
		    --help -V --version" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	_filedir
}
complete -F _oms oms-select oms-export oms-import oms-analyze oms-requeue \
    oms-invoice oms-nsi
