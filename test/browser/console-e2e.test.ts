/**
 * The console end to end in Chromium, as a security team uses it, against `trustlens serve` (a process)
 * and simulated Mistral workspaces on 127.0.0.1: set up the admin from the one-time link, add an
 * integration (a wrong key is refused inline first), Sync now with live progress, browse the inventory,
 * open an agent without guardrails, find its missing-guardrails finding and mute it, compare two versions,
 * see a workspace without beta access degrade, and check that a viewer sees no admin action. Every page
 * visited is scanned with axe-core (no serious or critical violation) and photographed in light and dark
 * (test-artifacts/screenshots/); any dialog, script error or console error fails the test. At the end,
 * no response the browser received and nothing the pages stored carries a Mistral key or a password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.ts';
import {
  axeViolations,
  browserSkip,
  launchBrowser,
  startServe,
  type LaunchedBrowser,
  type ServeProcess,
  type WatchedPage,
  apiAs,
  signIn,
} from '../helpers/browser.ts';

const skip = browserSkip();
const ADMIN = { email: 'admin@acme.example', password: 'a long enough passphrase' };
const VIEWER = { email: 'viewer@acme.example', password: 'another long passphrase' };

/** Waits for the page's h1, checks accessibility, saves light and dark screenshots. */
async function checkPage(page: WatchedPage, name: string, heading: string | RegExp) {
  try {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  } catch (e) {
    await page.shot(`FAILED-${name}`);
    throw e;
  }
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 20_000 });
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name}: accessibility`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.shot(`${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.shot(`${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
  page.assertClean();
}

describe('the console end to end in Chromium', { skip }, () => {
  let sim: SimulatorHandle;
  let noBeta: SimulatorHandle;
  let served: ServeProcess;
  let browser: LaunchedBrowser;
  let page: WatchedPage;
  let integrationId = '';
  /** Every response the browser received (URL, headers, body), for the secrets check at the end. */
  const received: string[] = [];
  const record = (p: WatchedPage) =>
    p.on('response', (r) => {
      void (async () => {
        const body = await r.body().catch(() => Buffer.alloc(0));
        received.push(`${r.url()}\n${JSON.stringify(await r.allHeaders())}\n${body.toString('utf8')}`);
      })();
    });

  before(async () => {
    sim = await startSimulator({
      seed: 7,
      generator: { agents: 24, conversations: 400, now: new Date().toISOString() },
    });
    noBeta = await startSimulator({
      seed: 8,
      generator: { agents: 5, conversations: 10 },
      beta: { enabled: false },
    });
    served = await startServe(['--no-scheduler']);
    browser = await launchBrowser({ baseURL: served.url });
    page = await browser.page();
    record(page);
    page.context().setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await sim?.close();
    await noBeta?.close();
  });

  it('sets up the first admin from the one-time link', async () => {
    const link = (await served.waitFor(/(http:\/\/\S+\/setup#token=\S+)/))[1];
    await page.goto(link);
    await checkPage(page, 'setup', 'Set up TrustLens');
    await page.getByLabel('Organization name').fill('Acme Security');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organization and admin' }).click();
    await page.waitForURL(/\/integrations\/new$/);
    await page.getByRole('heading', { level: 1, name: 'Add integration' }).waitFor();
    assert.match(page.url(), /\/integrations\/new$/, 'set-up leads to adding the first integration');
    page.assertClean();
  });

  it('adds an integration: a wrong key is refused inline, the right one is stored', async () => {
    await checkPage(page, 'integration-new', 'Add integration');
    await page.getByLabel(/^Name/).fill('Production');
    await page.getByRole('combobox', { name: 'Region' }).click();
    await page.getByRole('option', { name: 'Custom base URL' }).click();
    await page.getByLabel(/^Custom base URL/).fill(sim.url);
    await page.getByLabel(/^API key/).fill('sk-wrong-key-000000000000');
    await page.getByRole('button', { name: 'Add integration' }).click();
    const refusal = page
      .getByText(/key/i)
      .filter({ hasText: /invalid|expired|refused|rejected/i })
      .first();
    await refusal.waitFor();
    await page.shot('integration-new-refused-light');
    await page.getByLabel(/^API key/).fill(sim.apiKey);
    await page.getByRole('button', { name: 'Add integration' }).click();
    await page.waitForURL(
      (u) => /^\/integrations\/[^/]+$/.test(u.pathname) && u.pathname !== '/integrations/new',
    );
    integrationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    assert.ok(integrationId && integrationId !== 'new');
    const html = await page.content();
    assert.ok(!html.includes(sim.apiKey), 'the key is never shown back');
    page.assertClean();
  });

  it('Sync now shows progress, then the outcome', async () => {
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page
      .getByText(/succeeded/i)
      .first()
      .waitFor({ timeout: 120_000 });
    await checkPage(page, 'integration', 'Production');
    const runs = await apiAs(page, 'GET', `/api/v1/integrations/${integrationId}/syncs`);
    assert.equal(runs.items[0].status, 'succeeded');
    assert.equal(runs.items[0].trigger, 'manual');
  });

  it('browses the inventory: overview, agents, models, files, libraries, events', async () => {
    for (const [path, name, heading] of [
      ['/', 'overview', 'Overview'],
      ['/agents', 'agents', 'Agents'],
      ['/models', 'models', 'Models'],
      ['/files', 'files', 'Files'],
      ['/libraries', 'libraries', 'Libraries'],
      ['/events', 'events', 'Events'],
      ['/findings', 'findings', 'Findings'],
      ['/integrations', 'integrations', 'Integrations'],
      ['/settings/users', 'users', 'Users'],
      ['/settings/tokens', 'tokens', 'API tokens'],
      ['/settings/audit-log', 'audit-log', 'Audit log'],
    ] as const) {
      await page.goto(path);
      await checkPage(page, name, heading);
    }
    await page.goto('/agents');
    const table = page.getByRole('table', { name: 'Agents' });
    await table.getByRole('link').first().waitFor();
    const rows = await table.getByRole('row').count();
    assert.ok(rows > 5, `the agents table lists the workspace (${rows} rows)`);
  });

  it('is usable 768 px wide (no page wider than the screen), and narrower with the navigation in a drawer', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    try {
      const agent = (await apiAs(page, 'GET', `/api/v1/agents?integrationId=${integrationId}&limit=1`))
        .items[0];
      for (const [path, name] of [
        ['/', 'overview'],
        ['/agents', 'agents'],
        [`/integrations/${integrationId}/agents/${encodeURIComponent(agent.id)}`, 'agent-detail'],
        ['/findings', 'findings'],
        [`/integrations/${integrationId}`, 'integration'],
        ['/settings/users', 'users'],
      ] as const) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${name} at 768 px is ${overflow} px wider than the screen`);
        await page.shot(`${name}-768-light`);
      }
      // At 768 px the navigation is on screen; narrower, it sits behind a button that the keyboard opens.
      assert.ok(
        await page
          .getByRole('navigation', { name: 'Main navigation' })
          .getByRole('link', { name: 'Findings' })
          .isVisible(),
      );
      await page.setViewportSize({ width: 600, height: 1024 });
      await page.getByRole('button', { name: 'Toggle navigation' }).focus();
      await page.keyboard.press('Enter');
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Agents' })
        .click();
      await page.waitForURL((u) => u.pathname === '/agents');
      page.assertClean();
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  it('opens an agent without guardrails, finds its missing-guardrails finding and mutes it', async () => {
    const unguarded = await apiAs(
      page,
      'GET',
      `/api/v1/agents?integrationId=${integrationId}&guardrails=none&limit=5`,
    );
    assert.ok(unguarded.items.length > 0, 'the simulated workspace has agents without guardrails');
    const agent = unguarded.items[0];
    await page.goto(`/agents?guardrails=none`);
    await page
      .getByRole('link', { name: agent.name ?? agent.id })
      .first()
      .click();
    await page.waitForURL(new RegExp(`/agents/${encodeURIComponent(agent.id)}$`));
    await checkPage(page, 'agent-detail', agent.name ?? agent.id);

    const findings = await apiAs(
      page,
      'GET',
      `/api/v1/findings?integrationId=${integrationId}&resourceId=${encodeURIComponent(agent.id)}&ruleId=mistral_agent_guardrails_missing`,
    );
    assert.equal(findings.items.length, 1);
    const finding = findings.items[0];
    await page.goto(`/findings?resourceType=agent&resourceId=${encodeURIComponent(agent.id)}`);
    await page.getByRole('heading', { level: 1, name: 'Findings' }).waitFor();
    await page.getByRole('button', { name: finding.title }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Reason').fill('Accepted until the Q1 rollout of moderation (ticket SEC-42)');
    await page.shot('finding-mute-light');
    await dialog.getByRole('button', { name: 'Mute finding' }).click();
    await dialog.getByText(/Muted by/).waitFor();
    const after = await apiAs(page, 'GET', `/api/v1/findings/${finding.id}`);
    assert.equal(after.muted, true);
    assert.match(JSON.stringify(after.mute), /SEC-42/);
    page.assertClean();
  });

  it('compares two versions of an agent side by side', async () => {
    const agents = await apiAs(page, 'GET', `/api/v1/agents?integrationId=${integrationId}&limit=100`);
    let target: { id: string; versions: { version: number }[] } | null = null;
    for (const a of agents.items) {
      const d = await apiAs(
        page,
        'GET',
        `/api/v1/integrations/${integrationId}/agents/${encodeURIComponent(a.id)}`,
      );
      if (Array.isArray(d.versions) && d.versions.length >= 2) {
        target = d;
        break;
      }
    }
    assert.ok(target, 'an agent with two versions');
    await page.goto(`/integrations/${integrationId}/agents/${encodeURIComponent(target.id)}`);
    await page.getByRole('tab', { name: /Versions/ }).click();
    const table = page.getByRole('table', { name: /compar|diff|versions/i }).last();
    await table.waitFor();
    assert.ok((await table.getByRole('row').count()) >= 2, 'field-by-field rows');
    await page.shot('agent-versions-compare-light');
    page.assertClean();
  });

  it('a workspace without beta access degrades: what could not be assessed is said, never zeros', async () => {
    const created = await apiAs(page, 'POST', '/api/v1/integrations', {
      name: 'Sandbox (no beta)',
      apiKey: noBeta.apiKey,
      baseUrl: noBeta.url,
    });
    await apiAs(page, 'POST', `/api/v1/integrations/${created.id}/syncs`);
    // A run is `queued` until a worker takes it, then `running`: wait past both (a loaded machine can
    // keep it queued for a while; the page checks below also wait for the outcome).
    for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
      const runs = await apiAs(page, 'GET', `/api/v1/integrations/${created.id}/syncs`);
      const status = runs.items[0]?.status;
      if (status && status !== 'running' && status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.goto(`/integrations/${created.id}`);
    await page.getByRole('table', { name: 'Feature availability' }).waitFor();
    await page.getByText(/beta/i).first().waitFor();
    await checkPage(page, 'integration-no-beta', 'Sandbox (no beta)');
    await page.goto(`/agents?integrationId=${created.id}`);
    await page
      .getByText(/beta access/i)
      .first()
      .waitFor();
    await checkPage(page, 'agents-no-beta', 'Agents');
  });

  it('a viewer sees the inventory but no admin action', async () => {
    await apiAs(page, 'POST', '/api/v1/users', {
      email: VIEWER.email,
      password: VIEWER.password,
      role: 'viewer',
    });
    const viewerPage = await browser.page();
    record(viewerPage);
    await viewerPage.goto(served.url);
    await signIn(viewerPage, VIEWER);
    const nav = viewerPage.getByRole('navigation', { name: 'Main navigation' });
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Audit log' }).count(), 0);
    await viewerPage.goto(`/integrations/${integrationId}`);
    await viewerPage.getByRole('heading', { level: 1, name: 'Production' }).waitFor();
    await viewerPage.waitForLoadState('networkidle');
    for (const name of ['Sync now', 'Delete integration', 'Rotate key', 'Save changes']) {
      assert.equal(await viewerPage.getByRole('button', { name }).count(), 0, `a viewer has no "${name}"`);
    }
    await viewerPage.goto('/integrations');
    await viewerPage.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    assert.equal(await viewerPage.getByRole('link', { name: 'Add integration' }).count(), 0);
    assert.equal(await viewerPage.getByRole('button', { name: 'Add integration' }).count(), 0);
    await viewerPage.goto('/settings/users');
    await viewerPage.getByText(/Only admins/).waitFor();
    await checkPage(viewerPage, 'viewer-users-refused', 'Users');
  });

  it('the browser never received a Mistral key or a password, and stored none', async () => {
    await page.waitForLoadState('networkidle');
    assert.ok(received.length > 50, `responses recorded (${received.length})`);
    const stored = await page.evaluate(() =>
      JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }),
    );
    const needles: Array<[string, string]> = [
      ['the Mistral key', sim.apiKey],
      ['the second Mistral key', noBeta.apiKey],
      ['the refused key', 'sk-wrong-key-000000000000'],
      ["the admin's password", ADMIN.password],
      ["the viewer's password", VIEWER.password],
    ];
    const found: string[] = [];
    for (const [what, value] of needles) {
      for (const r of received) if (r.includes(value)) found.push(`${what} in ${r.split('\n')[0]}`);
      if (stored.includes(value)) found.push(`${what} in the page's storage`);
    }
    assert.deepEqual(found, []);
  });
});
