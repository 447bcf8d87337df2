#!/usr/bin/env bash
# Packs rxstream as `npm publish` would, installs the tarball into a fresh
# temporary project and uses it from the outside, as a user would:
#   1. the tarball holds only dist/, README.md, package.json (and LICENSE);
#   2. a CommonJS script require()s 'rxstream' and 'rxstream/testing' and runs
#      a memory pair round trip and a scripted-peer marble test;
#   3. a TypeScript file importing both entry points type-checks under
#      moduleResolution node10 (typesVersions) and node16 (exports);
#   4. in apps pinned to other rxjs 7.x minors (rxjs is a peerDependency),
#      there is one rxjs copy, and `reads$.pipe(map(...))` plus the test kit
#      driven by the app's own TestScheduler type-check and run.
# Exits non-zero on the first failure. rxjs comes from the npm cache or the
# registry (--prefer-offline). Usage: scripts/pack-check.sh [package-dir]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="$(cd "${1:-$root}" && pwd)"
tsc="$root/node_modules/typescript/bin/tsc"
types="$root/node_modules/@types"
work="$(mktemp -d "${TMPDIR:-/tmp}/rxstream-pack-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'pack-check: FAILED: %s\n' "$*" >&2; exit 1; }

step "npm pack (runs the build via prepack)"
(cd "$pkg" && npm pack --silent --pack-destination "$work" >"$work/pack.out") || fail "npm pack"
tarball="$work/$(tail -n 1 "$work/pack.out")"
[ -f "$tarball" ] || fail "no tarball in $work"
echo "$tarball"

step "tarball contents"
tar -tzf "$tarball" >"$work/contents.txt"
unexpected="$(grep -Ev '^package/(dist/.*|README\.md|LICENSE|package\.json)$' "$work/contents.txt" || true)"
[ -z "$unexpected" ] || fail "unexpected files in the tarball: $unexpected"
for f in dist/index.js dist/index.d.ts dist/testing/index.js dist/testing/index.d.ts; do
  grep -qx "package/$f" "$work/contents.txt" || fail "missing $f"
done
echo "ok: only dist/, README.md, package.json"

step "npm install <tarball> into a fresh project"
app="$work/app"
mkdir "$app"
cd "$app"
printf '{ "name": "pack-check-app", "version": "1.0.0", "private": true }\n' >package.json
npm install --silent --prefer-offline --no-audit --no-fund "$tarball" || fail "npm install"

step "CommonJS: require('rxstream') and require('rxstream/testing')"
cat >check.cjs <<'JS'
const assert = require('node:assert');
const { memoryPair, createTCP, Stream, Status, StreamError } = require('rxstream');
const { createTestPeer, bytes } = require('rxstream/testing');
const { firstValueFrom } = require('rxjs');
const { TestScheduler } = require('rxjs/testing');
assert.strictEqual(typeof createTCP, 'function');
assert.strictEqual(Status.OK, 'OK');
assert.strictEqual(typeof StreamError.is, 'function');
const [a, b] = memoryPair();
assert.ok(a instanceof Stream);
const ts = new TestScheduler((x, y) => assert.deepStrictEqual(x, y));
ts.run(({ expectObservable }) => {
  const peer = createTestPeer({ scheduler: ts });
  assert.ok(peer.stream instanceof Stream, 'the testing kit shares the Stream class');
  peer.script('-a|', { a: 'hi' });
  expectObservable(peer.stream.reads$).toBe('-a|', bytes({ a: 'hi' }));
});
firstValueFrom(b.reads$).then((chunk) => {
  assert.strictEqual(chunk.toString(), 'ping');
  a.destroy();
  b.destroy();
  console.log('ok: require works, memory round trip and marble test passed');
});
a.writeAll(Buffer.from('ping')).subscribe();
JS
node check.cjs || fail "CommonJS require"

step "TypeScript: type-check an import of both entry points"
cat >check.ts <<'TS'
import { Status, memoryPair, type Stream, type StreamOptions, type TryResult } from 'rxstream';
import { createTestPeer, type TestPeer, type PeerAction, stopReading } from 'rxstream/testing';
import { TestScheduler } from 'rxjs/testing';

const options: StreamOptions = { sendBufferSize: 1024 };
const [a]: [Stream, Stream] = memoryPair(options);
const r: TryResult = a.tryRead(Buffer.alloc(4));
const ok: boolean = r.status === Status.OK;
const peer: TestPeer = createTestPeer({ scheduler: new TestScheduler(() => undefined) });
const action: PeerAction = stopReading;
// @ts-expect-error the status is a closed set of names
const bad: typeof Status.OK = 'NOPE';
export { ok, peer, action, bad };
TS
for resolution in node10 node16; do
  module=commonjs
  [ "$resolution" = node16 ] && module=node16
  "$tsc" --noEmit --strict --skipLibCheck false --types node --typeRoots "$types" \
    --module "$module" --moduleResolution "$resolution" --target ES2022 check.ts ||
    fail "type-check (moduleResolution $resolution)"
  echo "ok: moduleResolution $resolution"
done

# 4. Apps pinned to other rxjs 7.x minors: the lowest the peer range allows and
# one in the middle. One rxjs copy, zero type errors, and it runs.
for rxjs in 7.2.0 7.5.7; do
  step "app pinned to rxjs $rxjs: one rxjs copy, the app's operators and TestScheduler"
  pinned="$work/app-rxjs-$rxjs"
  mkdir "$pinned"
  cd "$pinned"
  printf '{ "name": "pack-check-rxjs", "version": "1.0.0", "private": true }\n' >package.json
  npm install --silent --prefer-offline --no-audit --no-fund --save-exact "rxjs@$rxjs" ||
    fail "npm install rxjs@$rxjs"
  npm install --silent --prefer-offline --no-audit --no-fund "$tarball" || fail "npm install"
  copies="$(find . -name package.json -path '*/node_modules/rxjs/package.json' | wc -l)"
  [ "$copies" -eq 1 ] || fail "rxjs $rxjs: $copies copies of rxjs installed"
  npm ls rxjs >/dev/null || fail "rxjs $rxjs: npm ls rxjs reports a problem"
  [ "$(node -p "require('rxjs/package.json').version")" = "$rxjs" ] || fail "rxjs is not $rxjs"
  cat >app.ts <<'TS'
import { strict as assert } from 'node:assert';
import { firstValueFrom, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { memoryPair, type Stream } from 'rxstream';
import { bytes, createTestPeer } from 'rxstream/testing';

// The app's own operator on the library's observable.
const [a, b]: [Stream, Stream] = memoryPair();
const lengths$: Observable<number> = b.reads$.pipe(map((chunk) => chunk.length));
const first = firstValueFrom(lengths$);
a.writeAll(Buffer.from('hello')).subscribe();

// The app's own TestScheduler driving the test kit.
const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
scheduler.run(({ expectObservable }) => {
  const peer = createTestPeer({ scheduler });
  peer.script('-a|', { a: 'hi' });
  expectObservable(peer.stream.reads$.pipe(map((c) => c.toString()))).toBe('-a|', { a: 'hi' });
  void bytes;
});

first.then((n) => {
  assert.equal(n, 5);
  a.destroy();
  b.destroy();
  console.log('ok: reads$.pipe(map) and the test kit with the app TestScheduler');
});
TS
  "$tsc" --noEmit --strict --skipLibCheck false --types node --typeRoots "$types" \
    --module commonjs --moduleResolution node10 --target ES2022 app.ts ||
    fail "rxjs $rxjs: type-check"
  "$tsc" --strict --types node --typeRoots "$types" --module commonjs --target ES2022 \
    --outDir out app.ts || fail "rxjs $rxjs: compile"
  node out/app.js || fail "rxjs $rxjs: run"
  echo "ok: rxjs $rxjs, one copy, zero type errors"
done

printf '\npack-check: OK\n'
