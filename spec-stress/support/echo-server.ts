/**
 * Child process for the load stress: an rxstream echo server on 127.0.0.1
 * port 0. Prints `port <n>` once listening. On a `report` line on stdin it
 * prints one JSON line: streams accepted, bytes echoed, streams that reached
 * Closed, streams that ended in Error.
 */
import { concatMap, concatWith, defer, ignoreElements } from 'rxjs';
import { StreamState, listenTCP, type Stream } from '../../src';

const BUFFER = Number(process.env.RXSTREAM_LOAD_BUFFER ?? 64 * 1024);
const totals = { accepted: 0, echoed: 0, closed: 0, failed: 0 };

/** Echoes everything back, then closes once the client has ended. */
function echo(stream: Stream): void {
  totals.accepted += 1;
  stream.state$.subscribe({
    next: (s) => {
      if (s === StreamState.Closed) totals.closed += 1;
      if (s === StreamState.Error) totals.failed += 1;
    },
    complete: () => (totals.echoed += stream.bytesWritten),
  });
  stream.reads$
    .pipe(
      concatMap((chunk) => stream.writeAll(chunk)),
      concatWith(defer(() => stream.close())),
      ignoreElements(),
    )
    .subscribe({ complete: () => stream.destroy(), error: () => stream.destroy() });
}

listenTCP(0, '127.0.0.1', {
  backlog: 4096,
  sendBufferSize: BUFFER,
  readBufferSize: BUFFER,
  onListening: (address) => process.stdout.write(`port ${address.port}\n`),
}).subscribe(echo);

process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (line.includes('report')) process.stdout.write(`${JSON.stringify(totals)}\n`);
});
