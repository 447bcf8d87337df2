import type * as net from 'node:net';
import { TestScheduler } from 'rxjs/testing';
import { ServerInfo, StreamState, memoryPair } from '../../src';
import { ServerLifecycle } from '../../src/connection/server';
import { newScheduler } from '../support/stream-marbles';

/** Just what ServerLifecycle.stop asks of a server. */
function fakeServer(): net.Server {
  return { close: (done?: () => void) => done?.() } as unknown as net.Server;
}

describe('drainTimeout (marbles)', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = newScheduler()));

  it('closes every stream gracefully on stop and destroys those still open at the deadline', () => {
    ts.run(() => {
      const server = new ServerInfo();
      const life = new ServerLifecycle({ server, drainTimeout: 30, scheduler: ts });
      const [polite, politePeer] = memoryPair({ scheduler: ts });
      const [stuck] = memoryPair({ scheduler: ts, sendBufferSize: 4 }); // its peer never reads
      politePeer.reads$.subscribe();
      life.accepted(polite);
      life.accepted(stuck);
      server.streams.writeAll(Buffer.from('last bytes')).subscribe(); // the stuck one cannot send them
      ts.schedule(() => life.stop(fakeServer()), 10);
      ts.schedule(() => {
        expect(polite.state).toBe(StreamState.Closed);
        expect(stuck.state).toBe(StreamState.Open);
      }, 39);
      ts.schedule(() => {
        expect(stuck.state).toBe(StreamState.Closed);
        expect(server.counts.open).toBe(0);
      }, 41); // the deadline is at 10 + 30 (actions of one frame run in the order scheduled)
    });
  });

  it('leaves the streams alone on stop without drainTimeout', () => {
    ts.run(() => {
      const server = new ServerInfo();
      const life = new ServerLifecycle({ server, scheduler: ts });
      const [a, peer] = memoryPair({ scheduler: ts });
      peer.reads$.subscribe();
      life.accepted(a);
      life.stop(fakeServer());
      ts.schedule(() => expect([a.state, server.counts.open]).toEqual([StreamState.Open, 1]), 100);
    });
  });

  it('refuses bad lifecycle options', () => {
    expect(ServerLifecycle.problem({ maxConnections: 0 })).not.toBeNull();
    expect(ServerLifecycle.problem({ maxConnections: 1.5 })).not.toBeNull();
    expect(ServerLifecycle.problem({ drainTimeout: -1 })).not.toBeNull();
    expect(ServerLifecycle.problem({ maxConnections: 10, drainTimeout: 100 })).toBeNull();
  });
});
