# bash completion for pgmig(1): verbs, their options, global options, and values where they are
# known (--dir: folders; --config: files; --color: auto/always/never; --env: the [env.NAME]
# tables of ./pgmig.toml; adopt --from: the tools). test/package/run.sh checks that the verbs
# here are those of `pgmig --help`.

_pgmig_verbs="init new up down redo reset goto status log validate baseline adopt repair discard drift verify"
_pgmig_global="-d --dbname --dsn -h --host -p --port -U --username -W --password -w --no-password
    --env --wait --dir --config --lock-timeout --statement-timeout --lock-wait --lock-retries
    --lock-wait-max -y --yes
    -v --verbose -q --quiet --json --color --no-cache --placeholder --help -?"

_pgmig_verb_options() {
    case $1 in
    init) echo "--no-db" ;;
    up) echo "--to --dry-run --fail-on --per-migration --strict --trust-uploads --ignore-other-tools --full" ;;
    down) echo "--to --batch --all --trust-uploads" ;;
    log) echo "--limit --verify" ;;
    validate) echo "--offline --strict --full" ;;
    adopt) echo "--from --force --dry-run --full" ;;
    status) echo "--exit-code --full" ;;
    repair) echo "--down --force --dry-run" ;;
    discard) echo "--dry-run" ;;
    drift) echo "--since --check --exit-code" ;;
    verify) echo "--to --from --each --scratch --trust-uploads" ;;
    esac
}

_pgmig() {
    local cur prev verb i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_CWORD:+${COMP_WORDS[COMP_CWORD - 1]}}

    case $prev in
    --dir)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return ;;
    --config)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return ;;
    --color)
        mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
        return ;;
    --env)
        local envs=""
        [ -r pgmig.toml ] && envs=$(sed -n 's/^[[:space:]]*\[env\.\([^]]*\)\].*/\1/p' pgmig.toml)
        mapfile -t COMPREPLY < <(compgen -W "$envs" -- "$cur")
        return ;;
    --from)
        mapfile -t COMPREPLY < <(compgen -W "golang-migrate dbmate flyway diesel goose
            sql-migrate node-pg-migrate prisma sqitch liquibase pop" -- "$cur")
        return ;;
    --force)
        mapfile -t COMPREPLY < <(compgen -W "missing failed checksum all" -- "$cur")
        return ;;
    --fail-on)
        mapfile -t COMPREPLY < <(compgen -W "access-exclusive rewrite validated-constraint
            not-null-scan index-without-concurrently any" -- "$cur")
        return ;;
    -d | --dbname | --dsn | -h | --host | -p | --port | -U | --username | --to | --limit | \
        --lock-timeout | --statement-timeout | --lock-wait | --lock-retries | --lock-wait-max | --placeholder)
        return ;; # a value only the user knows
    esac

    # the verb: the first word that is one (global options may come before it)
    verb=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case " $_pgmig_verbs " in *" ${COMP_WORDS[i]} "*)
            verb=${COMP_WORDS[i]}
            break ;;
        esac
    done

    if [[ $cur == -* ]]; then
        local only_before_verb=
        [ -z "$verb" ] && only_before_verb=--version
        mapfile -t COMPREPLY < <(compgen -W "$(_pgmig_verb_options "$verb") $_pgmig_global \
            $only_before_verb" -- "$cur")
    elif [ -z "$verb" ]; then
        mapfile -t COMPREPLY < <(compgen -W "$_pgmig_verbs" -- "$cur")
    fi
}

complete -F _pgmig pgmig
