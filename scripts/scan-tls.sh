#!/usr/bin/env bash
# `npm run scan:tls`: runs testssl.sh (Debian's testssl.sh package, installed
# with apt when missing and root) against a `listenTLS` server with the
# library's defaults (tools/tls-scan-server.ts) on 127.0.0.1, and fails on any
# finding rated MEDIUM or worse. The test CA is passed with --add-ca, so the
# certificate's chain of trust is judged as a real deployment's would be.
# Findings about how the certificate was issued (revocation URIs, CAA DNS
# records) are properties of the test certificate, not of the library's TLS
# configuration: they are listed apart and do not fail the scan.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v testssl >/dev/null 2>&1 && ! command -v testssl.sh >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scan:tls: testssl.sh is not installed and this is not root: skipped" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq testssl.sh >/dev/null
fi
testssl="$(command -v testssl || command -v testssl.sh)"

work="$(mktemp -d "${TMPDIR:-/tmp}/rxstream-scan.XXXXXX")"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

npx ts-node tools/tls-scan-server.ts >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
  grep -q '^ca ' "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
port="$(sed -n 's/^port //p' "$work/server.out")"
ca="$(sed -n 's/^ca //p' "$work/server.out")"
[ -n "$port" ] || { cat "$work/server.out"; echo "scan:tls: server did not start" >&2; exit 1; }
echo "scanning 127.0.0.1:$port with $testssl"

"$testssl" --quiet --color 0 --warnings batch --ip one --add-ca "$ca" \
  --jsonfile "$work/scan.json" "127.0.0.1:$port" >"$work/scan.txt" 2>&1 || true
[ -s "$work/scan.json" ] || { tail -n 30 "$work/scan.txt"; echo "scan:tls: no result" >&2; exit 1; }

node -e '
const findings = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const rank = { OK: 0, INFO: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };
const issuance = new Set(["cert_revocation", "DNS_CAArecord"]);
for (const f of findings.filter((f) => issuance.has(f.id) && (rank[f.severity] ?? 0) >= 1))
  console.log(`(certificate issuance, not counted) ${f.severity} ${f.id}: ${f.finding}`);
const counted = findings.filter((f) => !issuance.has(f.id));
const bad = counted.filter((f) => (rank[f.severity] ?? 0) >= 2);
const low = counted.filter((f) => rank[f.severity] === 1);
for (const f of low) console.log(`LOW      ${f.id}: ${f.finding}`);
for (const f of bad) console.log(`${f.severity.padEnd(8)} ${f.id}: ${f.finding}`);
console.log(`scan:tls: ${findings.length} checks, ${bad.length} MEDIUM or worse, ${low.length} LOW`);
process.exit(bad.length === 0 ? 0 : 1);
' "$work/scan.json"
