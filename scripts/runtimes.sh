#!/usr/bin/env bash
# `npm run test:runtimes`: rxstream on Bun and Deno, shown, not promised.
# Both runtimes come from the npm registry (@oven/bun-linux-x64,
# @deno/linux-x64-glibc, pinned below) into a cache folder. The library, demo
# and specs are compiled once with tsc into .runtimes/out (CommonJS, as
# published), then under each runtime:
#   1. the demo runs (`npm run demo`'s program, compiled);
#   2. a representative subset of the suite runs (TCP, TLS, IPC integration
#      specs and the marble specs for reads, writes, readiness and close:
#      scripts/runtimes-jasmine.json) under jasmine.
# Prints one line per runtime and the specs that failed. Exits 0 whatever the
# runtimes do (the README's support table reports it) unless --strict is
# given; a runtime that cannot be installed is reported, not fatal.
set -uo pipefail
cd "$(dirname "$0")/.."

BUN=1.4.5
DENO=2.9.6
cache="${RXSTREAM_RUNTIME_CACHE:-${HOME:-/tmp}/.cache/rxstream-runtimes}"
strict=0
[ "${1:-}" = --strict ] && strict=1

step() { printf '\n=== %s\n' "$*"; }

# install <package> <version> <path of the binary inside the package>
install() {
  local dir="$cache/$1@$2"
  if [ ! -x "$dir/node_modules/$1/$3" ]; then
    mkdir -p "$dir"
    printf '{ "name": "rxstream-runtime", "private": true }\n' >"$dir/package.json"
    (cd "$dir" && npm install --silent --no-audit --no-fund --no-save "$1@$2") >&2 || return 1
    chmod +x "$dir/node_modules/$1/$3"
  fi
  echo "$dir/node_modules/$1/$3"
}

step "compile the library, demo and specs (tsc → .runtimes/out)"
rm -rf .runtimes
npx tsc -p tsconfig.json --outDir .runtimes/out --noEmit false --declaration false \
  --sourceMap false || exit 1
printf '{ "type": "commonjs" }\n' >.runtimes/out/package.json

summary=()
failures=0
# run <name> <demo command...> -- <jasmine command...>
run() {
  local name="$1" log=".runtimes/$1"
  shift
  local demo=() tests=()
  while [ "$1" != -- ]; do demo+=("$1"); shift; done
  shift
  tests=("$@")
  step "$name: demo"
  local demo_result="demo ok"
  if ! timeout 120 "${demo[@]}" >"$log-demo.log" 2>&1; then
    tail -n 20 "$log-demo.log"
    demo_result="demo FAILED"
    failures=$((failures + 1))
  else
    tail -n 2 "$log-demo.log"
  fi
  step "$name: specs (scripts/runtimes-jasmine.json)"
  timeout 600 "${tests[@]}" node_modules/jasmine/bin/jasmine.js \
    --config=scripts/runtimes-jasmine.json >"$log-specs.log" 2>&1
  local line
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log-specs.log" | tail -n 1)"
  [ -n "$line" ] || line="no summary (crashed; see $log-specs.log)"
  grep -E '^[0-9]+\) ' "$log-specs.log" | sed 's/^/  failed: /'
  case "$line" in *" 0 failed"*) ;; *) failures=$((failures + 1)) ;; esac
  summary+=("$name: $demo_result; specs $line")
}

if bun="$(install @oven/bun-linux-x64 "$BUN" bin/bun)"; then
  run "bun $("$bun" --version)" "$bun" .runtimes/out/demo/main.js -- "$bun"
else
  summary+=("bun $BUN: could not be installed from the npm registry")
fi
if deno="$(install @deno/linux-x64-glibc "$DENO" deno)"; then
  run "deno $DENO" "$deno" run -A .runtimes/out/demo/main.js -- "$deno" run -A
else
  summary+=("deno $DENO: could not be installed from the npm registry")
fi
node_line="node $(node --version)"
run "$node_line" node .runtimes/out/demo/main.js -- node

step "summary"
printf '%s\n' "${summary[@]}"
[ "$strict" -eq 0 ] || [ "$failures" -eq 0 ]
