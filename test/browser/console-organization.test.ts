/**
 * The Connectors and Organization pages in Chromium (issue 11), against `trustlens serve` (a process)
 * and a simulated Mistral workspace on 127.0.0.1 that has MCP connectors and an organization behind an
 * admin key. Add an integration, give it the simulator's admin key, sync, then: the Connectors page lists
 * custom and built-in connectors with their flags, a connector's page shows its credentials by scope;
 * the Organization page shows masked keys, members with admin and outsider badges, the rate limit and
 * TrustLens's paced rate, and usage and cost per model; the integration's availability matrix shows the
 * rows beyond the product document. Without the admin key, the Organization page says why each section
 * is missing. The Prompts & skills page lists prompts and skills (a credential found in a version is
 * marked with where it sits, never what) and batch jobs (the agent linked, or "deleted agent"). Every page is scanned with axe-core and photographed in light and dark; no response the
 * browser received carries a Mistral key (ordinary or admin) or a connector URL's password.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.ts';
import {
  apiAs,
  axeViolations,
  browserSkip,
  launchBrowser,
  startServe,
  type LaunchedBrowser,
  type ServeProcess,
  type WatchedPage,
} from '../helpers/browser.ts';

const skip = browserSkip();
const ADMIN = { email: 'admin@acme.example', password: 'a long enough passphrase' };

async function checkPage(page: WatchedPage, name: string, heading: string | RegExp) {
  try {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, {
      timeout: 20_000,
    });
  } catch (e) {
    await page.shot(`FAILED-${name}`);
    throw e;
  }
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name}: accessibility`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.shot(`${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.shot(`${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
  page.assertClean();
}

async function syncAndWait(page: WatchedPage, integrationId: string) {
  const { run } = await apiAs<{ run: { id: string } }>(
    page,
    'POST',
    `/api/v1/integrations/${integrationId}/syncs`,
  );
  for (let i = 0; i < 600; i++) {
    const r = await apiAs<{ status: string }>(
      page,
      'GET',
      `/api/v1/integrations/${integrationId}/syncs/${run.id}`,
    );
    if (r.status !== 'running' && r.status !== 'queued') return r.status;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('the sync did not end');
}

describe('the Connectors, Prompts & skills and Organization pages in Chromium', { skip }, () => {
  let sim: SimulatorHandle;
  let served: ServeProcess;
  let browser: LaunchedBrowser;
  let page: WatchedPage;
  let withAdmin = '';
  let withoutAdmin = '';
  let adminKeySupported = false;
  const received: string[] = [];

  before(async () => {
    sim = await startSimulator({
      seed: 12,
      generator: { agents: 30, conversations: 60, now: new Date().toISOString() },
    });
    served = await startServe(['--no-scheduler']);
    browser = await launchBrowser({ baseURL: served.url });
    page = await browser.page();
    page.on('response', (r) => {
      void (async () => {
        const body = await r.body().catch(() => Buffer.alloc(0));
        received.push(`${r.url()}\n${body.toString('utf8')}`);
      })();
    });
    page.context().setDefaultTimeout(30_000);
    const link = (await served.waitFor(/(http:\/\/\S+\/setup#token=\S+)/))[1];
    await page.goto(link);
    await page.getByLabel('Organization name').fill('Acme Security');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organization and admin' }).click();
    await page.waitForURL(/\/integrations\/new$/);

    const doc = await apiAs<{ paths: Record<string, unknown> }>(page, 'GET', '/api/openapi.json');
    adminKeySupported = '/api/v1/integrations/{id}/admin-key' in doc.paths;
    withAdmin = (
      await apiAs<{ id: string }>(page, 'POST', '/api/v1/integrations', {
        name: 'Production',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
      })
    ).id;
    if (adminKeySupported) {
      await apiAs(page, 'PUT', `/api/v1/integrations/${withAdmin}/admin-key`, {
        adminApiKey: sim.adminApiKey,
      });
    }
    withoutAdmin = (
      await apiAs<{ id: string }>(page, 'POST', '/api/v1/integrations', {
        name: 'Staging',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
      })
    ).id;
    for (const id of [withAdmin, withoutAdmin]) {
      assert.match(await syncAndWait(page, id), /succeeded|partial/);
    }
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await sim?.close();
  });

  it('lists the connectors: custom and built-in, flagged servers, agents; a connector shows its credentials', async () => {
    await page.goto(`/connectors?integrationId=${withAdmin}`);
    await checkPage(page, 'connectors', 'Connectors');
    const table = page.getByRole('table', { name: 'Connectors' });
    assert.ok((await table.getByRole('row').count()) > 8);
    assert.ok((await table.getByText('custom', { exact: true }).count()) >= 4);
    assert.ok((await table.getByText('built-in', { exact: true }).count()) >= 4);
    await table.getByText('not HTTPS').first().waitFor();
    await table.getByText('non-public server').first().waitFor();
    await table.getByText('credential in URL').first().waitFor();
    assert.equal(await page.getByText('s3cr3t').count(), 0, 'no password of a server URL');

    await page.locator('label', { hasText: /^Custom$/ }).click();
    await page.waitForURL(/kind=custom/);
    // The address changes before the table re-renders: wait for the built-in rows to go, then count.
    await table.getByText('built-in', { exact: true }).first().waitFor({ state: 'detached' });
    assert.equal(await table.getByText('built-in', { exact: true }).count(), 0);
    assert.ok((await table.getByText('custom', { exact: true }).count()) >= 4);

    await table.getByRole('link').first().click();
    await page.waitForURL(/\/integrations\/[^/]+\/connectors\/[^/]+$/);
    await checkPage(page, 'connector-detail', /.+/);
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();
    await page.getByRole('heading', { name: /^Tools/ }).waitFor();
  });

  it('lists prompts and skills (credential found marked, no secret) and batch jobs (agent link, deleted agent)', async () => {
    await page.goto(`/prompts-skills?integrationId=${withAdmin}`);
    await checkPage(page, 'prompts-skills', 'Prompts & skills');
    const prompts = page.getByRole('table', { name: 'Prompts' });
    assert.ok((await prompts.getByRole('row').count()) > 1);
    // The simulator plants a fake key in an early version of the first prompt: where, never what.
    await prompts
      .getByText(/^credential found/)
      .first()
      .waitFor();
    await prompts
      .getByText(/definition\.content line \d+, col \d+/)
      .first()
      .waitFor();

    await page.getByRole('tab', { name: 'Skills' }).click();
    await page.waitForURL(/tab=skills/);
    const skills = page.getByRole('table', { name: 'Skills' });
    await skills.waitFor();
    await checkPage(page, 'prompts-skills-skills', 'Prompts & skills');
    assert.ok((await skills.getByRole('row').count()) > 1);

    await page.getByRole('tab', { name: 'Batch jobs' }).click();
    await page.waitForURL(/tab=batch-jobs/);
    const jobs = page.getByRole('table', { name: 'Batch jobs' });
    await jobs.waitFor();
    await checkPage(page, 'prompts-skills-batch-jobs', 'Prompts & skills');
    await jobs.getByText('deleted agent').first().waitFor();
    const agentLink = jobs.getByRole('link').first();
    assert.match((await agentLink.getAttribute('href')) ?? '', /\/integrations\/[^/]+\/agents\/[^/]+$/);
  });

  it('shows the organization read with the admin key, or says why it is not there', async () => {
    await page.goto(`/organization?integrationId=${withAdmin}`);
    await checkPage(page, 'organization', 'Organization');
    if (adminKeySupported) {
      const keys = page.getByRole('table', { name: 'API keys' });
      await keys.waitFor();
      assert.ok((await keys.getByRole('row').count()) > 1);
      await keys.getByText('this integration').waitFor();
      await keys
        .getByText(/\.\.\./)
        .first()
        .waitFor();
      const members = page.getByRole('table', { name: 'Members' });
      await members.getByText('admin', { exact: true }).first().waitFor();
      await members.getByText('outsider', { exact: true }).first().waitFor();
      await page.getByText('TrustLens paces itself to', { exact: true }).waitFor();
      await page
        .getByRole('table', { name: /^Usage and cost, / })
        .first()
        .waitFor();
    } else {
      assert.ok((await page.getByText(/^Not available: /).count()) >= 6);
    }

    await page.goto(`/organization?integrationId=${withoutAdmin}`);
    await checkPage(page, 'organization-no-admin-key', 'Organization');
    // One notice, said once rather than in each of the seven sections: what the key adds and how.
    await page.getByText('No admin key configured for this integration').waitFor();
    await page.getByText(/trustlens integration update .+ --admin-api-key-file FILE/).waitFor();
    assert.equal(await page.getByText(/^Not available: /).count(), 0);
    assert.equal(await page.getByRole('table').count(), 0, 'no empty table in place of an unread section');
    await page.getByRole('link', { name: "the integration's settings" }).click();
    await page.waitForURL(new RegExp(`/integrations/${withoutAdmin}$`));
  });

  it('an admin sets the admin key in the integration settings: a refused key is said, the key is never shown', async () => {
    if (!adminKeySupported) return;
    await page.goto(`/integrations/${withoutAdmin}`);
    const section = page.getByRole('region', { name: 'Admin key (optional)' });
    await section.getByText(/No admin key is configured/).waitFor();
    const input = section.getByRole('textbox', { name: 'Admin key', exact: true });
    await input.fill(sim.apiKey); // the ordinary key: refused as an admin key
    await section.getByRole('button', { name: 'Save admin key' }).click();
    await section
      .getByText(/admin key/i)
      .nth(2)
      .waitFor();
    assert.equal(await input.inputValue(), '', 'the key typed is forgotten after the attempt');
    await input.fill(sim.adminApiKey);
    await section.getByRole('button', { name: 'Save admin key' }).click();
    await section.getByText(/next sync reads the organization with the key ending/).waitFor();
    await section.getByRole('button', { name: 'Rotate admin key' }).waitFor();
    await page.shot('integration-admin-key-saved');
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(sim.adminApiKey) && !text.includes(sim.apiKey), 'no key on the page');
    page.assertClean();
  });

  it('shows the availability rows beyond the product document', async () => {
    await page.goto(`/integrations/${withoutAdmin}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Beyond the product document' });
    await table.waitFor();
    for (const label of ['MCP connectors', 'Library sharing', 'Audit log', 'Rate limit']) {
      await table.getByText(label, { exact: true }).waitFor();
    }
    assert.equal(await table.getByText('Admin key', { exact: true }).count(), 5);
    await page.shot('availability-extra-rows-light');
    page.assertClean();
  });

  it('no response the browser received carries a Mistral key or a connector credential', async () => {
    await page.waitForLoadState('networkidle');
    const all = received.join('\n');
    assert.ok(all.length > 10_000, 'responses were recorded');
    assert.ok(!all.includes(sim.apiKey), 'ordinary key');
    assert.ok(!all.includes(sim.adminApiKey), 'admin key');
    assert.ok(!all.includes('s3cr3t-pa55'), 'connector URL password');
  });
});
