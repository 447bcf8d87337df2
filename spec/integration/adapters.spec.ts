import * as net from 'node:net';
import { createTCP, type Stream, type StreamOptions } from '../../src';
import { adapterCases } from '../adapters/adapter-cases';

async function tcpPair(options: StreamOptions): Promise<[Stream, Stream]> {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const other = await accepted;
  server.close();
  return [createTCP(socket, options), createTCP(other, options)];
}

describe('adapters over TCP', () => {
  adapterCases('TCP', tcpPair);
});
