import { MqttClient, type IClientOptions } from 'mqtt';
import { connectTCP, toDuplex, type SocketDuplex } from '../src';
import { startMosquitto, type Started } from './servers';

let server: Started;
beforeAll(async () => {
  server = await startMosquitto();
  if (server.skipped !== null)
    process.stderr.write(`test:interop: mosquitto skipped: ${server.skipped}\n`);
}, 180_000);
afterAll(() => server.stop(), 30_000);

function needServer(): boolean {
  if (server.skipped === null) return true;
  pending(`mosquitto could not start: ${server.skipped}`);
  return false;
}

/** An mqtt client whose (re)connections come from a synchronous stream builder over rxstream. */
function client(made: SocketDuplex[], extra: IClientOptions = {}): MqttClient {
  const c = new MqttClient(
    () => {
      const socket = toDuplex(connectTCP(server.port, '127.0.0.1'));
      made.push(socket);
      return socket;
    },
    {
      protocolVersion: 4,
      clientId: `rx-${made.length}-${process.pid}`,
      reconnectPeriod: 50,
      ...extra,
    },
  );
  c.on('error', () => undefined);
  return c;
}

function connected(c: MqttClient): Promise<void> {
  return new Promise((resolve) => c.once('connect', () => resolve()));
}

describe('interop: mqtt over toDuplex(connectTCP) (stream builder)', () => {
  it('publishes 1,000 QoS 1 messages and receives them in order', async () => {
    if (!needServer()) return;
    const made: SocketDuplex[] = [];
    const c = client(made);
    try {
      await connected(c);
      await c.subscribeAsync('rx/test', { qos: 1 });
      const N = 1000;
      const got: string[] = [];
      const all = new Promise<void>((resolve) =>
        c.on('message', (_topic, payload) => {
          got.push(payload.toString());
          if (got.length === N) resolve();
        }),
      );
      await Promise.all(
        Array.from({ length: N }, (_, i) => c.publishAsync('rx/test', `m${i}`, { qos: 1 })),
      );
      await all;
      expect(got).toEqual(Array.from({ length: N }, (_, i) => `m${i}`));
    } finally {
      await c.endAsync(true);
    }
  });

  it('reconnects through the builder after the connection is reset', async () => {
    if (!needServer()) return;
    const made: SocketDuplex[] = [];
    const c = client(made);
    try {
      await connected(c);
      made[0].destroy(); // the connection dies under the client
      await connected(c); // and the builder's next Duplex connects
      expect(made.length).toBeGreaterThanOrEqual(2);
      await c.publishAsync('rx/again', 'still here', { qos: 1 });
    } finally {
      await c.endAsync(true);
    }
  });
});
