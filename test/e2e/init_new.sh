# test/e2e/init_new.sh: init (a project folder, the extension) and new (the next migration's
# files, in the folder's own layout).
# Sourced by run.sh, which runs this file alone with `bash test/e2e/run.sh init_new`.

newdb e_init noext
mkdir -p "$work/init"
(cd "$work/init" && "$bin" init >/dev/null 2>"$run_dir/stderr")
rc=$?
err=$(cat "$run_dir/stderr")
expect_rc "init" 0
[ -d "$work/init/migrations" ] && [ -f "$work/init/pgmig.toml" ] && ok "init: folder and pgmig.toml" || bad "init: folder and pgmig.toml"
expect_eq "init: extension created" "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'pgmig'")" 1
(cd "$work/init" && "$bin" new "create widgets" >"$run_dir/new.out" 2>&1)
ls "$work/init/migrations" | grep -qE '^[0-9]{14}_create_widgets\.up\.sql$' && ok "new: golang-migrate layout with a timestamp in an empty folder" || bad "new: empty folder" "$(ls "$work/init/migrations")"
echo 'CREATE TABLE widgets(id int);' >"$(ls "$work/init/migrations"/*.up.sql)"
echo 'DROP TABLE widgets;' >"$(ls "$work/init/migrations"/*.down.sql)"
(cd "$work/init" && "$bin" up >/dev/null 2>&1)
expect_eq "new + up from the project folder" "$(q -c "SELECT count(*) FROM pg_tables WHERE tablename = 'widgets'")" 1
for layout in directory dbmate flyway numbered; do
    fresh "new_$layout" "$layout"
    before=$(find "$work/new_$layout" | sort)
    pg new add_things --dir "$work/new_$layout"
    created=$(comm -13 <(echo "$before") <(find "$work/new_$layout" | sort) | sed "s|$work/new_$layout/||" | tr '\n' ' ')
    case $layout in
    directory) pat='^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}_add_things [0-9-]+_add_things/down.sql [0-9-]+_add_things/up.sql $' ;;
    dbmate) pat='^[0-9]{14}_add_things.sql $' ;;
    flyway) pat='^U2_11__add_things.sql V2_11__add_things.sql $' ;;
    numbered) pat='^005_add_things.sql 005_add_things_down.sql $' ;;
    esac
    grep -qE "$pat" <<<"$created" && ok "new: $layout layout ($created)" || bad "new: $layout layout" "$created"
    pg validate --offline --dir "$work/new_$layout"
    expect_rc "new: $layout folder still valid" 0
done
