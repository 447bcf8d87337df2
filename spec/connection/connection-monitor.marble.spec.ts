import { Observable, map, of } from 'rxjs';
import {
  ServerInfo,
  Status,
  StreamError,
  StreamGroup,
  memoryPair,
  monitor,
  monitorConnections,
  reconnecting,
  type Stream,
} from '../../src';
import { newScheduler } from '../support/stream-marbles';

describe('monitorConnections (marbles)', () => {
  it('shows reconnect attempts and group sizes as they change, sampled on the scheduler', () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const refused = new StreamError(Status.SysError, 'connect ECONNREFUSED');
      const conn = reconnecting(() => new Observable<Stream>((s) => s.error(refused)), {
        backoff: { initial: 15, max: 15, factor: 1, jitter: 0 },
        maxAttempts: 2,
        scheduler: ts,
      });
      conn.state$.subscribe({ error: () => undefined });
      const group = new StreamGroup({ scheduler: ts });
      const [a] = memoryPair({ scheduler: ts });
      ts.schedule(() => group.add(a), 25);
      const brief$ = monitorConnections(
        {
          reconnecting: { db: conn },
          groups: { clients: group },
          servers: { api: new ServerInfo() },
        },
        { scheduler: ts, sampleMs: 10 },
      ).pipe(
        map((s) => {
          const r = s.reconnecting[0];
          return `${r.status}:${r.attempt}:${r.lastStatus ?? '-'} g${s.groups[0].size} o${s.servers[0].open}`;
        }),
      );
      expectObservable(brief$, '^ 40ms !').toBe('a 19ms b 9ms c', {
        a: 'waiting:1:SysError g0 o0',
        b: 'failed:2:SysError g0 o0',
        c: 'failed:2:SysError g1 o0',
      });
    });
  });
});

describe('monitor() and idle timeouts', () => {
  it('marks the Error of an idle timeout with timedOut', () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      const [a] = memoryPair({ scheduler: ts, idleTimeout: 5 });
      const events$ = monitor(of(a), { scheduler: ts, sampleMs: 100 }).pipe(
        map((e) => `${e.type}:${e.state}:${String(e.timedOut)}`),
      );
      expectObservable(events$, '^ 10ms !').toBe('a----b', {
        a: 'added:Open:false',
        b: 'state:Error:true',
      });
    });
  });
});
