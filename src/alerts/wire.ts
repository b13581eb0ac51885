/**
 * The bodies TrustLens posts: the digest as JSON for a generic webhook, or a Slack incoming-webhook
 * message. Workspace text is untrusted: in Slack's mrkdwn, `<`, `>` and `&` are escaped so that a name
 * cannot mention @channel or forge a link, and control and invisible characters are removed.
 */
import { safeText } from '../shared/text.ts';
import type { DestinationKind, DigestFinding, DigestPayload } from './types.ts';

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

/** At most this many new items of a worsened finding are named in a message line. */
const NAMED_ITEMS = 5;

/**
 * How a finding's transition reads: "opened", "reopened", or for a worsened one what appeared, e.g.
 * `worsened: 2 new items: "ci" (HQSx...Ug6Y), bob@example.com` — and when it is muted, `worsened:
 * muted, but 2 new items appeared: …`. `escape` makes each workspace-given label safe for the format.
 */
export function transitionText(f: DigestFinding, escape: (v: unknown, max: number) => string): string {
  if (f.transition !== 'worsened') return f.transition;
  const count = Math.max(f.newItems?.count ?? 0, f.newItems?.items.length ?? 0);
  const what = count === 0 ? 'new items' : count === 1 ? '1 new item' : `${count} new items`;
  const named = (f.newItems?.items ?? []).slice(0, NAMED_ITEMS).map((x) => escape(x.label, 120));
  const rest = count - named.length;
  const list = named.length > 0 ? `: ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}` : '';
  return f.muted ? `worsened: muted, but ${what} appeared${list}` : `worsened: ${what}${list}`;
}

/** A Slack incoming-webhook message for a digest (blocks plus a plain `text` fallback for notifications). */
export function slackMessage(p: DigestPayload): Record<string, unknown> {
  const where = p.integration ? ` in ${slackText(p.integration.name, 80)}` : '';
  const sim = p.simulated ? ' [SIMULATED workspace]' : '';
  const headline =
    p.type === 'trustlens.alert.test'
      ? `TrustLens test alert for ${slackText(p.organization.name, 80)}${sim}`
      : `TrustLens: ${findingsWords(p)}, ${p.summary.events} change(s)${
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
        )} (${transitionText(f, slackText)})`,
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

/** "2 new finding(s)", "1 worsened finding(s)", or both. */
function findingsWords(p: DigestPayload): string {
  const worsened = p.summary.worsenedFindings ?? 0;
  const fresh = p.summary.findings - worsened;
  const parts = [
    ...(fresh > 0 || worsened === 0 ? [`${fresh} new finding(s)`] : []),
    ...(worsened > 0 ? [`${worsened} worsened finding(s)`] : []),
  ];
  return parts.join(', ');
}

/** The exact bytes posted to a destination of this kind. */
export function deliveryBody(kind: DestinationKind, payload: DigestPayload): string {
  return JSON.stringify(kind === 'slack' ? slackMessage(payload) : payload);
}
