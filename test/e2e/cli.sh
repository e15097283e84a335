# test/e2e/cli.sh: help, --version and usage errors (exit 2, before anything is sent); what up
# prints (nothing on stdout when piped, a line per migration with -v, no colour).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh cli`.

for verb in init new up down redo reset goto status log validate baseline verify; do
    pg "$verb" --help
    if [ "$rc" = 0 ] && grep -q 'Exit codes' <<<"$out"; then ok "help: $verb --help"; else bad "help: $verb --help" "$out$err"; fi
done
pg --version
expect_rc "--version" 0
pg
expect_rc "usage: no verb is exit 2" 2
pg up --no-such-option
expect_rc "usage: unknown option is exit 2" 2
pg down --to 1 --all
expect_rc "usage: down --to and --all together is exit 2" 2

# --- output: a line per migration when piped, nothing with -q -----------------------------------
newdb e_quiet
pg up --dir "$fx/numbered" -q
expect_eq "output: -q prints nothing on stdout" "$out" ""
newdb e_piped
pg up --dir "$fx/numbered"
[ "$(grep -cE '^applied +00[0-9] ' <<<"$out")" = 4 ] && grep -q 'applied 4 migration(s) in' <<<"$out" &&
    ok "output: piped, a line as each migration ends, and a summary" || bad "output: piped lines" "$out"
newdb e_verbose
pg up -v --dir "$fx/numbered"
[ "$(grep -cE '^applied +00[0-9] ' <<<"$out")" = 4 ] && grep -q 'applied 4 migration(s) in' <<<"$out" &&
    ok "output: -v prints a line per migration and a summary" || bad "output: -v" "$out"
grep -q $'\e\[' <<<"$out$err" && bad "output: no colour when not a terminal" "$out$err" || ok "output: no colour when not a terminal"
