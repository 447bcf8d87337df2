/**
 * The peer process: raw Node servers the measured side connects to, so the
 * measured process has a core to itself. Forked by `peer-client.ts`; told the
 * TLS key pair over IPC, answers with its ports, exits when the parent leaves.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  ACK,
  FRAMES_CHUNK,
  HEADER_BYTES,
  HOST,
  LINES_CHUNK,
  SOURCE_WRITE,
  decodeRequest,
  payload,
} from './protocol';
import type { PeerPorts } from './types';

const CHUNK = payload(SOURCE_WRITE);

const ACK_BYTE = Buffer.from([ACK]);

interface InitMessage {
  type: 'init';
  key: string;
  cert: string;
}

/** Collects the request header, then hands the count and any excess on. */
function onHeader(
  socket: net.Socket,
  then: (socket: net.Socket, bytes: number, rest: Buffer) => void,
): void {
  let head = Buffer.alloc(0);
  function onHeaderData(data: Buffer): void {
    head = Buffer.concat([head, data]);
    if (head.length < HEADER_BYTES) return;
    socket.off('data', onHeaderData);
    then(socket, decodeRequest(head), head.subarray(HEADER_BYTES));
  }
  socket.on('data', onHeaderData);
}

function pump(socket: net.Socket, remaining: number, chunk: Buffer = CHUNK): void {
  while (remaining > 0) {
    const n = Math.min(chunk.length, remaining);
    remaining -= n;
    const more = socket.write(n === chunk.length ? chunk : chunk.subarray(0, n));
    if (!more) {
      socket.once('drain', () => pump(socket, remaining, chunk));
      return;
    }
  }
  socket.end();
}

function startSource(socket: net.Socket, bytes: number): void {
  socket.resume();
  pump(socket, bytes);
}

/** A source of `chunk`s (framed content): asked bytes are a multiple of its length. */
function framedSource(chunk: Buffer): (socket: net.Socket) => void {
  return (socket) => {
    socket.on('error', ignore);
    socket.on('end', () => socket.end());
    onHeader(socket, (s, bytes) => {
      s.resume();
      pump(s, bytes, chunk);
    });
  };
}

function startSink(socket: net.Socket, bytes: number, rest: Buffer): void {
  let left = bytes - rest.length;
  function onSinkData(data: Buffer): void {
    left -= data.length;
    if (left <= 0 && left + data.length > 0) socket.write(ACK_BYTE);
  }
  if (left <= 0) socket.write(ACK_BYTE);
  socket.on('data', onSinkData);
}

function serveSource(socket: net.Socket): void {
  socket.on('error', ignore);
  socket.on('end', () => socket.end());
  onHeader(socket, startSource);
}

function serveSink(socket: net.Socket): void {
  socket.on('error', ignore);
  socket.on('end', () => socket.end());
  onHeader(socket, startSink);
}

function serveEcho(socket: net.Socket): void {
  socket.on('error', ignore);
  socket.setNoDelay(true);
  socket.pipe(socket);
}

function ignore(): void {}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: HOST, backlog: 4096 }, () => {
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function start(init: InitMessage): Promise<PeerPorts> {
  const tlsOptions: tls.TlsOptions = { key: init.key, cert: init.cert };
  return {
    source: await listen(net.createServer(serveSource)),
    sink: await listen(net.createServer(serveSink)),
    echo: await listen(net.createServer(serveEcho)),
    tlsSource: await listen(tls.createServer(tlsOptions, serveSource)),
    tlsSink: await listen(tls.createServer(tlsOptions, serveSink)),
    linesSource: await listen(net.createServer(framedSource(LINES_CHUNK))),
    framesSource: await listen(net.createServer(framedSource(FRAMES_CHUNK))),
  };
}

function onParentMessage(message: unknown): void {
  const m = message as InitMessage | { type: 'cpu' };
  if (m.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', ms: (user + system) / 1000 });
    return;
  }
  if (m.type !== 'init') return;
  start(m).then(
    (ports) => process.send?.({ type: 'ready', ports }),
    (err: unknown) => {
      console.error('peer failed to start', err);
      process.exit(1);
    },
  );
}

process.on('message', onParentMessage);
process.on('disconnect', () => process.exit(0));
