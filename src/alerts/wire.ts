/**
 * The bodies TrustLens posts: the digest as JSON for a generic webhook, or a Slack incoming-webhook
 * message. Workspace text is untrusted: in Slack's mrkdwn, `<`, `>` and `&` are escaped so that a name
 * cannot mention @channel or forge a link, and control and invisible characters are removed.
 */
import { safeText } from '../shared/text.ts';
import type { DestinationKind, DigestPayload } from './types.ts';

const SEVERITY_MARK: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':white_circle:',
  info: ':white_circle:',
};

/** Text safe inside Slack mrkdwn: no control characters, no mentions, links or markup of its own. */
export function slackText(v: unknown, max = 200): string {
  return safeText(v, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(text: string) {
  // verbatim: Slack does not turn URLs, channel names or mentions in the text into links.
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2900), verbatim: true } };
}

/** A Slack incoming-webhook message for a digest (blocks plus a plain `text` fallback for notifications). */
export function slackMessage(p: DigestPayload): Record<string, unknown> {
  const where = p.integration ? ` in ${slackText(p.integration.name, 80)}` : '';
  const sim = p.simulated ? ' [SIMULATED workspace]' : '';
  const headline =
    p.type === 'trustlens.alert.test'
      ? `TrustLens test alert for ${slackText(p.organization.name, 80)}${sim}`
      : `TrustLens: ${p.summary.findings} new finding(s), ${p.summary.events} change(s)${
          p.syncFailing ? ', sync failing' : ''
        }${where}${sim}`;
  const blocks: Array<Record<string, unknown>> = [section(`*${headline}*`)];
  if (p.message) blocks.push(section(slackText(p.message, 500)));
  if (p.syncFailing) {
    blocks.push(
      section(
        `:warning: The last ${p.syncFailing.consecutiveFailures} syncs failed: ${slackText(p.syncFailing.message, 300)}\n_What to do:_ ${slackText(p.syncFailing.remediation, 300)}`,
      ),
    );
  }
  const findingLines = p.findings
    .slice(0, 20)
    .map(
      (f) =>
        `${SEVERITY_MARK[f.severity] ?? ''} *${f.severity}* ${slackText(f.title, 120)} — ${f.resourceType} ${slackText(
          f.resourceName ?? f.resourceId,
          80,
        )} (${f.transition})`,
    );
  const moreFindings = p.summary.findings - Math.min(20, p.findings.length);
  if (findingLines.length > 0) {
    blocks.push(
      section(findingLines.join('\n') + (moreFindings > 0 ? `\n…and ${moreFindings} more finding(s)` : '')),
    );
  }
  const eventLines = p.events.slice(0, 20).map((e) => `• ${slackText(e.summary, 200)}`);
  const moreEvents = p.summary.events - Math.min(20, p.events.length);
  if (eventLines.length > 0) {
    blocks.push(
      section(eventLines.join('\n') + (moreEvents > 0 ? `\n…and ${moreEvents} more change(s)` : '')),
    );
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        verbatim: true,
        text: `Delivery ${p.deliveryId}${p.syncRun ? ` · sync run ${p.syncRun.id} (${p.syncRun.status})` : ''}`,
      },
    ],
  });
  return { text: headline, blocks };
}

/** The exact bytes posted to a destination of this kind. */
export function deliveryBody(kind: DestinationKind, payload: DigestPayload): string {
  return JSON.stringify(kind === 'slack' ? slackMessage(payload) : payload);
}
