import { existsSync, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { ReplaySubject, Subject, Subscription, firstValueFrom } from 'rxjs';
import { Stream, StreamState, connectTCP, connectTLS, listenTCP, listenTLS } from '../../src';
import { testCerts } from '../../tools/certs';
import { Dashboard, startDashboard } from '../../dashboard/server';
import type { TrafficItem } from '../../dashboard/traffic';
import { chromiumCandidates } from '../support/chromium';

const ROOT = join(__dirname, '..', '..');
const HOST = '127.0.0.1';
const WAIT = { timeout: 15_000 };
const COLOURS: Record<StreamState, string> = {
  Open: 'rgb(46, 157, 87)',
  ShutdownWr: 'rgb(217, 142, 4)',
  Closed: 'rgb(122, 132, 145)',
  Error: 'rgb(214, 69, 69)',
};
const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A system Chromium when there is one, else the one `@sparticuz/chromium`
 * ships; fails loudly, naming both, when neither starts.
 */
async function launch(): Promise<Browser> {
  const { candidates, missing } = chromiumCandidates();
  const failures = [...missing];
  for (const { executablePath, source } of candidates) {
    try {
      return await chromium.launch({ executablePath, args: BROWSER_ARGS, timeout: 30_000 });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      failures.push(`Chromium from ${source} at ${executablePath} did not start: ${detail}`);
    }
  }
  throw new Error(`dashboard e2e: no browser could start:\n- ${failures.join('\n- ')}`);
}

/** A connected rxstream pair over TCP or TLS, both ends made by the library. */
async function pair(kind: 'tcp' | 'tls', cleanup: Subscription): Promise<[Stream, Stream]> {
  const certs = testCerts();
  const accepted = new ReplaySubject<Stream>(1);
  const port = await new Promise<number>((resolve, reject) => {
    // Half-open: the spec walks the server through ShutdownWr by hand.
    const options = { allowHalfOpen: true, onListening: (a: net.AddressInfo) => resolve(a.port) };
    const server$ =
      kind === 'tcp'
        ? listenTCP(0, HOST, options)
        : listenTLS({ key: certs.server.key, cert: certs.server.cert }, 0, HOST, options);
    cleanup.add(server$.subscribe({ next: (s) => accepted.next(s), error: reject }));
  });
  const client$ =
    kind === 'tcp'
      ? connectTCP(port, HOST, { allowHalfOpen: true })
      : connectTLS(
          { host: HOST, port, servername: 'localhost', ca: certs.ca },
          { allowHalfOpen: true },
        );
  const client = await firstValueFrom(client$);
  const server = await firstValueFrom(accepted);
  cleanup.add(() => {
    client.destroy();
    server.destroy();
  });
  return [client, server];
}

/** A client stream and its peer: a raw Node socket (so the test can reset it). */
async function rawPeer(cleanup: Subscription): Promise<[Stream, net.Socket]> {
  const peers = new ReplaySubject<net.Socket>(1);
  const server = net.createServer((socket) => peers.next(socket));
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  cleanup.add(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const client = await firstValueFrom(connectTCP(port, HOST));
  const peer = await firstValueFrom(peers);
  peer.on('error', () => undefined);
  cleanup.add(() => {
    client.destroy();
    peer.destroy();
  });
  return [client, peer];
}

describe('dashboard (headless Chromium)', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dashboard: Dashboard | undefined;
  let cleanup: Subscription;

  beforeAll(async () => {
    browser = await launch();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    if (browser === undefined) throw new Error('dashboard e2e: Chromium is not running');
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    cleanup = new Subscription();
  });

  afterEach(async () => {
    cleanup.unsubscribe();
    await page?.close();
    await dashboard?.stop();
    dashboard = undefined;
  });

  /** Waits (bounded) until the row of stream `id` shows `state`, and checks its colour. */
  async function expectRowState(id: number, state: StreamState): Promise<void> {
    const badge = `tr[data-stream-id="${id}"][data-state="${state}"] .state`;
    await page.waitForSelector(badge, WAIT);
    const colour = await page.$eval(badge, (el) => getComputedStyle(el).backgroundColor);
    expect(colour).withContext(`colour of ${state}`).toBe(COLOURS[state]);
  }

  async function rowNumber(id: number, field: 'bytesRead' | 'bytesWritten'): Promise<number> {
    const value = await page.$eval(
      `tr[data-stream-id="${id}"]`,
      (el, key) => (el as HTMLElement).dataset[key] ?? '-1',
      field,
    );
    return Number(value);
  }

  /** Waits (bounded) until `field` of row `id` is at least `min`. */
  async function waitCounter(id: number, field: 'bytesRead' | 'bytesWritten', min: number) {
    const attr = field === 'bytesRead' ? 'bytesRead' : 'bytesWritten';
    await page.waitForFunction(
      ([sel, key, least]) => {
        const el = document.querySelector<HTMLElement>(sel as string);
        return el !== null && Number(el.dataset[key as string]) >= (least as number);
      },
      [`tr[data-stream-id="${id}"]`, attr, min],
      { ...WAIT, polling: 50 },
    );
  }

  it('shows rows, state colours through Open → ShutdownWr → Closed and Error, and growing counters', async () => {
    const items = new Subject<TrafficItem>();
    dashboard = await startDashboard({ port: 0, traffic: false, sampleMs: 100, items$: items });
    await page.goto(dashboard.url);
    await page.waitForSelector('#feed[data-feed="live"]', WAIT);

    const [client, server] = await pair('tcp', cleanup);
    items.next({ type: 'stream', stream: client, label: 'e2e tcp client' });
    items.next({ type: 'stream', stream: server, label: 'e2e tcp server' });
    let received = 0;
    cleanup.add(server.reads$.subscribe({ next: (b) => (received += b.length), error: () => 0 }));
    cleanup.add(client.reads$.subscribe({ error: () => 0 }));
    await expectRowState(1, StreamState.Open);
    await expectRowState(2, StreamState.Open);
    expect(await page.textContent('tr[data-stream-id="1"] .kind')).toBe('TCP');

    await firstValueFrom(client.writeAll(Buffer.alloc(64 * 1024, 1)));
    await waitCounter(1, 'bytesWritten', 64 * 1024);
    await waitCounter(2, 'bytesRead', 64 * 1024);
    await firstValueFrom(client.writeAll(Buffer.alloc(32 * 1024, 2)));
    await waitCounter(1, 'bytesWritten', 96 * 1024);
    await waitCounter(2, 'bytesRead', 96 * 1024);
    expect(await rowNumber(2, 'bytesRead')).toBe(received);

    expect(client.shutdownWrite()).toBe('OK');
    await expectRowState(1, StreamState.ShutdownWr);
    await firstValueFrom(server.close(), { defaultValue: undefined });
    await expectRowState(2, StreamState.Closed);
    await expectRowState(1, StreamState.Closed);

    const [victim, peer] = await rawPeer(cleanup);
    items.next({ type: 'stream', stream: victim, label: 'e2e reset victim' });
    cleanup.add(victim.reads$.subscribe({ error: () => 0 }));
    await expectRowState(3, StreamState.Open);
    peer.resetAndDestroy();
    await expectRowState(3, StreamState.Error);
    expect(await page.getAttribute('tr[data-stream-id="3"]', 'data-status')).toBe('SysError');

    const [tlsClient, tlsServer] = await pair('tls', cleanup);
    items.next({ type: 'stream', stream: tlsClient, label: 'e2e tls client' });
    cleanup.add(tlsServer.reads$.subscribe({ error: () => 0 }));
    await expectRowState(4, StreamState.Open);
    expect(await page.getAttribute('tr[data-stream-id="4"]', 'data-kind')).toBe('TLSStream');
    await firstValueFrom(tlsClient.writeAll(Buffer.alloc(10_000, 3)));
    await waitCounter(4, 'bytesWritten', 10_000);

    const summary = (state: string) =>
      page.getAttribute(`[data-summary-state="${state}"]`, 'data-count');
    expect(await summary('Open')).toBe('1');
    expect(await summary('Closed')).toBe('2');
    expect(await summary('Error')).toBe('1');

    await page.click('tr[data-stream-id="1"]');
    await page.waitForSelector('#history[data-stream-id="1"] li', WAIT);
    const path = await page.$$eval('#history[data-stream-id="1"] li', (lis) =>
      lis.map((li) => (li as HTMLElement).dataset.state),
    );
    expect(path).toEqual(['Open', 'ShutdownWr', 'Closed']);

    client.destroy();
    await page.waitForSelector('tr[data-stream-id="1"][data-gone="true"]', WAIT);
    await page.waitForSelector('#history[data-stream-id="1"] li[data-type="removed"]', WAIT);
  }, 60_000);

  it('shows every state and failed connects from the built-in traffic, and saves a screenshot', async () => {
    dashboard = await startDashboard({ port: 0, sampleMs: 250 });
    await page.goto(dashboard.url);
    await page.waitForSelector('#feed[data-feed="live"]', WAIT);
    // All four states on screen at once, a failed connect, traffic flowing, some sparkline history.
    await page.waitForFunction(
      () => {
        const states = new Set(
          Array.from(document.querySelectorAll<HTMLElement>('#rows tr[data-gone="false"]')).map(
            (tr) => tr.dataset.state,
          ),
        );
        const failures = document.querySelectorAll('#failures li').length;
        const history = Array.from(document.querySelectorAll('#rows polyline')).some(
          (line) => (line.getAttribute('points') ?? '').split(' ').length >= 24,
        );
        const moving = document.querySelector<HTMLElement>('[data-summary="throughput"]');
        return (
          ['Open', 'ShutdownWr', 'Closed', 'Error'].every((s) => states.has(s)) &&
          failures > 0 &&
          history &&
          Number(moving?.dataset.rate ?? 0) > 0
        );
      },
      undefined,
      { timeout: 50_000, polling: 100 },
    );
    const statuses = await page.$$eval('#rows tr', (trs) =>
      trs.map((tr) => (tr as HTMLElement).dataset.status),
    );
    expect(statuses).toContain('OK');
    expect(statuses.some((s) => s === 'SysError' || s === 'TLSError')).toBe(true);
    const errorRow = await page.getAttribute('#rows tr[data-state="Error"]', 'data-stream-id');
    await page.click(`tr[data-stream-id="${errorRow}"]`);
    await page.waitForSelector('#history li[data-state="Error"]', WAIT);

    mkdirSync(join(ROOT, 'spec-output'), { recursive: true });
    // The README's docs/dashboard.png is refreshed by hand from this file (tests never touch tracked files).
    const shot = join(ROOT, 'spec-output', 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
  }, 90_000);
});
