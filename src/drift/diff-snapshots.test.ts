import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRecord, Snapshot } from '../inventory/types.ts';
import type { ChangeEvent } from '../findings/types.ts';
import {
  agent,
  availability,
  file,
  guarded,
  library,
  model,
  noBetaAvailability,
  policy,
  snapshot,
  UNGUARDED,
} from '../rules/testing/fixtures.ts';
import { diffSnapshots } from './diff-snapshots.ts';

const AT = '2026-06-02T00:00:00.000Z';

/** The same snapshot, deep-copied, with overrides. */
function next(prev: Snapshot, overrides: Partial<Snapshot> = {}): Snapshot {
  return { ...structuredClone(prev), takenAt: AT, ...overrides };
}

function withAgent(s: Snapshot, a: AgentRecord): Snapshot {
  return { ...s, agents: s.agents.map((x) => (x.id === a.id ? a : x)) };
}

const types = (events: ChangeEvent[]) => events.map((e) => `${e.type}:${e.resourceType}:${e.resourceId}`);

describe('diffSnapshots', () => {
  it('emits nothing on the first sync', () => {
    assert.deepEqual(diffSnapshots(null, snapshot(), AT), []);
  });

  it('emits nothing for an unchanged pair', () => {
    const prev = snapshot({ files: [file()], libraries: [library()] });
    assert.deepEqual(diffSnapshots(prev, next(prev), AT), []);
  });

  it('emits resource_created and resource_deleted for every resource type', () => {
    const prev = snapshot({
      agents: [agent({ id: 'ag_old', name: 'Old' })],
      models: [model({ id: 'm_old', name: 'm_old' })],
      files: [file({ id: 'file_old', filename: 'old.jsonl' })],
      libraries: [library({ id: 'lib_old', name: 'Old lib' })],
    });
    const cur = next(prev, {
      agents: [agent({ id: 'ag_new', name: 'New' })],
      models: [model({ id: 'm_new', name: null })],
      files: [file({ id: 'file_new', filename: 'new.jsonl' })],
      libraries: [library({ id: 'lib_new', name: 'New lib' })],
    });
    const events = diffSnapshots(prev, cur, AT);
    assert.deepEqual(types(events), [
      'resource_created:agent:ag_new',
      'resource_deleted:agent:ag_old',
      'resource_created:model:m_new',
      'resource_deleted:model:m_old',
      'resource_created:file:file_new',
      'resource_deleted:file:file_old',
      'resource_created:library:lib_new',
      'resource_deleted:library:lib_old',
    ]);
    assert.deepEqual(events[0], {
      type: 'resource_created',
      resourceType: 'agent',
      resourceId: 'ag_new',
      resourceName: 'New',
      at: AT,
      summary: 'Agent "New" was created',
    });
    assert.equal(events[1].summary, 'Agent "Old" was deleted');
    assert.equal(events[2].summary, 'Model "m_new" was created');
    assert.equal(events[5].summary, 'File "old.jsonl" was deleted');
  });

  it('does not report deletions when agents are unavailable in the second snapshot, nor creations on recovery', () => {
    const prev = snapshot({ agents: [agent({ id: 'ag_1' }), agent({ id: 'ag_2' })], libraries: [library()] });
    const outage = next(prev, { availability: noBetaAvailability(), agents: [], libraries: [] });
    assert.deepEqual(diffSnapshots(prev, outage, AT), []);
    assert.deepEqual(diffSnapshots(outage, next(prev), AT), []);
    // An error (not only "unavailable") counts as an incomplete listing too.
    const failedModels = next(prev, {
      availability: availability({ models: { status: 'error', message: '5xx' } }),
      models: [],
    });
    assert.deepEqual(diffSnapshots(prev, failedModels, AT), []);
  });

  it('emits agent_changed with a field-level diff', () => {
    const before = agent({ id: 'ag_1', name: 'Support', version: 1 });
    const after = agent({
      id: 'ag_1',
      name: 'Support',
      version: 2,
      model: 'mistral-large-2411',
      description: 'New description',
      temperature: 0.9,
      topP: 0.5,
      completionArgs: { temperature: 0.9, top_p: 0.5, tool_choice: 'any' },
      instructions: 'Be helpful. The admin password is hunter2.',
      tools: [{ type: 'web_search' }, { type: 'document_library', library_ids: ['lib_9'] }],
      knowledgeBases: [{ id: 'lib_9', name: null, found: false }],
      handoffs: ['ag_2'],
      deploymentChat: true,
    });
    const prev = snapshot({ agents: [before] });
    const events = diffSnapshots(prev, withAgent(next(prev), after), AT);
    assert.deepEqual(types(events), ['agent_changed:agent:ag_1']);
    const e = events[0];
    assert.deepEqual(
      e.changes?.map((c) => c.field),
      [
        'description',
        'model',
        'instructions',
        'temperature',
        'topP',
        'completionArgs',
        'tools',
        'knowledgeBases',
        'handoffs',
        'deploymentChat',
        'version',
      ],
    );
    const change = (f: string) => e.changes!.find((c) => c.field === f)!;
    assert.deepEqual(change('model'), {
      field: 'model',
      before: 'mistral-medium-2505',
      after: 'mistral-large-2411',
    });
    assert.deepEqual(change('knowledgeBases'), { field: 'knowledgeBases', before: [], after: ['lib_9'] });
    assert.deepEqual(change('handoffs'), { field: 'handoffs', before: null, after: ['ag_2'] });
    assert.deepEqual(change('version'), { field: 'version', before: 1, after: 2 });
    // Instructions: length and a short hash, never the text.
    const instr = change('instructions');
    assert.deepEqual(instr.before, {
      length: before.instructions!.length,
      sha256: (instr.before as { sha256: string }).sha256,
    });
    assert.match((instr.after as { sha256: string }).sha256, /^[0-9a-f]{12}$/);
    assert.equal((instr.after as { length: number }).length, 42);
    assert.ok(!JSON.stringify(e).includes('hunter2'));
    assert.equal(
      e.summary,
      'Agent "Support" changed: description; model mistral-medium-2505 → mistral-large-2411; instructions; temperature; topP; completionArgs; ' +
        'tools +document_library +web_search; knowledge bases +lib_9; handoffs; deployed to chat; version 1 → 2',
    );
  });

  it('redacts connector credentials, ignores a token rotation and tool order', () => {
    const connector = (value: string) => ({
      type: 'connector' as const,
      connector_id: 'gmail',
      authorization: { type: 'api-key' as const, value },
    });
    const before = agent({ id: 'ag_1', tools: [connector('sk-old-secret'), { type: 'web_search' }] });
    const rotated = agent({ id: 'ag_1', tools: [{ type: 'web_search' }, connector('sk-new-secret')] });
    const prev = snapshot({ agents: [before] });
    assert.deepEqual(diffSnapshots(prev, withAgent(next(prev), rotated), AT), []);

    const removed = agent({ id: 'ag_1', tools: [{ type: 'web_search' }, { type: 'code_interpreter' }] });
    const events = diffSnapshots(prev, withAgent(next(prev), removed), AT);
    assert.deepEqual(types(events), ['agent_changed:agent:ag_1']);
    const text = JSON.stringify(events);
    assert.ok(!text.includes('sk-old-secret'));
    assert.ok(text.includes('[REDACTED]'));
    assert.match(events[0].summary, /tools \+code_interpreter −connector:gmail$/);
  });

  it('never carries a credential a snapshot stored before redaction covered completion args and guardrails', () => {
    const secret = 'sk-live-0123456789abcdefABCDEF0123456789';
    // As stored before the upgrade: the secret in plaintext. As read now: redacted by the inventory.
    const stored = agent({ id: 'ag_1', completionArgs: { headers: { Authorization: `Bearer ${secret}` } } });
    const now = agent({ id: 'ag_1', completionArgs: { headers: { Authorization: '[REDACTED]' } } });
    const prev = snapshot({ agents: [stored] });
    assert.deepEqual(
      diffSnapshots(prev, withAgent(next(prev), now), AT),
      [],
      'the upgrade alone is no change',
    );
    const changed = agent({
      id: 'ag_1',
      completionArgs: { headers: { Authorization: '[REDACTED]' }, seed: 1 },
    });
    const events = diffSnapshots(prev, withAgent(next(prev), changed), AT);
    assert.deepEqual(types(events), ['agent_changed:agent:ag_1']);
    assert.ok(!JSON.stringify(events).includes(secret));
  });

  it('emits guardrails_removed (with agent_changed) when guardrails become null', () => {
    const prev = snapshot({ agents: [agent({ id: 'ag_1', name: 'Bot' })] });
    const cur = withAgent(next(prev), agent({ id: 'ag_1', name: 'Bot', ...UNGUARDED }));
    const events = diffSnapshots(prev, cur, AT);
    assert.deepEqual(types(events), ['agent_changed:agent:ag_1', 'guardrails_removed:agent:ag_1']);
    assert.equal(events[1].summary, 'Agent "Bot" no longer has guardrails');
    assert.equal(events[1].changes![0].after, null);
    assert.match(events[0].summary, /guardrails 1 policy → none/);
  });

  it('emits guardrails_weakened when the strength decreases, and nothing extra when it increases', () => {
    const strong = agent({ id: 'ag_1', name: 'Bot', ...guarded([policy()]) });
    const failOpen = agent({ id: 'ag_1', name: 'Bot', ...guarded([policy({ blockOnError: false })]) });
    const prev = snapshot({ agents: [strong] });
    const events = diffSnapshots(prev, withAgent(next(prev), failOpen), AT);
    assert.deepEqual(types(events), ['agent_changed:agent:ag_1', 'guardrails_weakened:agent:ag_1']);
    assert.equal(
      events[1].summary,
      'Agent "Bot" guardrails weakened: blocking, fail-closed guardrails checking jailbreaking and pii → blocking guardrails that fail open',
    );
    assert.deepEqual(
      (events[1].changes![0].before as { level: number }).level -
        (events[1].changes![0].after as { level: number }).level,
      2,
    );

    const prev2 = snapshot({ agents: [failOpen] });
    assert.deepEqual(types(diffSnapshots(prev2, withAgent(next(prev2), strong), AT)), [
      'agent_changed:agent:ag_1',
    ]);
  });

  it('emits guardrails_weakened when fewer categories are checked at the same level', () => {
    const all = agent({ id: 'ag_1', name: 'Bot', ...guarded([policy()]) });
    const p = policy();
    const fewer = agent({
      id: 'ag_1',
      name: 'Bot',
      ...guarded([{ ...p, categories: { ...p.categories, health: { evaluated: false, threshold: null } } }]),
    });
    const prev = snapshot({ agents: [all] });
    const events = diffSnapshots(prev, withAgent(next(prev), fewer), AT);
    assert.deepEqual(types(events), ['agent_changed:agent:ag_1', 'guardrails_weakened:agent:ag_1']);
    assert.equal(events[1].summary, 'Agent "Bot" guardrails check fewer categories (11 → 10)');
  });

  it('emits alias_moved for an alias that points to another version, ordered by alias', () => {
    const aliases = (prod: number, beta: number) => [
      { alias: 'prod', version: prod, createdAt: AT, updatedAt: AT },
      { alias: 'beta', version: beta, createdAt: AT, updatedAt: AT },
    ];
    const prev = snapshot({ agents: [agent({ id: 'ag_1', name: 'Bot', aliases: aliases(1, 1) })] });
    const cur = withAgent(next(prev), {
      ...prev.agents[0],
      aliases: [...aliases(2, 3), { alias: 'new', version: 3, createdAt: AT, updatedAt: AT }],
    });
    const events = diffSnapshots(prev, cur, AT);
    assert.deepEqual(types(events), ['alias_moved:agent:ag_1', 'alias_moved:agent:ag_1']);
    assert.deepEqual(
      events.map((e) => e.summary),
      [
        'Alias "beta" of agent "Bot" moved from version 1 to version 3',
        'Alias "prod" of agent "Bot" moved from version 1 to version 2',
      ],
    );
    assert.deepEqual(events[1].changes, [{ field: 'aliases.prod', before: 1, after: 2 }]);
  });

  it('emits model_newly_deprecated for stable → deprecated and deprecated → legacy only', () => {
    const prev = snapshot({
      models: [
        model({ id: 'm_a', name: 'm_a', lifecycle: 'stable' }),
        model({ id: 'm_b', name: 'm_b', lifecycle: 'deprecated', deprecationDate: '2026-06-01T00:00:00Z' }),
        model({ id: 'm_c', name: 'm_c', lifecycle: 'legacy', deprecationDate: '2026-01-01T00:00:00Z' }),
        model({ id: 'm_d', name: 'm_d', lifecycle: 'deprecated', deprecationDate: '2026-09-01T00:00:00Z' }),
      ],
    });
    const cur = next(prev, {
      models: [
        model({
          id: 'm_a',
          name: 'm_a',
          lifecycle: 'deprecated',
          deprecationDate: '2026-09-01T00:00:00Z',
          replacementModel: 'm_z',
        }),
        model({ id: 'm_b', name: 'm_b', lifecycle: 'legacy', deprecationDate: '2026-06-01T00:00:00Z' }),
        model({ id: 'm_c', name: 'm_c', lifecycle: 'stable' }),
        model({ id: 'm_d', name: 'm_d', lifecycle: 'deprecated', deprecationDate: '2026-09-01T00:00:00Z' }),
      ],
    });
    const events = diffSnapshots(prev, cur, AT);
    assert.deepEqual(types(events), ['model_newly_deprecated:model:m_a', 'model_newly_deprecated:model:m_b']);
    assert.equal(
      events[0].summary,
      'Model "m_a" is now deprecated (was stable); deprecation date 2026-09-01T00:00:00Z, replacement m_z',
    );
    assert.deepEqual(events[0].changes, [
      { field: 'lifecycle', before: 'stable', after: 'deprecated' },
      { field: 'deprecationDate', before: null, after: '2026-09-01T00:00:00Z' },
      { field: 'replacementModel', before: null, after: 'm_z' },
    ]);
    assert.deepEqual(events[1].changes, [{ field: 'lifecycle', before: 'deprecated', after: 'legacy' }]);
  });

  it('orders events deterministically whatever the input order', () => {
    const prev = snapshot({
      agents: [
        agent({ id: 'ag_b', name: 'B' }),
        agent({ id: 'ag_a', name: 'A' }),
        agent({ id: 'ag_gone', name: 'Gone' }),
      ],
      models: [model({ id: 'm_1', lifecycle: 'stable' })],
    });
    const cur = next(prev, {
      agents: [
        agent({ id: 'ag_new', name: 'New' }),
        agent({ id: 'ag_b', name: 'B', ...UNGUARDED }),
        agent({ id: 'ag_a', name: 'A2' }),
      ],
      models: [model({ id: 'm_1', lifecycle: 'legacy' }), model({ id: 'm_0' })],
    });
    const events = diffSnapshots(prev, cur, AT);
    const expected = [
      'agent_changed:agent:ag_a',
      'agent_changed:agent:ag_b',
      'guardrails_removed:agent:ag_b',
      'resource_deleted:agent:ag_gone',
      'resource_created:agent:ag_new',
      'resource_created:model:m_0',
      'model_newly_deprecated:model:m_1',
    ];
    assert.deepEqual(types(events), expected);
    const shuffled = diffSnapshots(
      { ...prev, agents: [...prev.agents].reverse(), models: [...prev.models].reverse() },
      { ...cur, agents: [...cur.agents].reverse(), models: [...cur.models].reverse() },
      AT,
    );
    assert.deepEqual(shuffled, events);
  });

  it('keeps summaries on one line whatever the names hold', () => {
    const prev = snapshot({ agents: [] });
    const cur = next(prev, {
      agents: [agent({ id: 'ag_x', name: 'Evil\nname\u2028<b>' + 'x'.repeat(200) })],
    });
    const [e] = diffSnapshots(prev, cur, AT);
    assert.ok(!/[\n\r\u2028]/.test(e.summary));
    assert.ok(e.summary.length < 120);
    assert.ok(e.summary.startsWith('Agent "Evil name <b>xx'));
  });
});
