import type * as net from 'node:net';
import { once } from 'node:events';
import * as http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { connectTCP, toDuplex } from '../../src';
import { Opened, listen } from './support';

const opened = new Opened();
afterEach(() => opened.run());

describe('interop: ws over rxstream', () => {
  it('echoes 10k messages in order over a client on toDuplex(connectTCP)', async () => {
    const server = opened.server(http.createServer());
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    opened.add(() => wss.close());
    const port = await listen(server);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, {
      createConnection: () =>
        opened.duplex(toDuplex(connectTCP(port, '127.0.0.1'))) as unknown as net.Socket,
    });
    opened.add(() => ws.terminate());
    await once(ws, 'open');
    const N = 10_000;
    const echoed: string[] = [];
    const all = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        echoed.push(data.toString());
        if (echoed.length === N) resolve();
      });
      ws.once('error', reject);
    });
    for (let i = 0; i < N; i++) ws.send(`message ${i} ${'x'.repeat(i % 200)}`);
    await all;
    expect(echoed.length).toBe(N);
    const wrong = echoed.findIndex((m, i) => m !== `message ${i} ${'x'.repeat(i % 200)}`);
    expect(wrong).toBe(-1);
    ws.close();
    await once(ws, 'close');
  }, 30_000);
});
