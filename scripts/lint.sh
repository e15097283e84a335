#!/usr/bin/env bash
# `make lint`: the style checks of the project's own C and C++ code (not part of `make test`).
#   clang-format --dry-run --Werror  every tracked .c/.cpp/.hpp/.h (the committed .clang-format)
#   clang-tidy                       the client and its tests (build/compile_commands.json, so
#                                    `make client` first) and extension/src + common with PGXS's flags
# Needs clang-format and clang-tidy (Debian: apt-get install -y clang-format clang-tidy).
# Exit code 1 when anything is reported.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
for tool in clang-format clang-tidy; do
    command -v "$tool" >/dev/null || { echo "lint: $tool not found (apt-get install -y $tool)" >&2; exit 2; }
done
fail=0

mapfile -t sources < <(git ls-files '*.c' '*.cpp' '*.hpp' '*.h')
echo "== clang-format: ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}" || fail=1

[ -f "$build/compile_commands.json" ] || { echo "lint: $build/compile_commands.json missing: run make client" >&2; exit 2; }
mapfile -t client < <(git ls-files 'client/*.cpp' 'test/client/*.cpp')
echo "== clang-tidy: ${#client[@]} client files"
out=$(printf '%s\n' "${client[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet 2>&1)
grep -A3 -E "warning:|error:" <<<"$out" && fail=1

mapfile -t ext < <(git ls-files 'extension/src/*.cpp' 'common/*.cpp')
echo "== clang-tidy: ${#ext[@]} extension files"
flags=(-std=c++17 -Wno-register "-I$(pg_config --includedir-server)" -Iextension/src -Icommon)
out=$(printf '%s\n' "${ext[@]}" | xargs -P "$(nproc)" -I{} clang-tidy --quiet {} -- "${flags[@]}" 2>&1)
grep -A3 -E "warning:|error:" <<<"$out" && fail=1

[ $fail = 0 ] && echo "lint: clean"
exit $fail
