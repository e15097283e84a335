# zsh -f test/package/zsh_complete.zsh LINE FPATH_DIR OUT: appends to OUT, one a line, what zsh's
# completion system offers for the command line LINE (Tab at its end), with the completion
# functions of FPATH_DIR: an interactive zsh in a pseudo-terminal (zpty) whose compadd also
# writes what it adds.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PS1= ; fpath=(${(q)2} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compprefuncs=( _capture_start ); comppostfuncs=( _capture_end )'
zpty -w z "_capture_start() { compadd() { builtin compadd -O __hits \"\$@\"; builtin compadd \"\$@\"; print -l -- \${__hits[@]} >> ${(q)3}; unset __hits } }"
zpty -w z '_capture_end() { unfunction compadd }'
zpty -w z "bindkey '^I' complete-word"
zpty -w z "$1"$'\t'
# the completion runs in the other zsh: wait for its output to settle (at most 5 s)
for i in {1..50}; do
    sleep 0.1
    [[ -s $3 ]] && { sleep 0.3; break }
done
zpty -d z
