/**
 * HTML export (issue 12), parsed with happy-dom (scripts off): the sections an auditor reads, a strict
 * CSP whose style hash matches the one inline style sheet, no script, no external URL, no style or event
 * attribute; every hostile payload shown as text (escaped, its invisible characters revealed, long texts
 * cut with a note) and never as markup; the simulated banner; a partial or failed scan never reads as
 * a pass; the 2,000-agent report measured. The same file in Chromium: test/browser/export-html.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Window } from 'happy-dom';
import { HTML_CSP, MAX_TEXT, renderHtml } from '../src/exports/html.ts';
import type { ScanReport } from '../src/exports/scan-report.ts';
import { HOSTILE_PAYLOADS, hostilePayload } from '../src/simulator/hostile.ts';
import { exportContext, generatedReport, scenarioReport } from './helpers/scan-reports.ts';

type Doc = ReturnType<InstanceType<Window['DOMParser']>['parseFromString']>;

function parse(html: string): Doc {
  const window = new Window({
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableIframePageLoading: true,
    },
  });
  return new window.DOMParser().parseFromString(html, 'text/html');
}

/**
 * How a one-line text (a name) must read on the page, written independently of the renderer's code:
 * control (tabs and line breaks included), bidi and zero-width characters as ⟨U+XXXX⟩.
 */
function shown(value: string): string {
  return [...value.replace(/\r\n?/g, '\n')]
    .map((c) => {
      const cp = c.codePointAt(0)!;
      const invisible =
        cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || /\p{Cf}/u.test(c);
      return invisible ? `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩` : c;
    })
    .join('');
}

/** What no export may contain: scripts, external URLs, event handlers, style attributes, embedded content. */
function assertInert(html: string, doc: Doc): void {
  assert.equal(
    doc.querySelectorAll('script, img, svg, iframe, frame, object, embed, base, link, form').length,
    0,
  );
  assert.equal(doc.querySelectorAll('style').length, 1, 'one style sheet');
  for (const el of doc.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      assert.ok(!/^on/i.test(attr), `no event handler attribute: <${el.tagName} ${attr}>`);
      assert.notEqual(attr, 'style', `no style attribute on <${el.tagName}>`);
    }
    const href = el.getAttribute('href');
    if (href !== null) assert.match(href, /^#[a-z-]+$/, `only in-page links: ${href}`);
  }
  assert.ok(
    !/\b(?:src|href|action)\s*=\s*["']?\s*(?:https?:|\/\/|javascript:|data:)/i.test(html),
    'no URL attribute',
  );
  assert.ok(
    !/url\s*\(|@import/i.test(doc.querySelector('style')!.textContent ?? ''),
    'the style sheet loads nothing',
  );
  // eslint-disable-next-line no-control-regex
  const invisible = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/u.exec(html);
  assert.equal(
    invisible,
    null,
    `a raw invisible character: U+${invisible?.[0].codePointAt(0)?.toString(16)}`,
  );
}

function hostileReport(base: ScanReport): ScanReport {
  const r = structuredClone(base);
  const template = r.agents[0];
  r.agents = HOSTILE_PAYLOADS.map((p, i) => ({
    ...structuredClone(template),
    id: `ag_hostile_${i}`,
    name: p,
    description: hostilePayload(i + 1),
    instructions: `${hostilePayload(i + 2)}\nsecret sk-hostile-${i}-abcdef0123456789`,
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
    message: hostilePayload(0),
    remediation: hostilePayload(1),
    code: 'UPSTREAM_ERROR',
  };
  r.errors = [
    { feature: 'usage', message: hostilePayload(2), remediation: hostilePayload(8), code: 'UPSTREAM_ERROR' },
  ];
  return r;
}

describe('HTML export', () => {
  let scenario: ScanReport;
  before(async () => {
    scenario = await scenarioReport();
  });

  it('has the sections an auditor reads, with every resource and finding', () => {
    const html = renderHtml(scenario, exportContext());
    const doc = parse(html);
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.equal(doc.querySelectorAll('h1').length, 1);
    for (const id of ['coverage', 'risk', 'findings', 'agents', 'models', 'libraries', 'files'])
      assert.ok(doc.getElementById(id), `section #${id}`);
    // The scenario is read without an admin key: the organization rules (issue 11) give no result
    // then (the key is optional), so the assessment is complete.
    assert.equal(
      scenario.findings.filter((f) => f.status === 'UNKNOWN').length,
      0,
      'no check lacked its data',
    );
    assert.ok(doc.getElementById('status-complete'), 'the scenario was read completely');
    assert.equal(doc.getElementById('status-incomplete'), null);
    assert.equal(doc.getElementById('simulated'), null, 'no simulated banner for a real workspace');
    assert.match(doc.getElementById('risk-score')!.textContent!, /^\d{1,3}\.\d$/);

    const agentRows = doc.querySelectorAll('#agents tbody tr');
    assert.equal(agentRows.length, scenario.agents.length);
    scenario.agents.forEach((a, i) => {
      const cells = [...agentRows[i].querySelectorAll('td')].map((c) => c.textContent);
      assert.equal(cells[0], a.name);
      assert.equal(cells[1], a.id);
      assert.equal(cells[3], a.model);
      assert.match(cells[4]!, a.guardrails ? /^Yes/ : /^No$/);
    });
    assert.equal(doc.querySelectorAll('#models tbody tr').length, scenario.models.length);
    assert.equal(doc.querySelectorAll('#libraries tbody tr').length, scenario.libraries.length);
    assert.equal(doc.querySelectorAll('#files tbody tr').length, scenario.files.length);

    const findingsText = doc.getElementById('findings')!.textContent!;
    assert.equal(doc.querySelectorAll('#findings tbody tr').length, scenario.findings.length);
    for (const f of scenario.findings) {
      assert.ok(findingsText.includes(f.remediation), `remediation of ${f.ruleId}`);
      assert.ok(findingsText.includes(f.detail), `detail of ${f.ruleId} on ${f.resourceId}`);
    }
    // Severities in order, most severe first.
    const order = [...doc.querySelectorAll('#findings h3')].map((h) => h.id);
    const expected = ['critical', 'high', 'medium', 'low', 'info']
      .filter((s) => scenario.findings.some((f) => f.severity === s))
      .map((s) => `severity-${s}`);
    assert.deepEqual(order, expected);
    // Instructions are never in the report (they can hold credentials).
    for (const a of scenario.agents) assert.ok(!html.includes(a.instructions!), `no instructions of ${a.id}`);
    assert.ok(!html.includes('sk-test-abc123def456'));
  });

  it('has a strict CSP that allows only its own style sheet, and nothing that loads or runs', () => {
    const html = renderHtml(scenario, exportContext());
    const doc = parse(html);
    const meta = doc.querySelector('meta[http-equiv="Content-Security-Policy"]');
    assert.ok(meta, 'CSP meta');
    const csp = meta.getAttribute('content')!;
    assert.equal(csp, HTML_CSP);
    assert.match(csp, /(^|; )default-src 'none'(;|$)/);
    assert.match(csp, /script-src 'none'/);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    const style = doc.querySelector('style')!.textContent!;
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    assert.ok(csp.includes(`style-src 'sha256-${hash}'`), 'the style hash is the hash of the style sheet');
    // The CSP comes before the style sheet, so it governs it.
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'));
    assert.match(style, /@media print/);
    assertInert(html, doc);
  });

  it('shows every hostile payload as text, escaped and with invisible characters revealed', () => {
    const report = hostileReport(scenario);
    const html = renderHtml(report, exportContext());
    const doc = parse(html);
    assertInert(html, doc);
    assert.ok(
      !/<(?:b|i|svg|script|img|style)[\s>]/i.test(html.slice(html.indexOf('</style>'))),
      'no payload tag',
    );
    for (const raw of ['<script>', '<img src=x', '<svg onload', '<b>bold</b>', '</textarea>', '<i>long</i>'])
      assert.ok(!html.includes(raw), `not raw: ${raw}`);
    const agentNames = [...doc.querySelectorAll('#agents tbody tr td:first-child')].map((c) => c.textContent);
    for (const p of HOSTILE_PAYLOADS) {
      if (p.length > MAX_TEXT) continue;
      assert.ok(agentNames.includes(shown(p)), `agent name shown as text: ${JSON.stringify(p.slice(0, 40))}`);
    }
    assert.ok(agentNames.includes('invoice_⟨U+202E⟩txt.exe'));
    assert.ok(agentNames.includes('zero⟨U+200B⟩width⟨U+200C⟩⟨U+200D⟩⟨U+2060⟩⟨U+FEFF⟩join'));
    assert.ok(doc.querySelectorAll('#agents .cc').length > 0, 'revealed characters are marked');
    // The long payload is cut, with a note, and its start is still escaped text.
    const long = HOSTILE_PAYLOADS.find((p) => p.length > MAX_TEXT)!;
    const longCell = agentNames.find((n) => n?.startsWith('<i>long</i> AAAA'));
    assert.ok(longCell, 'the long name starts as text');
    const cut = / \[… (\d+) more characters not shown; the JSON export has the full text\]$/.exec(longCell);
    assert.ok(cut, 'the long name is cut, with a note');
    assert.ok(longCell.length < MAX_TEXT, 'the long name is cut');
    assert.equal(
      longCell.length - cut[0].length + Number(cut[1]),
      long.length,
      'the note counts what is cut',
    );
    // Texts elsewhere: findings, models used, tools, libraries, files, errors.
    const text = doc.body.textContent!;
    for (const p of HOSTILE_PAYLOADS.filter((x) => x.length < MAX_TEXT)) assert.ok(text.includes(shown(p)));
    assert.ok(
      doc.getElementById('errors')!.nextElementSibling!.textContent!.includes(shown(hostilePayload(2))),
    );
    for (let i = 0; i < report.agents.length; i++) assert.ok(!html.includes(`sk-hostile-${i}`));
  });

  it('says SIMULATED prominently when the workspace is simulated', () => {
    const doc = parse(renderHtml(scenario, exportContext({ simulated: true })));
    const banner = doc.getElementById('simulated');
    assert.ok(banner, 'banner');
    assert.equal(doc.body.firstElementChild, banner, 'the banner comes first');
    assert.match(banner.textContent!, /SIMULATED WORKSPACE/);
    assert.match(doc.querySelector('title')!.textContent!, /^SIMULATED/);
    assert.match(doc.querySelector('h1')!.textContent!, /SIMULATED/);
  });

  it('never looks like a pass when data was missing', () => {
    const partial = structuredClone(scenario);
    partial.status = 'partial';
    partial.availability.agents = 'unavailable';
    partial.availabilityDetails.agents = {
      status: 'unavailable',
      message: 'Agents need beta access.',
      remediation: 'Ask Mistral for beta access.',
      code: 'BETA_ACCESS_REQUIRED',
    };
    partial.agents = [];
    partial.findings = [];
    partial.summary.checks.unknown = 3;
    partial.errors = [
      {
        feature: 'agents',
        message: 'Agents need beta access.',
        remediation: 'Ask.',
        code: 'BETA_ACCESS_REQUIRED',
      },
    ];
    const doc = parse(renderHtml(partial, exportContext()));
    assert.equal(doc.getElementById('status-complete'), null);
    const warning = doc.getElementById('status-incomplete')!.textContent!;
    assert.match(warning, /INCOMPLETE ASSESSMENT/);
    assert.match(warning, /Agents: not assessed/);
    assert.match(warning, /Agents need beta access\./);
    assert.match(warning, /3 checks could not be evaluated/);
    assert.match(doc.getElementById('agents')!.textContent!, /could not be read.*unknown, not empty/);
    assert.match(doc.getElementById('agents')!.querySelector('h2')!.textContent!, /not read/);
    assert.match(doc.getElementById('findings')!.textContent!, /No failed check among what could be read/);
    assert.ok(!/No check failed/.test(doc.getElementById('findings')!.textContent!));
    assert.match(doc.getElementById('risk')!.textContent!, /from what could be read only/);
    assert.ok(doc.getElementById('errors'), 'errors listed');

    const failed = structuredClone(partial);
    failed.status = 'failed';
    assert.match(
      parse(renderHtml(failed, exportContext())).getElementById('status-incomplete')!.textContent!,
      /SCAN FAILED/,
    );
  });

  it('takes mutes into the risk score and shows the lifecycle of a stored sync', () => {
    const open = Number(
      parse(renderHtml(scenario, exportContext())).getElementById('risk-score')!.textContent,
    );
    assert.ok(open > 0);
    const lifecycle = (f: ScanReport['findings'][number]) => ({
      id: `stored-${f.ruleId}-${f.resourceId}`,
      firstSeenAt: '2026-01-02T00:00:00.000Z',
      lastSeenAt: '2026-11-30T00:00:00.000Z',
      mute: { reason: 'accepted <risk>', by: 'alice', at: '2026-02-01T00:00:00Z', expiresAt: null },
    });
    const doc = parse(renderHtml(scenario, exportContext({ lifecycle })));
    assert.equal(doc.getElementById('risk-score')!.textContent, '0.0', 'every finding muted: nothing counts');
    const row = doc.querySelector('#findings tbody tr')!;
    assert.ok(row.textContent!.includes('2026-01-02T00:00:00.000Z'));
    assert.ok(row.textContent!.includes('yes: accepted <risk>'));
    // A mute that expired before the export no longer hides anything.
    const expired = (f: ScanReport['findings'][number]) => {
      const l = lifecycle(f);
      return { ...l, mute: { ...l.mute, expiresAt: '2026-11-30T11:00:00Z' } };
    };
    const doc2 = parse(renderHtml(scenario, exportContext({ lifecycle: expired })));
    assert.equal(Number(doc2.getElementById('risk-score')!.textContent), open);
    assert.ok(
      doc2
        .querySelector('#findings tbody tr')!
        .textContent!.includes('no: the mute expired 2026-11-30T11:00:00Z'),
    );
  });

  it('renders the 2,000-agent workspace', async (t) => {
    const report = await generatedReport(2000);
    const started = performance.now();
    const html = renderHtml(report, exportContext());
    const ms = performance.now() - started;
    t.diagnostic(
      `2,000 agents, ${report.findings.length} findings: rendered in ${Math.round(ms)} ms, ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB`,
    );
    const doc = parse(html);
    assert.equal(doc.querySelectorAll('#agents tbody tr').length, report.agents.length);
    assert.equal(doc.querySelectorAll('#findings tbody tr').length, report.findings.length);
    assertInert(html, doc);
  });
});
