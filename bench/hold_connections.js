// B3c: holds N keep-alive connections to a server for a while, each sending
// GET PATH about once per interval on its own socket, and checks that every
// connection stays open and has every request answered (no starved one).
//   node hold_connections.js HOST PORT N SECONDS [INTERVAL_MS] [PATH]
// Prints one line for bench/http:
//   RESULT connections=N connected=N answered_all=N responses=N errors=N
//          closed=N non200=N p99_ms=X max_ms=X min_per_connection=N
// and exits 0 whatever it found (the bench decides). No dependencies.
'use strict';

const net = require('node:net');

const [host, portText, nText, secondsText, intervalText, pathArg] = process.argv.slice(2);
const port = Number(portText);
const n = Number(nText || 2000);
const seconds = Number(secondsText || 10);
const interval = Number(intervalText || 1000);
const path = pathArg || '/healthz';
const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);

const latencies = [];
let connected = 0, errors = 0, closed = 0, non200 = 0, responses = 0;
const errorKinds = new Map();
let ending = false;
const conns = [];

function noteError(kind) {
  errors++;
  errorKinds.set(kind, (errorKinds.get(kind) || 0) + 1);
}

function open(i) {
  return new Promise((resolve) => {
    const c = { sent: 0, answered: 0, pendingSince: 0, buffer: Buffer.alloc(0), open: false, timer: null };
    conns[i] = c;
    // Many clients, as in the field: on loopback the connections come from
    // 64 source addresses (127.0.0.10 and on), so the server's per-address
    // cap ([server] max_connections_per_address) sees ~30 each, not 2,000.
    const localAddress = host === '127.0.0.1' ? `127.0.0.${10 + (i % 64)}` : undefined;
    const socket = net.connect({ host, port, localAddress });
    c.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      c.open = true;
      connected++;
      resolve();
    });
    socket.on('data', (chunk) => {
      c.buffer = Buffer.concat([c.buffer, chunk]);
      for (;;) {
        const end = c.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = c.buffer.subarray(0, end).toString('latin1');
        const match = /content-length:\s*(\d+)/i.exec(head);
        const length = match ? Number(match[1]) : 0;
        if (c.buffer.length < end + 4 + length) return;
        c.buffer = c.buffer.subarray(end + 4 + length);
        if (!head.startsWith('HTTP/1.1 200')) non200++;
        c.answered++;
        responses++;
        latencies.push(Date.now() - c.pendingSince);
        schedule(c);
      }
    });
    socket.on('error', (e) => {
      noteError(e.code || 'error');
      resolve();
    });
    socket.on('close', () => {
      if (c.open && !ending) closed++;
      c.open = false;
      resolve();
    });
  });
}

function send(c) {
  if (!c.open || ending) return;
  c.sent++;
  c.pendingSince = Date.now();
  c.socket.write(request);
}

function schedule(c) {
  if (ending || !c.open) return;
  // Spread over the interval so the load is steady, not in bursts.
  c.timer = setTimeout(() => send(c), interval * (0.5 + Math.random()));
}

(async () => {
  // Connect in waves so the listen backlog is not the thing tested.
  for (let i = 0; i < n; i += 100) {
    const wave = [];
    for (let j = i; j < Math.min(n, i + 100); j++) wave.push(open(j));
    await Promise.all(wave);
  }
  for (const c of conns) if (c.open) c.timer = setTimeout(() => send(c), Math.random() * interval);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  // Stop sending, then give the last requests time to be answered.
  for (const c of conns) clearTimeout(c.timer);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && conns.some((c) => c.open && c.answered < c.sent)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  ending = true;
  let answeredAll = 0, minPer = Infinity;
  for (const c of conns) {
    if (c.sent > 0 && c.answered === c.sent) answeredAll++;
    minPer = Math.min(minPer, c.answered);
    c.socket.destroy();
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] : 0;
  const max = latencies.length ? latencies[latencies.length - 1] : 0;
  const kinds = [...errorKinds].map(([k, v]) => `${k}:${v}`).join(',') || 'none';
  console.log(`RESULT connections=${n} connected=${connected} answered_all=${answeredAll} responses=${responses} ` +
              `errors=${errors} closed=${closed} non200=${non200} p99_ms=${p99} max_ms=${max} ` +
              `min_per_connection=${minPer === Infinity ? 0 : minPer} error_kinds=${kinds}`);
})();
