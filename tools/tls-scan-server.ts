/**
 * A `listenTLS` echo server with the library's defaults and the test
 * certificates, for `npm run scan:tls`: prints `port <n>` and `ca <path>` on
 * stdout once listening, and runs until killed.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatMap, mergeMap } from 'rxjs';
import { listenTLS } from '../src';
import { testCerts } from './certs';

const certs = testCerts();
const caPath = join(tmpdir(), `rxstream-scan-ca-${process.pid}.pem`);
writeFileSync(caPath, certs.ca);
listenTLS({ key: certs.server.key, cert: certs.server.cert }, 0, '127.0.0.1', {
  onListening: (a) => console.log(`port ${a.port}\nca ${caPath}`),
})
  .pipe(mergeMap((s) => s.reads$.pipe(concatMap((chunk) => s.writeAll(chunk)))))
  .subscribe({ error: () => undefined });
