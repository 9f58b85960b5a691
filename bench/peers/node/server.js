// B3 peer: the registry write and read of Lianxin, as a plain Express +
// better-sqlite3 app would do them, so bench/http can hold the two side by
// side. One process, one connection to SQLite (WAL, synchronous=FULL), one
// transaction and one fsync per write; no group commit.
//
//   POST /api/v1/session        {"username","password"} → {"csrf_token"} + Set-Cookie lx_session
//   POST /api/v1/regions        a village or township, validated, inserted and
//                               journaled (a BLAKE2b hash chain) in one transaction → 201
//   GET  /api/v1/households/:id one household with its members, ID numbers and phones masked
//   GET  /healthz
//
// Environment: PEER_DB (made by load.js), PEER_PORT, PEER_USER,
// PEER_PASSWORD (the one account: county_admin over PEER_SCOPE, default 149901).
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const Database = require('better-sqlite3');

const dbPath = process.env.PEER_DB;
const port = Number(process.env.PEER_PORT || 8090);
const scope = process.env.PEER_SCOPE || '149901';
if (!dbPath || !process.env.PEER_USER || !process.env.PEER_PASSWORD) {
  console.error('PEER_DB, PEER_USER and PEER_PASSWORD are required');
  process.exit(2);
}

// The one account, its password kept as a scrypt hash as an app would.
const salt = crypto.randomBytes(16);
const account = {
  username: process.env.PEER_USER,
  role: 'county_admin',
  scope,
  passwordHash: crypto.scryptSync(process.env.PEER_PASSWORD, salt, 32),
};

const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

// --- sessions: a token in a cookie, looked up in a Map --------------------
const SESSION_IDLE_MS = 30 * 60 * 1000;
const sessions = new Map(); // token → {username, role, scope, csrf, lastSeen}

function cookieValue(header, name) {
  if (!header) return '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return '';
}

function fail(res, status, code, message, field) {
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });
}

function sameSecret(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// Signed in, with the role; unsafe methods also carry the CSRF token.
function gate(roles) {
  return (req, res, next) => {
    const token = cookieValue(req.headers.cookie, 'lx_session');
    const session = token && sessions.get(token);
    const now = Date.now();
    if (!session || now - session.lastSeen > SESSION_IDLE_MS) {
      if (session) sessions.delete(token);
      return fail(res, 401, 'unauthenticated', '请先登录');
    }
    session.lastSeen = now;
    if (!roles.includes(session.role)) return fail(res, 403, 'forbidden', '无权访问');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (!sameSecret(req.get('X-CSRF-Token') || '', session.csrf)) {
        return fail(res, 403, 'forbidden', '请求校验失败 (csrf_mismatch)');
      }
    }
    req.session = session;
    next();
  };
}

// --- validation, in the spirit of src/domain/validate.cpp ------------------
const LEVELS = {
  乡镇: 'township', 乡: 'township', 镇: 'township', 街道: 'township', township: 'township',
  村: 'village', 社区: 'village', 村委会: 'village', village: 'village',
};
const PARENT_LEVEL = { township: 'county', village: 'township' };

function levelOfCode(code) {
  if (!/^\d+$/.test(code)) return null;
  if (code.length === 6) return 'county';
  if (code.length === 12) {
    if (code.slice(6, 9) === '000') return null;
    return code.slice(9) === '000' ? 'township' : 'village';
  }
  return null;
}

function validateRegion(body) {
  const problems = [];
  const text = (name) => (typeof body[name] === 'string' ? body[name].trim() : '');
  const code = text('code');
  const name = text('name');
  const parent = text('parent_code');
  let level = LEVELS[text('level')] || levelOfCode(code);
  if (!code) problems.push({ field: 'code', message: '缺少字段 code (required)' });
  else if (levelOfCode(code) === null) problems.push({ field: 'code', message: `区划代码 ${code} 格式不对 (region_code_format)` });
  else if (levelOfCode(code) !== level) problems.push({ field: 'level', message: `区划代码 ${code} 与级别不符 (region_code_level)` });
  if (!name) problems.push({ field: 'name', message: '缺少字段 name (required)' });
  else if (name.length > 100) problems.push({ field: 'name', message: '名称过长 (too_long)' });
  if (level !== 'township' && level !== 'village') {
    problems.push({ field: 'level', message: '级别应为乡镇或村 (level)' });
  } else if (levelOfCode(parent) !== PARENT_LEVEL[level]) {
    problems.push({ field: 'parent_code', message: `上级代码 ${parent} 不是${PARENT_LEVEL[level]}级 (region_parent)` });
  } else {
    const shared = level === 'township' ? 6 : 9;
    if (code.slice(0, shared) !== parent.slice(0, shared)) {
      problems.push({ field: 'parent_code', message: `区划代码 ${code} 不在上级 ${parent} 之下 (region_parent)` });
    }
  }
  return { problems, row: { code, name, level, parent_code: parent, county_code: code.slice(0, 6) } };
}

// --- the store ---------------------------------------------------------------
const findRegion = db.prepare('SELECT code, name, level, parent_code FROM regions WHERE code = ?');
const insertRegion = db.prepare(
  'INSERT INTO regions (code, name, level, parent_code, county_code) VALUES (@code, @name, @level, @parent_code, @county_code)');
const lastJournal = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1');
const insertJournal = db.prepare(
  `INSERT INTO journal (seq, at_millis, actor, action, entity, entity_key, before, after, prev_hash, hash)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const findHousehold = db.prepare('SELECT * FROM households WHERE code = ?');
const findMembers = db.prepare('SELECT * FROM members WHERE household_code = ? ORDER BY rowid');

function journal(actor, action, entity, key, before, after) {
  const last = lastJournal.get();
  const seq = last ? last.seq + 1 : 1;
  const prev = last ? last.hash : Buffer.alloc(64);
  const at = Date.now();
  const hash = crypto.createHash('blake2b512');
  hash.update(prev);
  for (const field of [String(seq), String(at), actor, action, entity, key, before, after]) {
    hash.update(field);
    hash.update('\x1f');
  }
  insertJournal.run(seq, at, actor, action, entity, key, before, after, prev, hash.digest());
}

class Refusal extends Error {
  constructor(status, code, message, field) {
    super(message);
    Object.assign(this, { status, code, field });
  }
}

const createRegion = db.transaction((row, actor) => {
  const parent = findRegion.get(row.parent_code);
  if (!parent || parent.level !== PARENT_LEVEL[row.level]) {
    throw new Refusal(400, 'invalid_input', `上级区划 ${row.parent_code} 不存在 (region_parent)`, 'parent_code');
  }
  if (findRegion.get(row.code)) throw new Refusal(409, 'conflict', `记录已存在 ${row.code} (exists)`);
  insertRegion.run(row);
  journal(actor, 'insert', 'regions', row.code, '', JSON.stringify(row));
});

// --- masking, as the export and the API show personal data ------------------
const maskId = (v) => (v && v.length === 18 ? v.slice(0, 6) + '********' + v.slice(14) : v ? '****' : '');
const maskPhone = (v) => (v && v.length === 11 ? v.slice(0, 3) + '****' + v.slice(7) : v ? '****' : '');

// --- the app -----------------------------------------------------------------
const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.use(express.json({ limit: '8mb' }));
app.use((req, res, next) => {
  res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
  next();
});

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.post('/api/v1/session', (req, res) => {
  const { username, password } = req.body || {};
  if (typeof username !== 'string' || typeof password !== 'string') {
    return fail(res, 400, 'invalid_input', '缺少用户名或密码');
  }
  const given = crypto.scryptSync(password, salt, 32);
  if (username !== account.username || !crypto.timingSafeEqual(given, account.passwordHash)) {
    return fail(res, 401, 'unauthenticated', '用户名或密码错误');
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const csrf = crypto.randomBytes(32).toString('base64url');
  sessions.set(token, { username, role: account.role, scope: account.scope, csrf, lastSeen: Date.now() });
  res.set('Set-Cookie', `lx_session=${token}; Path=/; HttpOnly; SameSite=Strict`);
  res.json({ csrf_token: csrf, must_change_password: false });
});

app.post('/api/v1/regions', gate(['county_admin', 'township_admin']), (req, res) => {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
    return fail(res, 400, 'invalid_input', '请求体应为 JSON 对象 (json_invalid)', 'body');
  }
  const { problems, row } = validateRegion(req.body);
  if (problems.length) {
    return res.status(400).json({ error: { code: 'invalid_input', message: problems[0].message, field: problems[0].field }, problems });
  }
  if (!row.code.startsWith(req.session.scope)) return fail(res, 403, 'forbidden', '不在您的管辖范围 (out_of_scope)');
  try {
    createRegion(row, req.session.username);
  } catch (e) {
    if (e instanceof Refusal) return fail(res, e.status, e.code, e.message, e.field);
    throw e;
  }
  // Answered from the store after the commit, as Lianxin answers a create.
  const saved = findRegion.get(row.code);
  res.status(201).json({ code: saved.code, level: saved.level === 'village' ? '村' : '乡镇', name: saved.name, parent_code: saved.parent_code });
});

app.get('/api/v1/households/:id', gate(['county_admin', 'township_admin', 'unit_head', 'cadre']), (req, res) => {
  const code = req.params.id;
  const household = code.startsWith(req.session.scope) ? findHousehold.get(code) : undefined;
  if (!household) return fail(res, 403, 'forbidden', '不在您的管辖范围 (out_of_scope)');
  const record = {};
  for (const [key, value] of Object.entries(household)) record[key] = value === null ? '' : String(value);
  record.head_id_number = maskId(household.head_id_number);
  record.phone = maskPhone(household.phone);
  record.members = findMembers.all(code).map((m) => {
    const member = {};
    for (const [key, value] of Object.entries(m)) if (key !== 'household_code') member[key] = value === null ? '' : String(value);
    member.id_number = maskId(m.id_number);
    return member;
  });
  res.json(record);
});

app.use((err, req, res, next) => {
  if (err.type === 'entity.parse.failed') return fail(res, 400, 'invalid_input', '请求体应为 JSON 对象 (json_invalid)', 'body');
  console.error(err);
  fail(res, 500, 'internal', '服务器内部错误');
});

const server = app.listen(port, '127.0.0.1', () => console.log(`node peer on http://127.0.0.1:${port}`));
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
process.on('SIGTERM', () => server.close(() => { db.close(); process.exit(0); }));
