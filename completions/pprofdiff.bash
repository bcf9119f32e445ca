# bash completion for pprofdiff. Options come from `pprofdiff --help`
# (and `fetch --help`, `capture --help`, `trend --help`) when you press Tab, so they are
# never out of date; option values that are a fixed list are known here.
_pprofdiff()
{
    local cur prev sub
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    sub=
    if [ "${COMP_CWORD}" -gt 1 ]; then
        case ${COMP_WORDS[1]} in
        fetch|capture|trend) sub=${COMP_WORDS[1]} ;;
        esac
    fi
    case $prev in
    --format) COMPREPLY=($(compgen -W "text tsv csv json folded pprof svg html" -- "$cur")); return ;;
    --by) COMPREPLY=($(compgen -W "stack function line file creator" -- "$cur")); return ;;
    --stacks) COMPREPLY=($(compgen -W "auto inline lines" -- "$cur")); return ;;
    --flame-width) COMPREPLY=($(compgen -W "cur base max" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --folded-value) COMPREPLY=($(compgen -W "delta base cur both" -- "$cur")); return ;;
    -t|--type) COMPREPLY=($(compgen -W "heap allocs goroutine block mutex threadcreate profile" -- "$cur")); return ;;
    -s|--sample) COMPREPLY=($(compgen -W "inuse_space inuse_objects alloc_space alloc_objects goroutine samples cpu contentions delay" -- "$cur")); return ;;
    -o|--output|-b|--base|--report|--cacert|--cert|--key|--bearer-token-file)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$("${COMP_WORDS[0]}" $sub --help 2>/dev/null |
            grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    if [ "${COMP_CWORD}" -eq 1 ]; then
        COMPREPLY=($(compgen -W "fetch capture trend" -- "$cur") $(compgen -f -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _pprofdiff pprofdiff
