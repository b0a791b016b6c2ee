#!/bin/bash
# Recomputes the three locks from pyproject.toml by installing into throwaway
# venvs and freezing them (nothing is guessed):
#   requirements.lock        runtime: [project] dependencies and their tree
#   requirements-dev.lock    -r requirements.lock + [dev] (tests, ruff, import-linter)
#   requirements-bench.lock  -r requirements.lock + [bench] (load generator, profilers)
# Versions already pinned in the locks are kept (they are passed as constraints);
# delete a line from a lock to let that package move. Run: bash scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$PYTHON - "$tmp" <<'EOF'
import pathlib, sys, tomllib
project = tomllib.loads(pathlib.Path("pyproject.toml").read_text())["project"]
out = pathlib.Path(sys.argv[1])
(out / "runtime.in").write_text("\n".join(project["dependencies"]) + "\n")
for extra, deps in project["optional-dependencies"].items():
    (out / f"{extra}.in").write_text("\n".join(deps) + "\n")
EOF

# Every existing pin, as constraints: a re-lock moves nothing by itself.
: >"$tmp/constraints.txt"
for lock in requirements.lock requirements-dev.lock requirements-bench.lock; do
    [ -f "$lock" ] && grep -E '^[A-Za-z0-9]' "$lock" >>"$tmp/constraints.txt" || true
done

freeze() {  # freeze VENV REQUIREMENTS...: a fresh venv with them, frozen
    local venv=$1; shift
    $PYTHON -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip 2>/dev/null
    for reqs in "$@"; do
        "$venv/bin/pip" install --quiet -r "$reqs" -c "$tmp/constraints.txt" 2>/dev/null
    done
    "$venv/bin/pip" freeze | LC_ALL=C sort -f
}

freeze "$tmp/runtime" "$tmp/runtime.in" >"$tmp/runtime.txt"
freeze "$tmp/dev" "$tmp/runtime.txt" "$tmp/dev.in" >"$tmp/dev.txt"
freeze "$tmp/bench" "$tmp/runtime.txt" "$tmp/bench.in" >"$tmp/bench.txt"

{
    echo "# Runtime lock: what \`make run\` and a production install need (pyproject's"
    echo "# dependencies and everything they pull in). Made by scripts/lock.sh."
    cat "$tmp/runtime.txt"
} >requirements.lock
for extra in dev bench; do
    case $extra in
    dev) what="tests, ruff and import-linter: what \`make test\` and \`make lint\` add" ;;
    bench) what="the load generator and profilers: what \`make bench\` adds" ;;
    esac
    {
        echo "# ${extra^} lock: $what."
        echo "# Made by scripts/lock.sh."
        echo "-r requirements.lock"
        grep -vxF -f "$tmp/runtime.txt" "$tmp/$extra.txt"
    } >"requirements-$extra.lock"
done
du -sh "$tmp/runtime" "$tmp/dev" "$tmp/bench"
