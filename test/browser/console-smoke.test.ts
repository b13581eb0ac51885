/**
 * The console in Chromium, served by `trustlens serve`: the first-run set-up from the one-time link,
 * under the server's real Content-Security-Policy (no inline scripts; style elements only with the
 * per-response nonce), with no script error, console error or dialog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  browserSkip,
  launchBrowser,
  startServe,
  type LaunchedBrowser,
  type ServeProcess,
} from '../helpers/browser.ts';

const skip = browserSkip();

describe('the console in Chromium: first-run set-up', { skip }, () => {
  let served: ServeProcess;
  let browser: LaunchedBrowser;
  before(async () => {
    served = await startServe(['--no-scheduler']);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('index.html carries a fresh nonce in its meta tag and in its CSP, and no inline script', async () => {
    const a = await fetch(`${served.url}/`);
    const b = await fetch(`${served.url}/agents`);
    const csp = a.headers.get('content-security-policy') ?? '';
    const html = await a.text();
    const nonce = /name="csp-nonce" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.ok(nonce.length >= 16 && nonce !== '__CSP_NONCE__');
    assert.ok(csp.includes(`style-src 'self' 'nonce-${nonce}'`), csp);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.equal(a.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const other = /name="csp-nonce" content="([^"]+)"/.exec(await b.text())?.[1];
    assert.notEqual(other, nonce, 'each response gets its own nonce');
    const raw = await fetch(`${served.url}/index.html`);
    assert.doesNotMatch(await raw.text(), /__CSP_NONCE__/);
  });

  it('the set-up link creates the organization and the admin, then signs in', async () => {
    const link = (await served.waitFor(/(http:\/\/\S+\/setup#token=\S+)/))[1];
    const page = await browser.page();
    await page.goto(link);
    await page.getByLabel('Organization name').fill('Acme Security');
    await page.getByLabel('Email').fill('admin@acme.example');
    // Required fields' labels end with an asterisk (aria-hidden, but part of the label's text).
    await page.getByLabel(/^Password/).fill('a long enough passphrase');
    await page.getByLabel('Confirm password').fill('a long enough passphrase');
    await page.shot('setup-light');
    await page.getByRole('button', { name: 'Create organization and admin' }).click();
    await page.waitForURL(/\/integrations\/new$/);
    assert.doesNotMatch(page.url(), /token=/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin$/);
    await page.getByLabel('Email', { exact: true }).fill('admin@acme.example');
    await page.getByLabel('Password', { exact: true }).fill('wrong password!!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.shot('sign-in-error-light');
    await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    page.assertClean();
  });
});
