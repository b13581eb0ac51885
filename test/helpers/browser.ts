/**
 * Browser tests: Debian's Chromium (/usr/bin/chromium, never a downloaded browser) driven by
 * playwright-core, headless, with a fresh profile per launch, against `trustlens serve` run as a process.
 * Every page is watched: a dialog (alert/confirm/prompt), an uncaught script error, a console error
 * (CSP violations are reported there) or a failed same-origin request fails the test at `assertClean()`.
 * Screenshots go to test-artifacts/screenshots/ (kept by CI as an artifact).
 *
 *   const b = await launchBrowser();            // skip the suite when b.skip is a string
 *   const page = await b.page({ colorScheme: 'dark' });
 *   ...; page.assertClean(); await b.close();
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServe as startServeProcess, type ServeProcess as ServeChild } from './serve-process.ts';

export const CHROMIUM = process.env.TRUSTLENS_CHROMIUM ?? '/usr/bin/chromium';
export const ROOT = resolve(import.meta.dirname, '../..');
export const WEB_DIST = join(ROOT, 'web/dist');
export const SCREENSHOTS = join(ROOT, 'test-artifacts/screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Why browser tests cannot run here (no Chromium, console not built), or false. */
export function browserSkip(): string | false {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!existsSync(join(WEB_DIST, 'index.html'))) return 'the console is not built (npm run build:web)';
  return false;
}

export interface WatchedPage extends Page {
  /** What went wrong on this page so far: dialogs, script errors, console errors, failed requests. */
  problems: string[];
  /** Throws if anything went wrong on the page. */
  assertClean(): void;
  /** Saves a full-page screenshot as test-artifacts/screenshots/NAME.png. */
  shot(name: string): Promise<void>;
}

export interface LaunchedBrowser {
  browser: Browser;
  page(options?: {
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
  }): Promise<WatchedPage>;
  close(): Promise<void>;
}

/** `baseURL`: the server's address, so pages can `goto('/agents')`. */
export async function launchBrowser(launchOptions: { baseURL?: string } = {}): Promise<LaunchedBrowser> {
  const { chromium } = await import('playwright-core');
  // launch() gives the browser a fresh temporary profile, removed when it closes; each page gets its own
  // context (cookies, storage), so two users can be signed in at once.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });

  async function page(options: Parameters<LaunchedBrowser['page']>[0] = {}): Promise<WatchedPage> {
    const ctx = await browser.newContext({
      viewport: options.viewport ?? { width: 1366, height: 900 },
      baseURL: launchOptions.baseURL,
      colorScheme: options.colorScheme ?? 'light',
    });
    contexts.push(ctx);
    const p = (await ctx.newPage()) as WatchedPage;
    p.problems = [];
    p.on('dialog', (d) => {
      p.problems.push(`dialog (${d.type()}): ${d.message()}`);
      void d.dismiss();
    });
    p.on('pageerror', (e) => p.problems.push(`script error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      // A 4xx answer the page expects (a refused action, a session check) is logged by Chromium as a
      // failed resource; the page shows it. Anything else is a problem.
      if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
      p.problems.push(`console error: ${text}`);
    });
    p.on('requestfailed', (r) => {
      const failure = r.failure()?.errorText ?? '';
      if (failure.includes('ERR_ABORTED')) return; // navigation away, cancelled fetches
      p.problems.push(`request failed: ${r.method()} ${r.url()} ${failure}`);
    });
    p.assertClean = () => {
      if (p.problems.length) throw new Error(`problems on the page:\n${p.problems.join('\n')}`);
    };
    p.shot = async (name: string) => {
      await p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    };
    return p;
  }

  return {
    browser,
    page,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

const require = createRequire(import.meta.url);
/** axe-core's source (~650 kB), read once per test process. */
let axeSource: string | undefined;

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays on) and
 * returns the serious and critical violations, one line each.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Once per document: a page checked again without a navigation keeps it.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe;
    return axe.run({ resultTypes: ['violations'] });
  })) as { violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .map((n) => JSON.stringify(n.target))
          .slice(0, 3)
          .join(', ')})`,
    );
}

export interface ServeProcess extends Omit<ServeChild, 'stop'> {
  /** SIGTERM (SIGKILL after 30 s), wait for the exit, remove the data folder. */
  stop(): Promise<void>;
}

/**
 * Starts `trustlens serve --port 0` on a fresh data folder (test/helpers/serve-process.ts); resolves
 * when it prints its address.
 */
export async function startServe(
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trustlens-browser-'));
  try {
    const served = await startServeProcess(['--data-dir', dataDir, ...args], env, { timeoutMs: 240_000 });
    return {
      ...served,
      async stop() {
        await served.stop({ killAfterMs: 30_000 });
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** JSON from the API with the page's session (cookie + CSRF token), as the console itself calls it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are checked field by field
export async function apiAs<T = any>(
  page: WatchedPage,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const session = await page.request.get('/api/v1/session');
  const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  const res = await page.request.fetch(path, {
    method,
    headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Signs in through the sign-in page and waits for the overview. */
export async function signIn(page: WatchedPage, who: { email: string; password: string }): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
}
