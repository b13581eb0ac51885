/**
 * HTML export (issue 12): one self-contained file for auditors: summary and coverage first (a scan that
 * could not read everything never looks like a pass), the risk score, findings by severity with their
 * remediation, then the inventory. docs/exports-bom-html-csv.md describes the sections.
 *
 * Safety: no external asset, no script, no style attribute: one inline <style> allowed by its hash in
 * a strict CSP (`default-src 'none'`). Every untrusted string is HTML-escaped (& < > " '), its control,
 * bidirectional and zero-width characters are shown as ⟨U+XXXX⟩, and texts longer than
 * MAX_TEXT characters are cut with a note (the JSON export has them whole). Agent instructions are
 * never included (they can hold credentials; the findings say where).
 */
import { createHash } from 'node:crypto';
import { computeRiskScores } from '../findings/risk-score.ts';
import type { FindingState, Severity } from '../findings/types.ts';
import { SEVERITIES } from '../findings/types.ts';
import type { AgentRecord, FeatureKey } from '../inventory/types.ts';
import { muteInForce } from '../findings/mute.ts';
import type { ScanFinding, ScanReport } from './scan-report.ts';
import { escapeHtml, publicBaseUrl, revealInvisible } from './text-safety.ts';
import { findingUid, type ExportContext, type Renderer } from './types.ts';

/** Longest untrusted text shown whole (characters); longer ones are cut with a note. */
export const MAX_TEXT = 2000;

const FEATURE_LABELS: Record<FeatureKey, string> = {
  models: 'Models',
  files: 'Files',
  agents: 'Agents',
  libraries: 'Libraries',
  usage: 'Usage (conversations)',
  versions: 'Agent version history',
};

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff}
h1{font-size:24px;margin:8px 0 4px}
h2{font-size:20px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid #222}
h3{font-size:17px;margin:24px 0 6px}
h4{font-size:15px;margin:18px 0 4px}
p,li,dd,h1,h2,h3,h4,code,.u{overflow-wrap:anywhere}
.u{min-width:4em}
.u.id{min-width:6.5em}
.u.w{min-width:9em}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f5;padding:0 3px;border-radius:3px}
table{width:100%;border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #c9ced4;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}
td.n,th.n{text-align:right}
td.n{white-space:nowrap}
tr{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
dl.kv{display:grid;grid-template-columns:minmax(10em,max-content) minmax(0,1fr);gap:2px 16px;margin:8px 0}
dl.kv dt{font-weight:600}
dl.kv dd{margin:0}
.banner{border:3px solid #b00020;background:#fff0f0;color:#7a0014;padding:10px 14px;margin:8px 0;font-weight:700;font-size:16px}
.warn{border:2px solid #8a5a00;background:#fff8e6;color:#4d3200;padding:10px 14px;margin:8px 0}
.ok{border:2px solid #1b6e35;background:#effaf2;color:#0f3d1e;padding:10px 14px;margin:8px 0}
.sev{display:inline-block;min-width:5.5em;padding:0 6px;border:1px solid #333;border-radius:3px;font-weight:700;text-transform:uppercase;font-size:12px;text-align:center}
.sev-critical{background:#7a0014;color:#fff}.sev-high{background:#c2410c;color:#fff}.sev-medium{background:#facc15;color:#111}.sev-low{background:#dbeafe;color:#111}.sev-info{background:#eee;color:#111}
.score{font-size:36px;font-weight:800}
.muted{color:#555}
.cc{color:#b00020;background:#fff0f0;border:1px dotted #b00020;font:11px ui-monospace,monospace}
.cut{color:#555;font-style:italic}
.rule{border-left:4px solid #c9ced4;padding-left:10px;margin:12px 0}
nav ul{columns:2;margin:4px 0}
footer{margin-top:40px;color:#555;font-size:12px}
@media screen and (max-width:820px){body{padding:8px 10px 32px}table{font-size:12px}th,td{padding:3px 4px}}
@media print{
 @page{margin:14mm}
 body{max-width:none;padding:0;color:#000;background:#fff;font-size:10.5pt}
 nav{display:none}
 h2{break-before:page;page-break-before:always;border-color:#000}
 h2.first{break-before:auto;page-break-before:auto}
 h2,h3,h4{break-after:avoid;page-break-after:avoid}
 th{background:#fff}
 th,td{border-color:#000}
 .banner,.warn,.ok,.sev,.cc,code{background:#fff!important;color:#000!important;border-color:#000}
 .rule{border-color:#000}
 .muted,.cut,footer{color:#000}
}
`;

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** The Content-Security-Policy of the file (also checked by the tests). */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'none'",
  "script-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Untrusted text → safe HTML: cut when very long, invisible characters shown, escaped. */
function t(value: unknown, max = MAX_TEXT, multiline = false): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  let note = '';
  if (s.length > max) {
    let end = max;
    const code = s.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--; // never split a surrogate pair
    note = ` <span class="cut">[… ${s.length - end} more characters not shown; the JSON export has the full text]</span>`;
    s = s.slice(0, end);
  }
  // Tabs and line breaks are shown too, except the line breaks of a multi-line text (a detail, a remediation).
  const revealed = revealInvisible(s)
    .replace(/\t/g, '⟨U+0009⟩')
    .replace(/\n/g, multiline ? '\n' : '⟨U+000A⟩');
  const safe = escapeHtml(revealed)
    .replace(/⟨U\+[0-9A-F]{4,6}⟩/g, '<span class="cc">$&</span>')
    .replace(/\n/g, '<br>');
  return safe + note;
}

/** Untrusted text, or a visible dash when there is none. */
function td(value: unknown, max?: number, cls = 'u', multiline = false): string {
  return value === null || value === undefined || value === ''
    ? '<td class="muted">—</td>'
    : `<td class="${cls}">${t(value, max, multiline)}</td>`;
}

function num(n: number | null | undefined): string {
  return n === null || n === undefined
    ? '<td class="n muted">unknown</td>'
    : `<td class="n">${n.toLocaleString('en-US')}</td>`;
}

function sev(s: Severity): string {
  return `<span class="sev sev-${s}">${s}</span>`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** The risk score the way TrustLens computes it at a sync (src/findings/risk-score.ts), from this report. */
function riskScores(report: ScanReport, context: ExportContext) {
  const now = context.exportedAt.toISOString();
  const states: FindingState[] = report.findings.map((f) => {
    const life = context.lifecycle?.(f);
    return {
      id: findingUid(report, f, context),
      integrationId: 'report',
      ruleId: f.ruleId,
      severity: f.severity,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      resourceName: f.resourceName,
      lastStatus: f.status,
      status: 'open',
      title: f.title,
      detail: f.detail,
      evidence: {},
      firstSeenAt: life?.firstSeenAt ?? report.generatedAt,
      lastSeenAt: life?.lastSeenAt ?? report.generatedAt,
      resolvedAt: null,
      reopenCount: 0,
      mute: life?.mute ?? null,
    };
  });
  return computeRiskScores(states, report.agents, now, 'report');
}

function guardrailsCell(agent: AgentRecord): string {
  if (!agent.guardrails) return '<td><strong>No</strong></td>';
  const blocking = agent.guardrailPolicies.some((p) => p.blocks);
  return `<td>Yes (${agent.guardrails.policy_count} ${agent.guardrails.policy_count === 1 ? 'policy' : 'policies'}${
    blocking ? ', blocks' : ', <strong>does not block</strong>'
  })</td>`;
}

function toolsCell(agent: AgentRecord): string {
  if (agent.tools.length === 0) return '<td class="muted">none</td>';
  const parts = agent.tools.map((tool) => {
    if (tool.type === 'function') {
      const name = (tool.function as { name?: unknown } | undefined)?.name;
      return `function <code>${t(name, 200)}</code>`;
    }
    if (tool.type === 'connector') return `connector <code>${t(tool.connector_id, 200)}</code>`;
    return t(tool.type, 200);
  });
  return `<td class="u w">${parts.join(', ')}</td>`;
}

export const renderHtml: Renderer = (report, context) => {
  const out: string[] = [];
  const simulated = context.simulated === true;
  const baseUrl = publicBaseUrl(report.source.baseUrl);
  const workspaceName = context.integration?.name ?? baseUrl;
  const notAvailable = (Object.keys(report.availability) as FeatureKey[]).filter(
    (k) => report.availability[k] !== 'available',
  );
  const unknownChecks = report.summary.checks.unknown;
  const complete = report.status === 'succeeded' && notAvailable.length === 0 && unknownChecks === 0;
  const read = (k: FeatureKey) => report.availability[k] === 'available';

  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${simulated ? 'SIMULATED — ' : ''}TrustLens report — ${t(workspaceName, 200)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
  );
  if (simulated)
    out.push(
      '<div class="banner" role="note" id="simulated">SIMULATED WORKSPACE — this report is of TrustLens’s built-in simulated Mistral workspace, not of a real one. Nothing in it describes real agents.</div>',
    );
  out.push(
    '<header>',
    `<h1>TrustLens security report${simulated ? ' (SIMULATED)' : ''}</h1>`,
    '<dl class="kv">',
    `<dt>Workspace</dt><dd>${t(workspaceName, 300)}${context.integration ? ` (<code>${t(baseUrl, 300)}</code>)` : ''}</dd>`,
    `<dt>Provider</dt><dd>Mistral AI</dd>`,
    `<dt>Workspace read at</dt><dd>${t(report.generatedAt)}</dd>`,
    `<dt>Report exported at</dt><dd>${t(context.exportedAt.toISOString())}</dd>`,
    `<dt>Scan status</dt><dd><strong>${t(report.status)}</strong></dd>`,
    `<dt>Produced by</dt><dd>${t(context.tool.name)} ${t(context.tool.version)}</dd>`,
    '</dl>',
    '</header>',
    '<nav aria-label="Contents"><ul>',
    '<li><a href="#coverage">Coverage and status</a></li>',
    '<li><a href="#risk">Risk score</a></li>',
    '<li><a href="#findings">Findings by severity</a></li>',
    '<li><a href="#agents">Agents</a></li>',
    '<li><a href="#models">Models</a></li>',
    '<li><a href="#libraries">Libraries</a></li>',
    '<li><a href="#files">Files</a></li>',
    '</ul></nav>',
  );

  // --- coverage ---------------------------------------------------------------------------------
  out.push('<section id="coverage"><h2 class="first">Coverage and status</h2>');
  if (complete) {
    out.push(
      '<div class="ok" id="status-complete"><strong>Complete:</strong> every resource type was read and every check had the data it needed.</div>',
    );
  } else {
    out.push(
      `<div class="warn" id="status-incomplete"><strong>${
        report.status === 'failed' ? 'SCAN FAILED' : 'INCOMPLETE ASSESSMENT'
      }:</strong> ${
        report.status === 'failed'
          ? 'no resource type could be listed; this report cannot say whether the workspace is exposed.'
          : 'part of the workspace could not be read or checked. Absence of findings below is NOT evidence that those parts are safe.'
      }`,
      '<ul>',
    );
    for (const k of notAvailable) {
      const d = report.availabilityDetails[k];
      out.push(
        `<li><strong>${FEATURE_LABELS[k]}: not assessed</strong> (${t(report.availability[k])}${
          d?.code ? `, <code>${t(d.code, 100)}</code>` : ''
        })${d?.message ? ` — ${t(d.message, 500, true)}` : ''}${d?.remediation ? ` <em>What to do:</em> ${t(d.remediation, 500, true)}` : ''}</li>`,
      );
    }
    if (unknownChecks > 0)
      out.push(
        `<li><strong>${unknownChecks.toLocaleString('en-US')} check${unknownChecks === 1 ? '' : 's'} could not be evaluated</strong> (status UNKNOWN: the data needed was not available); they are listed with the findings.</li>`,
      );
    if (report.status !== 'succeeded' && notAvailable.length === 0 && unknownChecks === 0)
      out.push(`<li>The scan ended with status <strong>${t(report.status)}</strong>.</li>`);
    out.push('</ul></div>');
  }
  out.push(
    '<h3>What was read</h3><table><thead><tr><th>Resource type</th><th>Status</th><th class="n">Count</th></tr></thead><tbody>',
  );
  const counts: Partial<Record<FeatureKey, number>> = {
    agents: report.summary.agents,
    models: report.summary.models,
    files: report.summary.files,
    libraries: report.summary.libraries,
  };
  for (const k of Object.keys(report.availability) as FeatureKey[]) {
    const status = report.availability[k];
    out.push(
      `<tr><td>${FEATURE_LABELS[k] ?? t(k)}</td><td>${status === 'available' ? 'read' : `<strong>not read (${t(status)})</strong>`}</td>${
        k in counts && read(k) ? num(counts[k]) : '<td class="n muted">—</td>'
      }</tr>`,
    );
  }
  out.push('</tbody></table>');
  if (report.errors.length > 0) {
    out.push(
      '<h3 id="errors">Errors during the scan</h3><table><thead><tr><th>Feature</th><th>Code</th><th>Message</th><th>What to do</th></tr></thead><tbody>',
    );
    for (const e of report.errors)
      out.push(
        `<tr>${td(e.feature)}${td(e.code, 100)}${td(e.message, 1000, 'u', true)}${td(e.remediation, 1000, 'u', true)}</tr>`,
      );
    out.push('</tbody></table>');
  }
  out.push(
    `<p>Usage: ${
      report.workspaceUsage
        ? `${report.workspaceUsage.totalConversations.toLocaleString('en-US')} conversations read (${report.workspaceUsage.agentConversations.toLocaleString('en-US')} with an agent).`
        : '<strong>not available</strong> (no conversation data was read).'
    } ${t(report.tokenUsage, 300)}</p>`,
  );
  if (report.dataQuality.length > 0)
    out.push(
      `<p>${report.dataQuality.length.toLocaleString('en-US')} record${report.dataQuality.length === 1 ? '' : 's'} did not match the API's schema and were kept as read (see the JSON export's <code>dataQuality</code>).</p>`,
    );
  out.push('</section>');

  // --- risk score -------------------------------------------------------------------------------
  const scores = riskScores(report, context);
  const integration = scores[0];
  const agentNames = new Map(report.agents.map((a) => [a.id, a.name]));
  out.push(
    '<section id="risk"><h2>Risk score</h2>',
    `<p><span class="score" id="risk-score">${integration.score.toFixed(1)}</span> / 100${
      complete ? '' : ' <strong>(from what could be read only: the real exposure may be higher)</strong>'
    }</p>`,
    '<p class="muted">0 means nothing open. The score blends the most exposed agent with the average of all agents and the workspace-level findings; an UNKNOWN check counts half (TrustLens docs/risk-score.md).</p>',
    '<table><thead><tr><th>Severity</th><th class="n">Failed</th><th class="n">Unknown</th></tr></thead><tbody>',
  );
  for (const s of SEVERITIES)
    out.push(
      `<tr><td>${sev(s)}</td>${num(integration.openBySeverity[s])}${num(integration.unknownBySeverity?.[s])}</tr>`,
    );
  out.push('</tbody></table>');
  const top = scores
    .slice(1)
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.resourceId.localeCompare(b.resourceId))
    .slice(0, 10);
  if (top.length > 0) {
    out.push(
      '<h3>Most exposed agents</h3><table><thead><tr><th>Agent</th><th>ID</th><th class="n">Score</th></tr></thead><tbody>',
    );
    for (const s of top)
      out.push(
        `<tr>${td(agentNames.get(s.resourceId) ?? '(not listed)', 300)}<td class="u id"><code>${t(s.resourceId, 200)}</code></td><td class="n">${s.score.toFixed(1)}</td></tr>`,
      );
    out.push('</tbody></table>');
  }
  out.push('</section>');

  // --- findings ---------------------------------------------------------------------------------
  out.push('<section id="findings"><h2>Findings by severity</h2>');
  const withLife = context.lifecycle !== undefined;
  if (report.findings.length === 0) {
    out.push(
      complete
        ? '<p>No check failed.</p>'
        : '<p><strong>No failed check among what could be read.</strong> See <a href="#coverage">Coverage</a> for what could not be assessed.</p>',
    );
  }
  const bySeverity = new Map<Severity, Map<string, ScanFinding[]>>();
  for (const f of report.findings) {
    let rules = bySeverity.get(f.severity);
    if (!rules) bySeverity.set(f.severity, (rules = new Map()));
    const list = rules.get(f.ruleId) ?? [];
    list.push(f);
    rules.set(f.ruleId, list);
  }
  for (const s of SEVERITIES) {
    const rules = bySeverity.get(s);
    if (!rules) continue;
    const n = [...rules.values()].reduce((a, l) => a + l.length, 0);
    out.push(
      `<h3 id="severity-${s}">${sev(s)} ${n.toLocaleString('en-US')} finding${n === 1 ? '' : 's'}</h3>`,
    );
    for (const [ruleId, list] of rules) {
      const first = list[0];
      const failed = list.filter((f) => f.status === 'FAIL').length;
      const unknown = list.length - failed;
      out.push(
        '<div class="rule">',
        `<h4>${t(first.title, 500)}</h4>`,
        `<p><code>${t(ruleId, 200)}</code> — ${failed.toLocaleString('en-US')} failed${unknown ? `, ${unknown.toLocaleString('en-US')} unknown (not enough data to check)` : ''}</p>`,
        `<p><strong>Remediation:</strong> ${first.remediation ? t(first.remediation, MAX_TEXT, true) : '<span class="muted">none given</span>'}</p>`,
        `<table><thead><tr><th>Resource</th><th>Type and ID</th><th class="n">Status</th><th>Detail</th>${
          withLife ? '<th>First seen</th><th>Muted</th>' : ''
        }</tr></thead><tbody>`,
      );
      for (const f of list) {
        const life = context.lifecycle?.(f);
        out.push(
          `<tr>${td(f.resourceName, 500)}<td class="u id">${t(f.resourceType)} <code>${t(f.resourceId, 200)}</code></td><td class="n">${
            f.status === 'FAIL' ? 'FAIL' : 'UNKNOWN'
          }</td>${td(f.detail, MAX_TEXT, 'u w', true)}${
            withLife
              ? `${td(life?.firstSeenAt)}${
                  life?.mute
                    ? muteInForce(life.mute, context.exportedAt)
                      ? `<td class="u">yes: ${t(life.mute.reason, 500)}${life.mute.expiresAt ? ` (until ${t(life.mute.expiresAt)})` : ''}</td>`
                      : `<td class="u">no: the mute expired ${t(life.mute.expiresAt)} (${t(life.mute.reason, 500)})</td>`
                    : '<td>no</td>'
                }`
              : ''
          }</tr>`,
        );
      }
      out.push('</tbody></table></div>');
    }
  }
  out.push('</section>');

  // --- inventory --------------------------------------------------------------------------------
  const notRead = (k: FeatureKey) =>
    `<p class="warn"><strong>${FEATURE_LABELS[k]} could not be read</strong> (${t(report.availability[k])}): this list is unknown, not empty.</p>`;
  const findingCount = new Map<string, number>();
  for (const f of report.findings) {
    const key = `${f.resourceType}\u0000${f.resourceId}`;
    findingCount.set(key, (findingCount.get(key) ?? 0) + 1);
  }
  const countOf = (type: string, id: string) => findingCount.get(`${type}\u0000${id}`) ?? 0;

  out.push(
    `<section id="agents"><h2>Agents (${read('agents') ? report.agents.length.toLocaleString('en-US') : 'not read'})</h2>`,
  );
  if (!read('agents')) out.push(notRead('agents'));
  else if (report.agents.length === 0) out.push('<p>The workspace has no agent.</p>');
  else {
    out.push(
      '<table><thead><tr><th>Name</th><th>ID</th><th class="n">Version</th><th>Model</th><th>Guardrails</th><th>Tools</th><th>In Le Chat</th><th>Activity</th><th class="n">Findings</th></tr></thead><tbody>',
    );
    for (const a of report.agents)
      out.push(
        `<tr>${td(a.name, 500)}<td class="u id"><code>${t(a.id, 200)}</code></td>${num(a.version)}${td(a.model, 200)}${guardrailsCell(a)}${toolsCell(a)}<td>${
          a.deploymentChat ? 'yes' : 'no'
        }</td><td>${t(a.status)}</td>${num(countOf('agent', a.id))}</tr>`,
      );
    out.push('</tbody></table>');
  }
  out.push('</section>');

  const modelUse = new Map<string, number>();
  for (const a of report.agents) modelUse.set(a.model, (modelUse.get(a.model) ?? 0) + 1);
  out.push(
    `<section id="models"><h2>Models (${read('models') ? report.models.length.toLocaleString('en-US') : 'not read'})</h2>`,
  );
  if (!read('models')) out.push(notRead('models'));
  else if (report.models.length === 0) out.push('<p>No model listed.</p>');
  else {
    out.push(
      '<table><thead><tr><th>ID</th><th>Type</th><th>Lifecycle</th><th>Capabilities</th><th class="n">Context window</th><th class="n">Agents using it</th><th class="n">Findings</th></tr></thead><tbody>',
    );
    for (const m of report.models) {
      const used = [m.id, ...m.aliases].reduce((n, name) => n + (modelUse.get(name) ?? 0), 0);
      out.push(
        `<tr><td class="u id"><code>${t(m.id, 300)}</code></td>${td(m.type, 100)}<td class="u">${t(m.lifecycle)}${
          m.deprecationDate
            ? ` (deprecated ${t(m.deprecationDate, 100)}${m.replacementModel ? `; use ${t(m.replacementModel, 200)}` : ''})`
            : ''
        }</td>${td(m.capabilities.join(', '), 500)}${num(m.contextWindow)}${num(used)}${num(countOf('model', m.id))}</tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  const libraryUse = new Map<string, number>();
  for (const a of report.agents)
    for (const kb of a.knowledgeBases) libraryUse.set(kb.id, (libraryUse.get(kb.id) ?? 0) + 1);
  out.push(
    `<section id="libraries"><h2>Libraries (${read('libraries') ? report.libraries.length.toLocaleString('en-US') : 'not read'})</h2>`,
  );
  if (!read('libraries')) out.push(notRead('libraries'));
  else if (report.libraries.length === 0) out.push('<p>No library.</p>');
  else {
    out.push(
      '<table><thead><tr><th>Name</th><th>ID</th><th>Description</th><th class="n">Documents</th><th class="n">Size</th><th>Sharing</th><th class="n">Agents using it</th><th class="n">Findings</th></tr></thead><tbody>',
    );
    for (const l of report.libraries)
      out.push(
        `<tr>${td(l.name, 500)}<td class="u id"><code>${t(l.id, 200)}</code></td>${td(l.description, 500)}${num(l.documentCount)}<td class="n">${bytes(l.totalSizeBytes)}</td>${td(
          l.sharing.orgSharingRole ? `organization: ${l.sharing.orgSharingRole}` : l.ownerType,
          200,
        )}${num(libraryUse.get(l.id) ?? 0)}${num(countOf('library', l.id))}</tr>`,
      );
    out.push('</tbody></table>');
  }
  out.push('</section>');

  out.push(
    `<section id="files"><h2>Files (${read('files') ? report.files.length.toLocaleString('en-US') : 'not read'})</h2>`,
  );
  if (!read('files')) out.push(notRead('files'));
  else if (report.files.length === 0) out.push('<p>No file.</p>');
  else {
    out.push(
      '<table><thead><tr><th>File name</th><th>ID</th><th>Purpose</th><th class="n">Size</th><th>Type</th><th>Visibility</th><th>Expires</th><th class="n">Findings</th></tr></thead><tbody>',
    );
    for (const f of report.files)
      out.push(
        `<tr>${td(f.filename, 500)}<td class="u id"><code>${t(f.id, 200)}</code></td>${td(f.purpose, 100)}<td class="n">${bytes(f.sizeBytes)}</td>${td(f.mimetype, 100)}${td(
          f.visibility,
          100,
        )}${td(f.expiresAt, 100)}${num(countOf('file', f.id))}</tr>`,
      );
    out.push('</tbody></table>');
  }
  out.push('</section>');

  out.push(
    `<footer>Produced by ${t(context.tool.name)} ${t(context.tool.version)} on ${t(context.exportedAt.toISOString())} from a read of the workspace at ${t(
      report.generatedAt,
    )}. Workspace texts are shown as read; invisible and control characters appear as ⟨U+XXXX⟩. Agent instructions are not included.${
      simulated ? ' <strong>SIMULATED workspace.</strong>' : ''
    }</footer>`,
    '</body>',
    '</html>',
    '',
  );
  return out.join('\n');
};
