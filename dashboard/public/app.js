/* global document, window, EventSource, requestAnimationFrame */
// rxstream dashboard page: follows the server's Server-Sent Events (`hello`,
// `monitor`, `failure`) and draws one row per stream. No external resources.
(function dashboard() {
  'use strict';

  const STATES = ['Open', 'ShutdownWr', 'Closed', 'Error'];
  const TICK_MS = 500;
  const SPARK_POINTS = 48; // one per tick: the last 24 s
  const SPARK_W = 120;
  const SPARK_H = 24;
  const GONE_KEEP_MS = 30000; // destroyed streams stay greyed this long
  const GONE_MAX = 40;
  const SVG = 'http://www.w3.org/2000/svg';

  /** id → { latest, since, history, gone, goneAt, rin, rout, lastIn, lastOut, row } */
  const streams = new Map();
  let failures = [];
  let connections = null; // the latest monitorConnections() sample
  let idleTimeouts = 0;
  let selected = null;
  let clockOffset = 0; // server time − page time
  let dirty = false;

  const $ = (selector) => document.querySelector(selector);
  const rows = $('#rows');

  function serverNow() {
    return Date.now() + clockOffset;
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  }

  function formatAge(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  }

  function entry(snapshot) {
    return {
      latest: snapshot.latest,
      since: snapshot.since,
      history: snapshot.history.slice(),
      gone: false,
      goneAt: 0,
      rin: [],
      rout: [],
      lastIn: snapshot.latest.bytesRead,
      lastOut: snapshot.latest.bytesWritten,
      row: null,
    };
  }

  // ---- feed ---------------------------------------------------------------

  function onHello(message) {
    const hello = JSON.parse(message.data);
    clockOffset = hello.now - Date.now();
    for (const s of streams.values()) if (s.row) s.row.remove();
    streams.clear();
    for (const snapshot of hello.streams) streams.set(snapshot.latest.id, entry(snapshot));
    failures = hello.failures.slice();
    connections = hello.connections;
    idleTimeouts = hello.idleTimeouts || 0;
    invalidate();
  }

  function onMonitor(message) {
    const event = JSON.parse(message.data);
    let s = streams.get(event.id);
    if (event.type === 'added') {
      s = entry({ latest: event, since: event.time, history: [event] });
      streams.set(event.id, s);
    } else if (s === undefined) {
      return;
    }
    s.latest = event;
    if (event.type === 'state' && event.state === 'Error' && event.timedOut) idleTimeouts += 1;
    if (event.type === 'state' || event.type === 'removed') s.history.push(event);
    if (event.type === 'removed') {
      s.gone = true;
      s.goneAt = Date.now();
    }
    invalidate();
  }

  function onFailure(message) {
    failures.push(JSON.parse(message.data));
    if (failures.length > 20) failures = failures.slice(-20);
    invalidate();
  }

  function onConnections(message) {
    connections = JSON.parse(message.data);
    invalidate();
  }

  function connect() {
    const feed = $('#feed');
    const source = new EventSource('/events');
    source.addEventListener('connections', onConnections);
    source.addEventListener('hello', onHello);
    source.addEventListener('monitor', onMonitor);
    source.addEventListener('failure', onFailure);
    source.addEventListener('open', () => {
      feed.dataset.feed = 'live';
      feed.textContent = 'live';
    });
    source.addEventListener('error', () => {
      feed.dataset.feed = 'lost';
      feed.textContent = 'reconnecting…';
    });
  }

  // ---- clock: throughput samples (bytes/s per tick), ages, pruning --------

  function tick() {
    for (const s of streams.values()) {
      if (s.gone) continue;
      push(s.rin, ((s.latest.bytesRead - s.lastIn) * 1000) / TICK_MS);
      push(s.rout, ((s.latest.bytesWritten - s.lastOut) * 1000) / TICK_MS);
      s.lastIn = s.latest.bytesRead;
      s.lastOut = s.latest.bytesWritten;
    }
    prune();
    invalidate();
  }

  function push(series, value) {
    series.push(Math.max(0, value));
    if (series.length > SPARK_POINTS) series.shift();
  }

  function prune() {
    const gone = [...streams.entries()].filter(([, s]) => s.gone);
    const now = Date.now();
    gone.forEach(([id, s], i) => {
      if (now - s.goneAt > GONE_KEEP_MS || gone.length - i > GONE_MAX) {
        if (s.row) s.row.remove();
        streams.delete(id);
      }
    });
  }

  // ---- rendering ----------------------------------------------------------

  function invalidate() {
    if (dirty) return;
    dirty = true;
    requestAnimationFrame(render);
  }

  function render() {
    dirty = false;
    const ids = [...streams.keys()].sort((a, b) => b - a);
    ids.forEach((id, i) => {
      const s = streams.get(id);
      if (s.row === null) s.row = makeRow(id);
      updateRow(s);
      if (rows.children[i] !== s.row) rows.insertBefore(s.row, rows.children[i] || null);
    });
    $('#empty').hidden = ids.length > 0;
    renderSummary();
    renderHistory();
    renderFailures();
    renderConnections();
  }

  function cell(row, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function makeRow(id) {
    const row = document.createElement('tr');
    row.dataset.streamId = String(id);
    cell(row, 'num id').textContent = String(id);
    const name = cell(row, 'name');
    name.innerHTML = '<span class="kind"></span><span class="label"></span>';
    cell(row, '').innerHTML = '<span class="state"></span>';
    cell(row, '').innerHTML = '<span class="status"></span>';
    cell(row, 'num bytes-in');
    cell(row, 'num bytes-out');
    const spark = cell(row, 'throughput');
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', String(SPARK_W));
    svg.setAttribute('height', String(SPARK_H));
    svg.setAttribute('viewBox', `0 0 ${SPARK_W} ${SPARK_H}`);
    for (const cls of ['in', 'out']) {
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('class', cls);
      svg.appendChild(line);
    }
    spark.appendChild(svg);
    const rate = document.createElement('span');
    rate.className = 'rate';
    spark.appendChild(rate);
    cell(row, 'num age');
    row.addEventListener('click', () => select(id));
    return row;
  }

  function updateRow(s) {
    const { row, latest } = s;
    const status = latest.status || 'OK';
    row.dataset.state = latest.state;
    row.dataset.kind = latest.kind;
    row.dataset.status = status;
    row.dataset.bytesRead = String(latest.bytesRead);
    row.dataset.bytesWritten = String(latest.bytesWritten);
    row.dataset.gone = String(s.gone);
    row.classList.toggle('selected', selected === latest.id);
    row.querySelector('.kind').textContent = latest.kind;
    row.querySelector('.label').textContent = s.gone ? `${latest.label} (destroyed)` : latest.label;
    const state = row.querySelector('.state');
    state.dataset.state = latest.state;
    state.textContent = latest.state;
    const statusEl = row.querySelector('.status');
    statusEl.dataset.status = status;
    statusEl.textContent = status;
    row.querySelector('.bytes-in').textContent = formatBytes(latest.bytesRead);
    row.querySelector('.bytes-out').textContent = formatBytes(latest.bytesWritten);
    drawSpark(row, s);
    const end = s.gone ? latest.time : serverNow();
    row.querySelector('.age').textContent = formatAge(end - s.since);
  }

  function drawSpark(row, s) {
    const max = Math.max(1, ...s.rin, ...s.rout);
    const lines = row.querySelectorAll('polyline');
    [s.rin, s.rout].forEach((series, i) => {
      const step = SPARK_W / (SPARK_POINTS - 1);
      const offset = SPARK_POINTS - series.length;
      const points = series.map(
        (v, j) =>
          `${((offset + j) * step).toFixed(1)},${(SPARK_H - 1 - (v / max) * (SPARK_H - 3)).toFixed(1)}`,
      );
      lines[i].setAttribute('points', points.join(' '));
    });
    const now = (s.rin[s.rin.length - 1] || 0) + (s.rout[s.rout.length - 1] || 0);
    row.querySelector('.rate').textContent = `${formatBytes(now)}/s`;
  }

  function renderSummary() {
    const counts = { Open: 0, ShutdownWr: 0, Closed: 0, Error: 0 };
    let gone = 0;
    let rate = 0;
    for (const s of streams.values()) {
      if (s.gone) gone += 1;
      else counts[s.latest.state] += 1;
      if (!s.gone) rate += (s.rin[s.rin.length - 1] || 0) + (s.rout[s.rout.length - 1] || 0);
    }
    for (const state of STATES)
      setChip(`[data-summary-state="${state}"]`, counts[state], counts[state]);
    setChip('[data-summary="gone"]', gone, gone);
    setChip('[data-summary="failures"]', failures.length, failures.length);
    setChip('[data-summary="idle"]', idleTimeouts, idleTimeouts);
    const chip = $('[data-summary="throughput"]');
    chip.dataset.rate = String(rate);
    chip.querySelector('b').textContent = `${formatBytes(rate)}/s`;
  }

  function setChip(selector, count, text) {
    const chip = $(selector);
    chip.dataset.count = String(count);
    chip.querySelector('b').textContent = String(text);
  }

  function select(id) {
    selected = selected === id ? null : id;
    invalidate();
  }

  function renderHistory() {
    const box = $('#history');
    const list = box.querySelector('ol');
    const s = selected === null ? undefined : streams.get(selected);
    box.dataset.streamId = s ? String(selected) : '';
    box.querySelector('.hint').hidden = s !== undefined;
    $('#history-title').textContent = s ? `#${selected} ${s.latest.label}` : '';
    if (!s) {
      list.replaceChildren();
      return;
    }
    if (list.children.length === s.history.length && list.dataset.for === String(selected)) return;
    list.dataset.for = String(selected);
    list.replaceChildren(...s.history.map((e) => historyItem(e, s.since)));
  }

  function historyItem(event, since) {
    const li = document.createElement('li');
    li.dataset.type = event.type;
    li.dataset.state = event.state;
    const when = document.createElement('span');
    when.className = 'when';
    when.textContent = `+${((event.time - since) / 1000).toFixed(2)}s`;
    const badge = document.createElement('span');
    badge.className = 'state';
    badge.dataset.state = event.state;
    badge.textContent = event.state;
    const text = document.createElement('span');
    const what = { added: 'appeared', state: `from ${event.previous}`, removed: 'destroyed' };
    const bytes = `in ${formatBytes(event.bytesRead)}, out ${formatBytes(event.bytesWritten)}`;
    text.textContent = `${what[event.type] || event.type}${event.status ? ` · ${event.status}` : ''} · ${bytes}`;
    li.append(when, badge, text);
    return li;
  }

  function renderFailures() {
    const list = $('#failures');
    $('#no-failures').hidden = failures.length > 0;
    if (
      list.children.length === failures.length &&
      list.dataset.last === String(failures.at(-1)?.time)
    )
      return;
    list.dataset.last = String(failures.at(-1)?.time);
    list.replaceChildren(
      ...failures
        .slice()
        .reverse()
        .map((f) => {
          const li = document.createElement('li');
          li.dataset.status = f.status;
          li.dataset.kind = f.kind;
          const status = document.createElement('span');
          status.className = 'status';
          status.textContent = f.status;
          const label = document.createElement('span');
          label.textContent = f.label;
          const reason = document.createElement('span');
          reason.className = 'reason';
          reason.textContent = f.reason || '';
          reason.title = f.message;
          li.append(status, label, reason);
          return li;
        }),
    );
  }

  /** Reconnecting clients (status, attempt, connections), groups and servers, one line each. */
  function renderConnections() {
    const list = $('#connections');
    const c = connections;
    const lines =
      c === null
        ? []
        : [
            ...c.reconnecting.map((r) => ({
              kind: 'reconnect',
              status: r.status,
              text:
                `${r.name}: ${r.status}, attempt ${r.attempt}, ${r.connections} connections` +
                (r.lastStatus ? `, last ${r.lastStatus}` : ''),
            })),
            ...c.groups.map((g) => ({
              kind: 'group',
              status: 'group',
              text: `${g.name}: ${g.size} members (${g.added} added, ${g.left} left, ${g.skipped} skipped)`,
            })),
            ...c.servers.map((s) => ({
              kind: 'server',
              status: 'server',
              text: `${s.name}: ${s.open} open, ${s.accepted} accepted, ${s.refused} refused`,
            })),
          ];
    $('#no-connections').hidden = lines.length > 0;
    list.replaceChildren(
      ...lines.map((line) => {
        const li = document.createElement('li');
        li.dataset.kind = line.kind;
        li.dataset.status = line.status;
        li.textContent = line.text;
        return li;
      }),
    );
  }

  connect();
  window.setInterval(tick, TICK_MS);
})();
