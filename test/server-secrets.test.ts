/**
 * Issue 8, "Done when": after a full end-to-end session the plaintext Mistral keys, the passwords, the
 * API tokens, the session tokens and the set-up token appear in no response, no log line and no
 * database file. One session over real HTTP (a listening server on 127.0.0.1, real cookies and CSRF
 * tokens): first start with the one-time set-up token, sign-out and sign-in, users with passwords, API
 * tokens, an integration with a recognisable key, a refused key, a key rotation, a sync, every read
 * route, a mute, a password change. Captured: every response (status, headers, body), every log line
 * of a pino logger at trace level, and afterwards every table; on PGlite also the raw bytes of every
 * file of the data folder (old row versions included). The Mistral keys are also searched by every
 * 12-character piece. The master key file must be mode 0600.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/app/config.ts';
import { createApp } from '../src/app/root.ts';
import { buildServer } from '../src/server/server.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { openDatabase, type Database } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { recordReliability } from './helpers/reliability.ts';
import { startKeyProxy } from './helpers/key-proxy.ts';
import { minimalQuery, resourceParams, toOpenApiPath, withQuery } from './helpers/openapi-requests.ts';
import type { OpenApiDocument } from './helpers/openapi-requests.ts';
import { recognisableKey } from './store-fixtures.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';
import { randomBytes } from 'node:crypto';

interface Captured {
  label: string;
  status: number;
  headers: string;
  body: string;
}

type Carries = 'session-cookie' | 'api-token' | 'signing-secret';

/** A browser-like HTTP client: keeps the session cookie, sends the CSRF token on writes. */
class HttpClient {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  constructor(
    private readonly base: string,
    private readonly captured: Captured[],
    private readonly onSession: (token: string) => void,
  ) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    carries?: Carries,
  ): Promise<{ status: number; body: T; text: string }> {
    const headers: Record<string, string> = { 'user-agent': 'secrets-test' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    else if (this.cookie) {
      headers.cookie = `trustlens_session=${this.cookie}`;
      if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    }
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const setCookies = res.headers.getSetCookie();
    const rawHeaders: Array<[string, string]> = [];
    res.headers.forEach((v, k) => {
      if (k !== 'set-cookie') rawHeaders.push([k, v]);
    });
    let visibleSetCookies = setCookies;
    for (const c of setCookies) {
      const m = /^trustlens_session=([^;]*)/.exec(c);
      if (!m) continue;
      if (m[1]) {
        this.cookie = m[1];
        this.onSession(m[1]);
      } else this.cookie = null;
    }
    let visibleBody = text;
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    // The one place each secret may legitimately be: the cookie that sets the session, the response
    // that creates an API token. Only that exact spot is blanked before the search.
    if (carries === 'session-cookie')
      visibleSetCookies = setCookies.map((c) => c.replace(/^trustlens_session=[^;]*/, 'trustlens_session=…'));
    if (carries === 'api-token' && res.status === 201) {
      const token = (parsed as { token: string }).token;
      visibleBody = text.replace(`"token":"${token}"`, '"token":"…"');
    }
    if (carries === 'signing-secret' && res.status < 300) {
      const secret = (parsed as { signingSecret: string }).signingSecret;
      visibleBody = text.replace(`"signingSecret":"${secret}"`, '"signingSecret":"…"');
    }
    for (const c of visibleSetCookies) rawHeaders.push(['set-cookie', c]);
    this.captured.push({
      label: `${method} ${path} → ${res.status}`,
      status: res.status,
      headers: JSON.stringify(rawHeaders),
      body: visibleBody,
    });
    const csrf = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof csrf === 'string') this.csrf = csrf;
    return { status: res.status, body: parsed as T, text };
  }
}

/** Every table as JSON (bytea as its bytes, so plaintext in a binary column is still found). */
async function dumpTables(db: Database): Promise<Map<string, string>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name::text AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out = new Map<string, string>();
  for (const { name } of rows) {
    // An identifier from the catalog, quoted: not data.
    const r = await db.query(`SELECT * FROM "${name.replace(/"/g, '""')}"`);
    out.set(
      name,
      JSON.stringify(r.rows, (_k, v: unknown) => {
        if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
        const b = v as { type?: unknown; data?: unknown };
        if (b && b.type === 'Buffer' && Array.isArray(b.data)) return Buffer.from(b.data).toString('latin1');
        return v;
      }),
    );
  }
  return out;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Every piece of `s` of `n` characters. */
function windows(s: string, n = 12): string[] {
  return Array.from({ length: s.length - n + 1 }, (_, i) => s.slice(i, i + n));
}

interface Needle {
  what: string;
  value: Buffer;
}

function findIn(haystack: Buffer, where: string, needles: Needle[], hits: string[]) {
  for (const n of needles) {
    const at = haystack.indexOf(n.value);
    if (at >= 0) {
      const around = haystack
        .subarray(Math.max(0, at - 60), at + n.value.length + 60)
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '.');
      hits.push(`${n.what} in ${where}: …${around}…`);
    }
  }
}

for (const backend of testBackends()) {
  describe(`secrets after an end-to-end session (${backend.kind})`, { skip: backend.skip }, () => {
    it('no plaintext key, password, API token, session or set-up token in responses, logs or the database', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'trustlens-secrets-'));
      const KEY1 = recognisableKey('ONE');
      const KEY2 = recognisableKey('TWO');
      const HOOK_SECRET = `WEBHOOKSECRET${randomBytes(8).toString('hex')}`;
      const signingSecrets: string[] = [];
      const receivers: WebhookReceiver[] = [];
      const BAD_KEY = recognisableKey('BAD');
      // The admin API key (issue 11): the simulator's own, and one Mistral refuses.
      const ADMIN_KEY = recognisableKey('ADM');
      const BAD_ADMIN_KEY = recognisableKey('BADADM');
      const PW = {
        admin: 'PLAINTEXT-admin-password-4e7d1c',
        analyst: 'PLAINTEXT-analyst-password-9a2f07',
        viewer: 'PLAINTEXT-viewer-password-61b3d8',
        viewerNew: 'PLAINTEXT-viewer-new-password-0c5e92',
        wrong: 'PLAINTEXT-wrong-password-77aa10',
      };
      const ORG_NAME = 'Secrets Org STORED-IN-CLEAR-d41c';
      const sessions: string[] = [];
      const apiTokens: string[] = [];
      const captured: Captured[] = [];
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });

      const sim = await startSimulator({
        seed: 33,
        host: '127.0.0.1',
        apiKey: KEY1,
        adminApiKey: ADMIN_KEY,
        generator: { agents: 6, conversations: 30 },
      });
      const proxy = await startKeyProxy(sim, [KEY2]); // KEY1 passes through: the simulator's own key
      let pgdb: TestDatabase | undefined;
      let tables = new Map<string, string>();
      try {
        pgdb = backend.kind === 'postgres' ? await backend.open() : undefined;
        // A real data folder: the master key file is generated there, and on PGlite the database too.
        const config = loadConfig({ dataDir, scheduler: false }, {});
        const app = await createApp(config, { db: pgdb?.db, shutdownGraceMs: 5000 });
        const server = await buildServer(app, { logger: pino({ level: 'trace' }, sink) });
        let closed = false;
        try {
          const base = await server.listen({ host: '127.0.0.1', port: 0 });
          const client = () => new HttpClient(base, captured, (s) => sessions.push(s));

          // First start: the one-time set-up token (what `serve` prints).
          const boot = await app.services.accounts.bootstrap(config.init);
          assert.equal(boot.kind, 'setup');
          const setupToken = boot.kind === 'setup' ? boot.setupToken : '';
          const anon = client();
          assert.equal((await anon.request('GET', '/api/v1/health')).status, 200);
          assert.equal((await anon.request('GET', '/api/v1/session')).status, 401);
          const admin = client();
          const setup = await admin.request(
            'POST',
            '/api/v1/setup',
            { setupToken, organizationName: ORG_NAME, email: 'admin@secrets.example', password: PW.admin },
            'session-cookie',
          );
          assert.equal(setup.status, 201, setup.text);
          assert.ok(admin.cookie && admin.csrf, 'set-up signs in');
          const again = await anon.request('POST', '/api/v1/setup', {
            setupToken,
            organizationName: 'Again',
            email: 'again@secrets.example',
            password: PW.wrong,
          });
          assert.equal(again.status, 409, again.text);
          assert.equal((await admin.request('POST', '/api/v1/auth/logout')).status, 204);
          assert.equal((await admin.request('GET', '/api/v1/session')).status, 401);
          const wrong = await anon.request('POST', '/api/v1/auth/login', {
            email: 'admin@secrets.example',
            password: PW.wrong,
          });
          assert.equal(wrong.status, 401);
          const login = await admin.request(
            'POST',
            '/api/v1/auth/login',
            { email: 'admin@secrets.example', password: PW.admin },
            'session-cookie',
          );
          assert.equal(login.status, 200, login.text);

          // Users with passwords, each signed in.
          const people: Record<'analyst' | 'viewer', HttpClient> = { analyst: client(), viewer: client() };
          for (const role of ['analyst', 'viewer'] as const) {
            const email = `${role}@secrets.example`;
            const created = await admin.request('POST', '/api/v1/users', { email, password: PW[role], role });
            assert.equal(created.status, 201, created.text);
            const signed = await people[role].request(
              'POST',
              '/api/v1/auth/login',
              { email, password: PW[role] },
              'session-cookie',
            );
            assert.equal(signed.status, 200, signed.text);
          }

          // API tokens (their value is in the creation response only).
          const bearer: Record<'admin' | 'viewer', HttpClient> = { admin: client(), viewer: client() };
          for (const role of ['admin', 'viewer'] as const) {
            const t = await admin.request(
              'POST',
              '/api/v1/tokens',
              { name: `${role} ci`, role },
              'api-token',
            );
            assert.equal(t.status, 201, t.text);
            apiTokens.push(t.body.token);
            bearer[role].bearer = t.body.token;
          }

          // An integration with a recognisable key; a refused key; a rotation to another one.
          const refused = await bearer.admin.request('POST', '/api/v1/integrations', {
            name: 'refused',
            apiKey: BAD_KEY,
            baseUrl: proxy.url,
          });
          assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
          const created = await bearer.admin.request('POST', '/api/v1/integrations', {
            name: 'prod',
            apiKey: KEY1,
            baseUrl: proxy.url,
          });
          assert.equal(created.status, 201, created.text);
          const integrationId = created.body.id as string;
          const refusedRotation = await admin.request(
            'POST',
            `/api/v1/integrations/${integrationId}/rotate-key`,
            {
              apiKey: BAD_KEY,
            },
          );
          assert.ok(refusedRotation.status >= 400 && refusedRotation.status < 500, refusedRotation.text);
          const rotated = await admin.request('POST', `/api/v1/integrations/${integrationId}/rotate-key`, {
            apiKey: KEY2,
          });
          assert.equal(rotated.status, 200, rotated.text);
          assert.notEqual(rotated.body.keyFingerprint, created.body.keyFingerprint);
          // The admin key: a refused one, then the right one (it passes the proxy to the simulator).
          const refusedAdmin = await admin.request('PUT', `/api/v1/integrations/${integrationId}/admin-key`, {
            adminApiKey: BAD_ADMIN_KEY,
          });
          assert.equal(refusedAdmin.status, 400, refusedAdmin.text);
          const adminSet = await admin.request('PUT', `/api/v1/integrations/${integrationId}/admin-key`, {
            adminApiKey: ADMIN_KEY,
          });
          assert.equal(adminSet.status, 200, adminSet.text);
          assert.equal(adminSet.body.adminKey.hint, `••••${ADMIN_KEY.slice(-4)}`);

          // A manual sync (with the rotated key), waited for.
          const sync = await people.analyst.request('POST', `/api/v1/integrations/${integrationId}/syncs`);
          assert.equal(sync.status, 202, sync.text);
          const runId = sync.body.run.id as string;
          let run = sync.body.run;
          for (let i = 0; i < 600 && run.status === 'running'; i++) {
            await new Promise((r) => setTimeout(r, 100));
            run = (await people.viewer.request('GET', `/api/v1/integrations/${integrationId}/syncs/${runId}`))
              .body;
          }
          assert.ok(['succeeded', 'partial'].includes(run.status), JSON.stringify(run));

          // Every read route, with real ids.
          const agents = await admin.request('GET', `/api/v1/agents?integrationId=${integrationId}`);
          const findings = await admin.request('GET', '/api/v1/findings?status=all&muted=include');
          const users = await admin.request('GET', '/api/v1/users');
          const tokens = await admin.request('GET', '/api/v1/tokens');
          assert.ok(agents.body.items.length > 0 && findings.body.items.length > 0);
          const agentId = agents.body.items[0].id as string;
          const detail = await admin.request(
            'GET',
            `/api/v1/integrations/${integrationId}/agents/${agentId}`,
          );
          const versions = (detail.body.versions as number[]) ?? [];
          // An alert destination whose URL carries a secret (as Slack's do), a rotated signing secret, a
          // rule, and a delivered test alert: the URL and both secrets appear only where shown once.
          const receiver = await startWebhookReceiver();
          receivers.push(receiver);
          const hookUrl = `${receiver.url}/services/T0/B0/${HOOK_SECRET}`;
          const dest = await admin.request(
            'POST',
            '/api/v1/alerts/destinations',
            { name: 'secops', kind: 'webhook', url: hookUrl },
            'signing-secret',
          );
          assert.equal(dest.status, 201, dest.text);
          signingSecrets.push(dest.body.signingSecret);
          const rotatedSecret = await admin.request(
            'POST',
            `/api/v1/alerts/destinations/${dest.body.destination.id}/rotate-secret`,
            undefined,
            'signing-secret',
          );
          assert.equal(rotatedSecret.status, 200, rotatedSecret.text);
          signingSecrets.push(rotatedSecret.body.signingSecret);
          const alertRule = await admin.request('POST', '/api/v1/alerts/rules', {
            name: 'everything',
            destinationIds: [dest.body.destination.id],
            minSeverity: 'info',
          });
          assert.equal(alertRule.status, 201, alertRule.text);
          const tested = await admin.request(
            'POST',
            `/api/v1/alerts/destinations/${dest.body.destination.id}/test`,
          );
          assert.equal(tested.body.status, 'delivered', tested.text);
          assert.ok(
            receiver.received.length > 0 && receiver.received.every((r) => r.path.includes(HOOK_SECRET)),
          );
          // What the receiver got carries no secret either (the signature is not the secret).
          for (const r of receiver.received)
            captured.push({
              label: 'webhook delivery',
              status: 0,
              headers: JSON.stringify(r.headers),
              body: r.body,
            });
          const deliveries = await admin.request('GET', '/api/v1/alerts/deliveries');
          assert.equal(deliveries.status, 200);

          const connectors = await admin.request(
            'GET',
            `/api/v1/integrations/${integrationId}/connectors?limit=1`,
          );
          assert.equal(connectors.status, 200, connectors.text);
          const ids = {
            integrations: integrationId,
            connectors: connectors.body.items[0].id as string,
            agents: agentId,
            syncs: runId,
            findings: findings.body.items[0].id as string,
            users: users.body.items[0].id as string,
            tokens: tokens.body.items[0].id as string,
            destinations: dest.body.destination.id as string,
            rules: alertRule.body.id as string,
            deliveries: tested.body.id as string,
          };
          const doc = (await anon.request<OpenApiDocument>('GET', '/api/openapi.json')).body;
          let reads = 0;
          for (const route of server.apiRoutes.filter((r) => r.method === 'GET')) {
            const path = toOpenApiPath(route.url);
            const op = doc.paths[path]?.get;
            assert.ok(op, `GET ${path} is documented`);
            const query = path.endsWith('/compare')
              ? { from: String(versions[0] ?? 0), to: String(versions[versions.length - 1] ?? 0) }
              : minimalQuery(op, doc);
            const url = withQuery(
              path.replace(/\{(\w+)\}/g, (_, p: string) => resourceParams(path, ids)[p]),
              query,
            );
            for (const c of [admin, bearer.admin, people.viewer, bearer.viewer]) {
              const r = await c.request('GET', url);
              if (c === admin) assert.equal(r.status, 200, `GET ${url}: ${r.text}`);
              reads++;
            }
          }
          assert.ok(reads >= 4 * 20, `read routes: ${reads / 4}`);
          for (const p of ['/healthz', '/readyz', '/metrics', '/api/docs'])
            await bearer.admin.request('GET', p);

          // A mute, and a password change that signs the viewer out.
          const mute = await people.analyst.request('POST', `/api/v1/findings/${ids.findings}/mute`, {
            reason: 'accepted for the secrets test',
            expiresAt: null,
          });
          assert.equal(mute.status, 200, mute.text);
          const me = await people.viewer.request('GET', '/api/v1/session');
          const changed = await people.viewer.request('PATCH', `/api/v1/users/${me.body.user.id}`, {
            password: PW.viewerNew,
            currentPassword: PW.viewer,
          });
          assert.equal(changed.status, 200, changed.text);
          const relogin = await people.viewer.request(
            'POST',
            '/api/v1/auth/login',
            { email: 'viewer@secrets.example', password: PW.viewerNew },
            'session-cookie',
          );
          assert.equal(relogin.status, 200, relogin.text);
          assert.equal((await admin.request('GET', '/api/v1/audit-log?limit=500')).status, 200);
          for (const c of [admin, people.analyst, people.viewer])
            assert.equal((await c.request('POST', '/api/v1/auth/logout')).status, 204);

          if (pgdb) tables = await dumpTables(pgdb.db);
          await server.close();
          await app.close({ graceMs: 5000 });
          closed = true;

          // The master key file, generated in the data folder.
          const mode = statSync(join(dataDir, 'master.key')).mode & 0o777;
          assert.equal(mode.toString(8), '600', 'master.key is readable by its owner only');

          // PGlite: reopen the data folder as the next process would, and dump every table.
          if (!pgdb) {
            const db = await openDatabase({ dataDir });
            try {
              tables = await dumpTables(db);
            } finally {
              await db.close();
            }
          }

          const secrets: Array<[string, string]> = [
            ['Mistral key 1', KEY1],
            ['Mistral key 2', KEY2],
            ['refused Mistral key', BAD_KEY],
            ['Mistral admin key', ADMIN_KEY],
            ['refused Mistral admin key', BAD_ADMIN_KEY],
            ...Object.entries(PW).map(([k, v]): [string, string] => [`password ${k}`, v]),
            ...apiTokens.map((t, i): [string, string] => [`API token ${i + 1}`, t]),
            ...sessions.map((s, i): [string, string] => [`session token ${i + 1}`, s]),
            ['set-up token', setupToken],
            ['webhook URL secret', HOOK_SECRET],
            ...signingSecrets.map((x, i): [string, string] => [`signing secret ${i + 1}`, x]),
          ];
          assert.equal(signingSecrets.length, 2);
          assert.ok(sessions.length >= 5 && apiTokens.length === 2 && setupToken.length >= 16);
          const needles: Needle[] = secrets.map(([what, v]) => ({ what, value: Buffer.from(v) }));
          for (const [what, key] of [
            ['Mistral key 1', KEY1],
            ['Mistral key 2', KEY2],
            ['refused Mistral key', BAD_KEY],
            ['Mistral admin key', ADMIN_KEY],
            ['refused Mistral admin key', BAD_ADMIN_KEY],
          ])
            for (const w of windows(key))
              needles.push({ what: `${what} piece "${w}"`, value: Buffer.from(w) });

          const hits: string[] = [];
          for (const c of captured) {
            findIn(Buffer.from(c.headers), `headers of ${c.label}`, needles, hits);
            findIn(Buffer.from(c.body), `body of ${c.label}`, needles, hits);
          }
          lines.forEach((l, i) => findIn(Buffer.from(l), `log line ${i + 1}`, needles, hits));
          for (const [name, json] of tables)
            findIn(Buffer.from(json, 'latin1'), `table ${name}`, needles, hits);
          let files = 0;
          let bytes = 0;
          if (!pgdb) {
            for (const f of filesUnder(dataDir)) {
              const content = readFileSync(f);
              files++;
              bytes += content.length;
              findIn(content, `file ${f.slice(dataDir.length)}`, needles, hits);
            }
          }
          const hitsOf = (prefix: RegExp) => hits.filter((x) => prefix.test(x)).length;
          recordReliability({
            suite: 'secrets',
            title: 'Plaintext secrets searched after an end-to-end session',
            backend: backend.kind,
            rows: [
              {
                case: 'API responses (headers and bodies)',
                tried: captured.length,
                survived: captured.length - hitsOf(/^(headers|body) of /),
              },
              { case: 'log lines', tried: lines.length, survived: lines.length - hitsOf(/^log line /) },
              {
                case: 'database tables (dumped)',
                tried: tables.size,
                survived: tables.size - hitsOf(/^table /),
              },
              ...(pgdb
                ? []
                : [{ case: 'files of the data folder', tried: files, survived: files - hitsOf(/^file /) }]),
            ],
            notes: [
              `${needles.length} needles: each secret (Mistral keys, passwords, API tokens, session and set-up tokens, webhook URLs and secrets) and overlapping pieces of it; "as expected" = no needle found there.`,
            ],
          });
          assert.deepEqual(hits, [], hits.slice(0, 20).join('\n'));

          // The search sees what is stored: the organization's name (kept in clear) is found.
          const control: Needle[] = [{ what: 'organization name', value: Buffer.from(ORG_NAME) }];
          const seen: string[] = [];
          findIn(Buffer.from(tables.get('organizations') ?? ''), 'table organizations', control, seen);
          assert.equal(seen.length, 1, 'the organizations table dump holds the name');
          if (!pgdb) {
            const inFiles: string[] = [];
            for (const f of filesUnder(join(dataDir, 'pgdata'))) findIn(readFileSync(f), f, control, inFiles);
            assert.ok(inFiles.length > 0, 'the raw database files hold the name in clear');
          }
          assert.ok(
            captured.length > 100 && lines.length > 100,
            `${captured.length} responses, ${lines.length} log lines`,
          );
          assert.ok(tables.size >= 10, `tables: ${[...tables.keys()].join(', ')}`);
          console.log(
            `secrets (${backend.kind}): ${needles.length} needles over ${captured.length} responses, ${lines.length} log lines, ${tables.size} tables` +
              (pgdb ? '' : `, ${files} files (${(bytes / 1e6).toFixed(1)} MB)`),
          );
        } finally {
          if (!closed) {
            await server.close();
            await app.close({ graceMs: 1000 });
          }
        }
      } finally {
        await proxy.close();
        for (const r of receivers) await r.close();
        await sim.close();
        await pgdb?.cleanup();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
