/**
 * The HTML export (issue 12) opened from disk in Chromium, with every hostile payload in agent, tool,
 * library, file, finding and error texts: no script runs (no dialog, no script or console error — a CSP
 * violation is one), no request but the file itself, nothing wider than the viewport at 1366 and 768 px,
 * readable in print media (a PDF is made). The 2,000-agent report is opened too. Screenshots:
 * test-artifacts/screenshots/export-html-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { renderHtml } from '../../src/exports/html.ts';
import type { ScanReport } from '../../src/exports/scan-report.ts';
import { HOSTILE_PAYLOADS, hostilePayload } from '../../src/simulator/hostile.ts';
import {
  CHROMIUM,
  launchBrowser,
  SCREENSHOTS,
  type LaunchedBrowser,
  type WatchedPage,
} from '../helpers/browser.ts';
import { exportContext, generatedReport, scenarioReport } from '../helpers/scan-reports.ts';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

function hostileReport(base: ScanReport): ScanReport {
  const r = structuredClone(base);
  const template = r.agents[0];
  r.agents = HOSTILE_PAYLOADS.map((p, i) => ({
    ...structuredClone(template),
    id: `ag_hostile_${i}`,
    name: p,
    description: hostilePayload(i + 1),
    model: hostilePayload(i + 3),
    tools: template.tools.map((t) =>
      t.type === 'function'
        ? { ...t, function: { ...t.function, name: hostilePayload(i + 4) } }
        : t.type === 'connector'
          ? { ...t, connector_id: hostilePayload(i + 5) }
          : t,
    ),
  }));
  r.libraries = r.libraries.map((l, i) => ({
    ...l,
    name: hostilePayload(i + 6),
    description: hostilePayload(i + 7),
  }));
  r.files = r.files.map((f, i) => ({
    ...f,
    filename: hostilePayload(i + 8),
    mimetype: hostilePayload(i + 9),
  }));
  r.findings = HOSTILE_PAYLOADS.map((p, i) => ({
    ...base.findings[i % base.findings.length],
    resourceType: 'agent' as const,
    resourceId: `ag_hostile_${i}`,
    resourceName: p,
    detail: hostilePayload(i + 2),
  }));
  r.status = 'partial';
  r.availability.usage = 'error';
  r.availabilityDetails.usage = {
    status: 'error',
    message: hostilePayload(1),
    remediation: hostilePayload(2),
    code: 'UPSTREAM_ERROR',
  };
  r.errors = [
    { feature: 'usage', message: hostilePayload(13), remediation: hostilePayload(8), code: 'UPSTREAM_ERROR' },
  ];
  return r;
}

/** Opens a file and records every request the page makes. */
async function open(
  b: LaunchedBrowser,
  file: string,
  width: number,
): Promise<{ page: WatchedPage; requests: string[] }> {
  const page = await b.page({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests };
}

async function horizontalOverflow(page: WatchedPage): Promise<string[]> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    if (document.documentElement.scrollWidth > width) wide.push('document ' + document.documentElement.scrollWidth + ' > ' + width);
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1) wide.push(el.tagName + '#' + el.id + ' right=' + Math.round(r.right));
      if (wide.length > 5) break;
    }
    return wide;
  })()`);
}

describe('HTML export in Chromium', { skip }, () => {
  let b: LaunchedBrowser;
  let dir: string;
  let hostileFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustlens-export-html-'));
    hostileFile = join(dir, 'hostile.html');
    const report = hostileReport(await scenarioReport());
    writeFileSync(hostileFile, renderHtml(report, exportContext({ simulated: true })));
    b = await launchBrowser();
  });
  after(async () => {
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [1366, 768]) {
    it(`runs nothing, loads nothing and fits ${width} px with a hostile report`, async () => {
      const { page, requests } = await open(b, hostileFile, width);
      assert.deepEqual(requests, [pathToFileURL(hostileFile).href], 'no request but the page itself');
      assert.equal(await page.evaluate('document.scripts.length'), 0);
      assert.equal(
        await page.evaluate('document.querySelectorAll("img, svg, iframe, object, embed").length'),
        0,
      );
      // The style sheet applied (its hash is in the CSP): the banner is styled, not blocked.
      const border = await page.evaluate(
        `getComputedStyle(document.getElementById('simulated')).borderTopWidth`,
      );
      assert.equal(border, '3px', 'the inline style sheet is allowed by its hash');
      // The payloads are visible as text.
      const text = (await page.evaluate('document.body.innerText')) as string;
      for (const p of [
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '=HYPERLINK("http://evil")',
      ])
        assert.ok(text.includes(p), `shown as text: ${p}`);
      assert.ok(text.includes('invoice_⟨U+202E⟩txt.exe'));
      assert.ok(text.includes('SIMULATED WORKSPACE'));
      assert.ok(text.includes('INCOMPLETE ASSESSMENT'));
      assert.deepEqual(await horizontalOverflow(page), [], 'nothing wider than the viewport');
      await page.shot(`export-html-hostile-${width}`);
      page.assertClean();
    });
  }

  it('prints: page breaks before sections, black on white, a PDF is made', async () => {
    const { page } = await open(b, hostileFile, 1366);
    await page.emulateMedia({ media: 'print' });
    const styles = (await page.evaluate(`(() => {
      const h2 = [...document.querySelectorAll('h2')];
      const cs = (el) => getComputedStyle(el);
      return {
        breaks: h2.map((h) => cs(h).breakBefore),
        nav: cs(document.querySelector('nav')).display,
        body: [cs(document.body).color, cs(document.body).backgroundColor],
        banner: [cs(document.getElementById('simulated')).color, cs(document.getElementById('simulated')).backgroundColor],
        rows: cs(document.querySelector('tr')).breakInside,
        thead: cs(document.querySelector('thead')).display,
      };
    })()`)) as {
      breaks: string[];
      nav: string;
      body: string[];
      banner: string[];
      rows: string;
      thead: string;
    };
    assert.equal(styles.breaks[0], 'auto', 'the first section starts on the first page');
    assert.ok(
      styles.breaks.slice(1).every((x) => x === 'page'),
      `page breaks: ${styles.breaks.join(',')}`,
    );
    assert.equal(styles.nav, 'none');
    assert.deepEqual(styles.body, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    assert.deepEqual(styles.banner, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    assert.equal(styles.rows, 'avoid');
    assert.equal(styles.thead, 'table-header-group');
    await page.shot('export-html-hostile-print');
    const pdf = await page.pdf({ format: 'A4' });
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 10_000);
    writeFileSync(join(SCREENSHOTS, 'export-html-hostile.pdf'), pdf);
    page.assertClean();
  });

  it('opens the 2,000-agent report', async (t) => {
    const file = join(dir, 'large.html');
    const report = await generatedReport(2000);
    writeFileSync(file, renderHtml(report, exportContext({ simulated: true })));
    const started = performance.now();
    const { page, requests } = await open(b, file, 1366);
    const ms = performance.now() - started;
    t.diagnostic(`2,000-agent report loaded in Chromium in ${Math.round(ms)} ms`);
    assert.equal(requests.length, 1);
    assert.equal(await page.evaluate('document.querySelectorAll("#agents tbody tr").length'), 2000);
    assert.deepEqual(await horizontalOverflow(page), []);
    await page.screenshot({ path: join(SCREENSHOTS, 'export-html-large-top.png') });
    page.assertClean();
  });
});
