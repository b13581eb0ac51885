/**
 * Settings → Alerts and the Export menu in Chromium, against `trustlens serve` (a process), a simulated
 * Mistral workspace and a webhook receiver, all on 127.0.0.1. An admin adds a webhook destination (its
 * signing secret is shown once and never again, not even after a reload), sends a test alert that the
 * receiver gets (delivered), adds an alert rule, syncs, and opens the digest's payload in the delivery
 * log; a viewer reads the page without any add, edit or delete control; axe-core finds no serious
 * violation; every Export entry is a download link whose file answers 200 as an attachment.
 * Screenshots: test-artifacts/screenshots/alerts-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.ts';
import {
  apiAs,
  axeViolations,
  browserSkip,
  launchBrowser,
  signIn,
  startServe,
  type LaunchedBrowser,
  type ServeProcess,
  type WatchedPage,
} from '../helpers/browser.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const skip = browserSkip();
const ADMIN = { email: 'admin@acme.example', password: 'a long enough passphrase' };
const VIEWER = { email: 'viewer@acme.example', password: 'another long passphrase' };

async function settle(page: WatchedPage) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 20_000 });
}

async function shots(page: WatchedPage, name: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.shot(`${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.shot(`${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('Settings → Alerts and the Export menu in Chromium', { skip }, () => {
  let sim: SimulatorHandle;
  let served: ServeProcess;
  let receiver: WebhookReceiver;
  let browser: LaunchedBrowser;
  let page: WatchedPage;
  let integrationId = '';
  let secret = '';

  before(async () => {
    sim = await startSimulator({ seed: 12, generator: { agents: 8, conversations: 20 } });
    receiver = await startWebhookReceiver();
    served = await startServe(['--no-scheduler']);
    browser = await launchBrowser({ baseURL: served.url });
    page = await browser.page();
    page.context().setDefaultTimeout(30_000);
    const link = (await served.waitFor(/(http:\/\/\S+\/setup#token=\S+)/))[1];
    await page.goto(link);
    await page.getByLabel('Organization name').fill('Acme Security');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organization and admin' }).click();
    await page.waitForURL(/\/integrations\/new$/);
    // Added but not synced yet: the first sync comes after the alert rule, so its findings are new.
    const created = await apiAs(page, 'POST', '/api/v1/integrations', {
      name: 'Production',
      apiKey: sim.apiKey,
      baseUrl: sim.url,
    });
    integrationId = created.id;
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    await receiver?.close();
    await sim?.close();
  });

  it('an admin adds a webhook destination: the URL is a password field, a refusal lands under it', async () => {
    await page.goto('/settings/alerts');
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    await settle(page);
    await page.getByText('No alert destinations yet').waitFor();
    await page.getByRole('button', { name: 'Add destination' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a destination' });
    await dialog.getByLabel(/^Name/).fill('SOC webhook');
    const url = dialog.getByLabel(/^URL/);
    assert.equal(await url.getAttribute('type'), 'password', 'the URL is not shown while typed');
    await url.fill('ftp://example.com/hook');
    await dialog.getByRole('button', { name: 'Add destination' }).click();
    // The API's words, under the URL field.
    try {
      await dialog.getByText(/uses ftp/).waitFor();
    } catch (e) {
      await page.shot('FAILED-alerts-destination-refused');
      throw e;
    }
    // Under the URL field: the input names the error text as its description.
    const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
    const descriptions = await page.evaluate(
      (ids) => ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
      describedBy.split(/\s+/).filter(Boolean),
    );
    assert.match(descriptions, /uses ftp/, 'the refusal is the error of the URL field');
    await page.shot('alerts-destination-refused-light');
    await url.fill(`${receiver.url}/hooks/trustlens`);
    await dialog.getByRole('button', { name: 'Add destination' }).click();

    const reveal = page.getByRole('dialog', { name: 'Signing secret of the new destination' });
    await reveal.waitFor();
    secret = (await reveal.getByLabel('Signing secret').innerText()).trim();
    assert.match(secret, /^whsec_/);
    await reveal.getByText(/TrustLens-Signature: t=…,v1=HMAC-SHA256\(secret, t \+ '\.' \+ body\)/).waitFor();
    await shots(page, 'alerts-secret-once');
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'hidden' });

    const table = page.getByRole('table', { name: 'Alert destinations' });
    await table.getByRole('cell', { name: 'SOC webhook', exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once the dialog closed');
    assert.ok(!(await page.content()).includes('/hooks/trustlens'), 'the URL is never shown back');
    await page.reload();
    await table.getByRole('cell', { name: 'SOC webhook', exact: true }).waitFor();
    await settle(page);
    assert.ok(!(await page.content()).includes(secret), 'nor after a reload');
    page.assertClean();
  });

  it('Send test alert reaches the receiver, signed, and says delivered with the HTTP status', async () => {
    const before = receiver.received.length;
    await page.getByRole('button', { name: 'Send test alert to SOC webhook' }).click();
    const result = page.getByRole('dialog', { name: 'Test alert' });
    await result.getByText('Delivered (HTTP 200)').waitFor();
    await shots(page, 'alerts-test-delivered');
    assert.equal(receiver.received.length, before + 1, 'one request reached the receiver');
    const got = receiver.received.at(-1)!;
    assert.equal(got.path, '/hooks/trustlens');
    assert.match(String(got.headers['trustlens-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.equal(JSON.parse(got.body).type, 'trustlens.alert.test');
    await result.getByRole('button', { name: 'Done' }).click();
    page.assertClean();
  });

  it('an admin adds an alert rule; after a sync its digest is in the delivery log with a payload drawer', async () => {
    await page.getByRole('tab', { name: 'Alert rules' }).click();
    await page.getByText('No alert rules yet').waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an alert rule' });
    await dialog.getByLabel(/^Name/).fill('Everything to the SOC');
    await dialog.getByRole('combobox', { name: /^Destinations/ }).click();
    await page.getByRole('option', { name: 'SOC webhook' }).click();
    await dialog.getByRole('combobox', { name: /^Findings/ }).click();
    await page.getByRole('option', { name: 'every severity (info and up)' }).click();
    await dialog.getByRole('checkbox', { name: /Guardrails removed/ }).check();
    await dialog.getByRole('checkbox', { name: /Sync failing/ }).check();
    await dialog.getByLabel(/^Sync failing: runs in a row/).fill('2');
    await dialog.getByLabel(/^Name/).click(); // closes any open dropdown before the screenshot
    await shots(page, 'alerts-rule-form');
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const rules = page.getByRole('table', { name: 'Alert rules' });
    const row = rules.getByRole('row', { name: /Everything to the SOC/ });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /every severity/);
    assert.match(text, /Guardrails removed/);
    assert.match(text, /Sync failing \(2 runs in a row\)/);
    assert.match(text, /SOC webhook/);
    const stored = await apiAs(page, 'GET', '/api/v1/alerts/rules');
    assert.deepEqual(stored.items[0].events, ['guardrails_removed', 'sync_failing']);
    assert.equal(stored.items[0].minSeverity, 'info');
    assert.equal(stored.items[0].syncFailingRuns, 2);
    await settle(page);
    await shots(page, 'alerts-rules');

    await apiAs(page, 'POST', `/api/v1/integrations/${integrationId}/syncs`);
    let digest: { id: string; status: string } | undefined;
    for (let i = 0; i < 240 && digest?.status !== 'delivered'; i++) {
      const log = await apiAs(page, 'GET', '/api/v1/alerts/deliveries?limit=10');
      digest = log.items.find((d: { kind: string }) => d.kind === 'digest');
      if (digest?.status !== 'delivered') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(digest?.status, 'delivered', 'the sync sent a digest');
    assert.ok(
      receiver.received.some((r) => JSON.parse(r.body).type === 'trustlens.alert.digest'),
      'the receiver got the digest',
    );

    await page.getByRole('tab', { name: 'Delivery log' }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await log.waitFor();
    await settle(page);
    assert.equal(await log.getByRole('row').count(), 3, 'the header, the digest and the test alert');
    const first = log.getByRole('row').nth(1);
    assert.match(await first.innerText(), /digest/, 'newest first');
    assert.match(await first.innerText(), /delivered/i);
    await shots(page, 'alerts-delivery-log');

    // Filters are server-side query parameters.
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'failed' }).click();
    await page.getByText('No delivery matches').waitFor();
    assert.match(page.url(), /dstatus=failed/);
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'delivered' }).click();
    await log.waitFor();

    await log.getByRole('row').nth(1).getByRole('button').click();
    const drawer = page.getByRole('dialog', { name: 'Delivery payload' });
    await drawer.getByRole('table', { name: 'Payload summary' }).waitFor();
    await drawer.getByText('Digest after a sync').waitFor();
    const raw = await drawer.getByLabel('Raw payload JSON').innerText();
    const payload = JSON.parse(raw);
    assert.equal(payload.type, 'trustlens.alert.digest');
    assert.equal(payload.deliveryId, digest?.id);
    assert.ok(!raw.includes(secret), 'the payload carries no secret');
    await settle(page);
    await shots(page, 'alerts-payload-drawer');
    assert.deepEqual(await axeViolations(page), [], 'the payload drawer: accessibility');
    await drawer.getByRole('button', { name: 'Close delivery' }).click();
    page.assertClean();
  });

  it('axe-core finds no serious violation on any tab of the alerts page', async () => {
    for (const tab of ['', '?tab=rules', '?tab=deliveries']) {
      await page.goto(`/settings/alerts${tab}`);
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      await page.getByRole('table').first().waitFor();
      await settle(page);
      assert.deepEqual(await axeViolations(page), [], `alerts${tab}: accessibility`);
    }
    await shots(page, 'alerts-deliveries-tab');
    // At 768 px the tables scroll inside their container: the page itself does not overflow.
    await page.setViewportSize({ width: 768, height: 900 });
    for (const tab of ['', '?tab=rules']) {
      await page.goto(`/settings/alerts${tab}`);
      await page.getByRole('table').first().waitFor();
      await settle(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `alerts${tab} at 768 px overflows by ${overflow} px`);
      await page.shot(`alerts-768${tab ? '-rules' : ''}-light`);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    page.assertClean();
  });

  it('a viewer reads the alert settings without any add, edit or delete control', async () => {
    await apiAs(page, 'POST', '/api/v1/users', {
      email: VIEWER.email,
      password: VIEWER.password,
      role: 'viewer',
    });
    const viewer = await browser.page();
    viewer.context().setDefaultTimeout(30_000);
    await viewer.goto(served.url);
    await signIn(viewer, VIEWER);
    await viewer
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Alerts' })
      .click();
    await viewer.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    await viewer
      .getByRole('table', { name: 'Alert destinations' })
      .getByRole('cell', { name: 'SOC webhook', exact: true })
      .waitFor();
    await settle(viewer);
    for (const name of [/Add destination/, /Send test alert/, /More actions/]) {
      assert.equal(await viewer.getByRole('button', { name }).count(), 0, `a viewer has no ${name}`);
    }
    await viewer.getByRole('tab', { name: 'Alert rules' }).click();
    await viewer.getByRole('table', { name: 'Alert rules' }).waitFor();
    for (const name of [/Add rule/, /^Edit /, /^Delete /]) {
      assert.equal(await viewer.getByRole('button', { name }).count(), 0, `a viewer has no ${name}`);
    }
    assert.deepEqual(await axeViolations(viewer), [], 'viewer: accessibility');
    await shots(viewer, 'alerts-viewer');
    viewer.assertClean();
  });

  it('the Export menu offers every format as a download link; each file answers 200 as an attachment', async () => {
    await page.goto(`/integrations/${integrationId}`);
    await page.getByRole('heading', { level: 1, name: 'Production' }).waitFor();
    await settle(page);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const items = page.getByRole('menuitem');
    assert.equal(await items.count(), 6);
    await shots(page, 'alerts-export-menu');
    const hrefs: string[] = [];
    for (let i = 0; i < 6; i++) hrefs.push((await items.nth(i).getAttribute('href')) ?? '');
    assert.deepEqual(
      hrefs.map((h) => new URL(h, served.url).searchParams.get('format')),
      ['json', 'ocsf', 'sarif', 'csv', 'cyclonedx', 'html'],
    );
    for (const href of hrefs) {
      assert.equal(new URL(href, served.url).pathname, `/api/v1/integrations/${integrationId}/export`);
      const answer = await page.evaluate(async (h) => {
        const res = await fetch(h);
        return {
          status: res.status,
          disposition: res.headers.get('content-disposition') ?? '',
          size: (await res.text()).length,
        };
      }, href);
      assert.equal(answer.status, 200, href);
      assert.match(answer.disposition, /^attachment; filename="trustlens-/, href);
      assert.ok(answer.size > 0, href);
    }
    // A click downloads the file (no navigation away from the console).
    const download = page.waitForEvent('download');
    await items.nth(3).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /\.csv$/);
    assert.match(page.url(), new RegExp(`/integrations/${integrationId}$`));

    // On the findings page: the only integration's menu.
    await page.goto('/findings');
    await page.getByRole('heading', { level: 1, name: 'Findings' }).waitFor();
    await settle(page);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByText('Production: the latest sync, as a file').waitFor();
    assert.equal(await page.getByRole('menuitem').count(), 6);
    await shots(page, 'alerts-findings-export-menu');
    page.assertClean();
  });
});
