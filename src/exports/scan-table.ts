/**
 * `trustlens scan --format table`: a readable terminal summary of a ScanReport.
 * Workspace data is untrusted: control characters are stripped before printing.
 */
import type { ScanReport } from './scan-report.ts';
import { SEVERITIES } from '../findings/types.ts';
import { formatTable as table, safeText } from '../shared/text.ts';

function guardrailLabel(a: ScanReport['agents'][number]): string {
  if (!a.guardrails) return 'NONE';
  const p = a.guardrailPolicies;
  const blocking = p.some((x) => x.blocks);
  return `${a.guardrails.policy_count} polic${a.guardrails.policy_count === 1 ? 'y' : 'ies'}${blocking ? ', blocking' : ', not blocking'}`;
}

/** One line on what the optional admin key showed, or why it showed nothing. */
function adminLine(r: ScanReport): string {
  const s = r.summary;
  const av = r.extraAvailability;
  const parts: string[] = [];
  if (s.apiKeys !== null) parts.push(`${s.apiKeys} API keys`);
  if (s.members !== null) parts.push(`${s.members} members (${s.admins ?? 0} admins)`);
  if (s.pendingInvites !== null) parts.push(`${s.pendingInvites} pending invites`);
  if (s.auditEntries !== null) parts.push(`${s.auditEntries} audit entries`);
  const rl = r.admin.rateLimit;
  if (rl) {
    const paced = rl.pacedRequestsPerSecond !== null ? `, paced to ${rl.pacedRequestsPerSecond}` : '';
    parts.push(`rate limit ${rl.requestsPerSecond} requests/s${paced}`);
  }
  const notRead = (['adminApiKeys', 'adminMembers', 'auditLog', 'rateLimit', 'adminUsage'] as const).filter(
    (k) => av[k] && av[k].status !== 'available',
  );
  if (parts.length === 0) {
    const why = av.adminApiKeys?.message ?? 'not read';
    const todo = av.adminApiKeys?.remediation ? ` ${safeText(av.adminApiKeys.remediation, 200)}` : '';
    return `Organization (admin key): not read. ${safeText(why, 160)}${todo}`;
  }
  const missing = notRead.length ? ` (not read: ${notRead.join(', ')})` : '';
  return `Organization (admin key): ${parts.join(', ')}${missing}`;
}

export function renderScanTable(r: ScanReport): string {
  const out: string[] = [];
  out.push(`TrustLens scan of ${safeText(r.source.baseUrl, 200)} at ${r.generatedAt}`);
  out.push('');
  out.push(
    `Inventory: ${r.summary.agents} agents, ${r.summary.models} models, ${r.summary.files} files, ${r.summary.libraries} libraries`,
  );
  out.push(adminLine(r));
  out.push('');
  out.push('Feature availability');
  out.push(
    table(
      ['feature', 'status', 'note'],
      [
        ...Object.entries(r.availabilityDetails),
        // Beyond the product document: connectors, sharing, prompts/skills/batch, the admin-key rows.
        ...Object.entries(r.extraAvailability ?? {}),
      ].map(([k, v]) => [k, v.status, safeText(v.message ?? '', 90)]),
    ),
  );
  out.push('');
  if (r.agents.length) {
    out.push('Agents');
    out.push(
      table(
        ['agent', 'model', 'status', 'guardrails', 'tools', 'runs'],
        r.agents.map((a) => [
          safeText(a.name, 40),
          safeText(a.model, 30),
          a.status,
          guardrailLabel(a),
          String(a.tools.length),
          a.usage ? String(a.usage.totalRuns) : 'n/a',
        ]),
      ),
    );
    out.push('');
  }
  const fails = r.findings.filter((f) => f.status === 'FAIL');
  const unknown = r.findings.filter((f) => f.status === 'UNKNOWN');
  out.push(
    `Findings: ${fails.length} failing, ${unknown.length} unknown (data not available), ${r.summary.checks.pass} checks passed`,
  );
  out.push(SEVERITIES.map((s) => `${s}: ${r.summary.findingsBySeverity[s]}`).join('  '));
  if (r.findings.length) {
    // One line per rule first (findings are sorted by severity, then rule), then every failing one.
    const byRule = new Map<string, { severity: string; title: string; fail: number; unknown: number }>();
    for (const f of r.findings) {
      const row = byRule.get(f.ruleId) ?? { severity: f.severity, title: f.title, fail: 0, unknown: 0 };
      if (f.status === 'FAIL') row.fail++;
      else row.unknown++;
      byRule.set(f.ruleId, row);
    }
    out.push('');
    out.push(
      table(
        ['severity', 'rule', 'failing', 'unknown', 'title'],
        [...byRule].map(([id, x]) => [
          x.severity,
          id,
          String(x.fail),
          String(x.unknown),
          safeText(x.title, 70),
        ]),
      ),
    );
  }
  if (fails.length) {
    out.push('');
    out.push('Failing checks');
    out.push(
      table(
        ['severity', 'rule', 'resource', 'detail'],
        fails.map((f) => [
          f.severity,
          f.ruleId,
          safeText(f.resourceName ?? f.resourceId, 32),
          safeText(f.detail, 100),
        ]),
      ),
    );
  }
  if (r.errors.length) {
    out.push('');
    out.push('Not assessed');
    for (const e of r.errors)
      out.push(`- ${e.feature}: ${safeText(e.message, 200)} ${safeText(e.remediation, 200)}`);
  }
  out.push('');
  out.push(r.tokenUsage);
  return out.join('\n') + '\n';
}
