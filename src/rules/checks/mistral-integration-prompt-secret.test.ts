import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-prompt-secret.ts';
import { toRegistryRecord, type RegistryObjectRecord } from '../../inventory/prompts-skills.ts';
import type { WireRegistryVersion } from '../../shared/mistral-wire-v2.ts';
import type { ExtraAvailability, FeatureAvailability } from '../../inventory/types.ts';
import { context, extraAvailability } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const AWS = 'AKIAABCDEFGHIJKLMNOP';
const PASSWORD = 'Hunter22!secret';

const promptVersions = (texts: string[]): WireRegistryVersion<unknown>[] =>
  texts.map((content, i) => ({ version: i + 1, definition: { content }, aliases: [] }));

/** A prompt built the way discovery builds it (the text scanned, then dropped). */
function prompt(id: string, texts: string[] | null): RegistryObjectRecord {
  return toRegistryRecord(
    {
      id,
      name: id.replace('p_', ''),
      latestVersion: texts?.length ?? 2,
      version: texts?.length ?? 2,
      definition: { content: texts?.at(-1) ?? 'You are helpful.' },
    },
    texts ? promptVersions(texts) : null,
    'prompt',
  );
}

function skill(id: string, bodies: string[]): RegistryObjectRecord {
  return toRegistryRecord(
    { id, name: id.replace('s_', '') },
    bodies.map((body, i) => ({ version: i + 1, definition: { description: 'Use it', body } })),
    'skill',
  );
}

const AVAILABLE: FeatureAvailability = { status: 'available' };
const read = (overrides: Partial<ExtraAvailability> = {}) =>
  extraAvailability({ prompts: AVAILABLE, skills: AVAILABLE, ...overrides });

describe('mistral_integration_prompt_secret', () => {
  it('PASS: every version of every prompt and skill scanned, no credential', () => {
    const r = one(
      rule,
      context({
        extraAvailability: read(),
        prompts: [prompt('p_support', ['You are helpful.', 'You are kind. password: Required'])],
        skills: [skill('s_review', ['# Review\nRead the diff.'])],
      }),
    );
    assert.equal(r.status, 'PASS');
    assert.equal(r.resourceType, 'integration');
    assert.match(r.detail, /2 prompts or skills, 3 versions scanned/);
    assert.equal(r.evidence?.judged, 2);
  });

  it('PASS: a workspace with no prompt and no skill', () => {
    const r = one(rule, context({ extraAvailability: read(), prompts: [], skills: [] }));
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /no prompt or skill/);
  });

  it('FAIL: a credential in a later version only, named by prompt, version, field, kind and position', () => {
    const ctx = context({
      extraAvailability: read(),
      prompts: [
        prompt('p_clean', ['You are helpful.']),
        prompt('p_ops', ['You run ops.', `You run ops.\nUse ${AWS} for S3.`, 'You run ops.']),
      ],
      skills: [skill('s_deploy', ['# Deploy', `# Deploy\npassword=${PASSWORD}`])],
    });
    const r = one(rule, ctx);
    assert.equal(r.status, 'FAIL');
    assert.match(
      r.detail,
      /prompt "ops" \(version 2, definition\.content: an AWS access key id at line 2, column 5\)/,
    );
    assert.match(
      r.detail,
      /skill "deploy" \(version 2, definition\.body: a password or secret assignment at line 2, column 1\)/,
    );
    assert.equal(r.evidence?.failingCount, 2);
    assert.equal(r.evidence?.locationCount, 2);
    const failing = r.evidence?.failing as Array<{ type: string; id: string; locations: unknown[] }>;
    assert.deepEqual(
      failing.map((f) => [f.type, f.id]),
      [
        ['prompt', 'p_ops'],
        ['skill', 's_deploy'],
      ],
    );
    assert.deepEqual(failing[0].locations, [
      { version: 2, field: 'definition.content', kind: 'aws_access_key_id', line: 2, column: 5 },
    ]);
    // Neither the records nor the result hold the text or the value.
    for (const text of [JSON.stringify(ctx.snapshot), JSON.stringify(r)]) {
      for (const secret of [AWS, 'AKIA', PASSWORD, 'Hunter22', 'for S3', 'You run ops'])
        assert.ok(!text.includes(secret), `no "${secret}"`);
    }
  });

  it('FAIL stays a FAIL when other prompts could not be scanned, and says so', () => {
    const r = one(
      rule,
      context({
        extraAvailability: read({
          skills: {
            status: 'unavailable',
            code: 'BETA_ACCESS_REQUIRED',
            message: 'Beta access is not enabled.',
          },
        }),
        prompts: [prompt('p_ops', [`Use ${AWS}`]), prompt('p_unread', null)],
        skills: null,
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /prompt "unread" \(its versions could not be read\)/);
    assert.match(r.detail, /the skills were not read \(unavailable: Beta access is not enabled\)/);
    assert.equal(r.evidence?.unscannedCount, 1);
  });

  it('versions not read: UNKNOWN when the served version is clean, FAIL when it holds a credential', () => {
    const r = one(rule, context({ extraAvailability: read(), prompts: [prompt('p_x', null)], skills: [] }));
    assert.equal(r.status, 'UNKNOWN');
    const served = toRegistryRecord(
      { id: 'p_y', name: 'y', version: 4, definition: { content: `key: ${AWS}` } },
      null,
    );
    const f = one(rule, context({ extraAvailability: read(), prompts: [served], skills: [] }));
    assert.equal(f.status, 'FAIL');
    assert.match(f.detail, /version 4, definition\.content/);
  });

  it('UNKNOWN: versions not read (a partial read) — never a PASS on what was not scanned', () => {
    const r = one(
      rule,
      context({
        extraAvailability: read({
          prompts: {
            status: 'available',
            code: 'SERVER_ERROR',
            message: 'Prompt versions could not be read for 1 of them.',
          },
        }),
        prompts: [prompt('p_clean', ['You are helpful.']), prompt('p_unread', null)],
        skills: [],
      }),
    );
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /1 prompt or skill could not be scanned whole: prompt "unread"/);
    assert.match(r.detail, /no credential pattern in the 1 prompt or skill scanned whole/);
    assert.deepEqual(r.evidence?.partialReadCodes, ['SERVER_ERROR']);
  });

  it('UNKNOWN: a version returned without its text', () => {
    const rec = toRegistryRecord({ id: 'p_1', name: 'one' }, [
      { version: 1, definition: { content: 'hi' } },
      { version: 2 },
    ]);
    const r = one(rule, context({ extraAvailability: read(), prompts: [rec], skills: [] }));
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /came without its text/);
  });

  it('UNKNOWN: the registry not read (no beta access, a failed read, a snapshot from before)', () => {
    const beta = one(
      rule,
      context({
        extraAvailability: read({
          prompts: {
            status: 'unavailable',
            code: 'BETA_ACCESS_REQUIRED',
            message: 'Beta access is not enabled.',
            remediation: 'Ask Mistral.',
          },
          skills: {
            status: 'unavailable',
            code: 'BETA_ACCESS_REQUIRED',
            message: 'Beta access is not enabled.',
          },
        }),
        prompts: null,
        skills: null,
      }),
    );
    assert.equal(beta.status, 'UNKNOWN');
    assert.match(beta.detail, /^The prompts were not read \(unavailable: Beta access is not enabled\)/);
    const notRead = beta.evidence?.notRead as Array<Record<string, unknown>>;
    assert.deepEqual(notRead[0], {
      feature: 'prompts',
      availability: 'unavailable',
      code: 'BETA_ACCESS_REQUIRED',
      remediation: 'Ask Mistral.',
    });
    const failed = one(
      rule,
      context({
        extraAvailability: read({ skills: { status: 'error', message: 'HTTP 500.' } }),
        prompts: [],
        skills: null,
      }),
    );
    assert.equal(failed.status, 'UNKNOWN');
    assert.match(failed.detail, /the skills were not read \(error: HTTP 500\)/i);
    const old = one(rule, context({ extraAvailability: extraAvailability() }));
    assert.equal(old.status, 'UNKNOWN');
    assert.match(old.detail, /predates the prompts and skills registry/);
    // A record stored before the scan existed: not scanned, never clean.
    const legacy = { ...prompt('p_old', ['hi']) } as Partial<RegistryObjectRecord>;
    delete legacy.secretsScanned;
    delete legacy.secretFindings;
    const r = one(
      rule,
      context({ extraAvailability: read(), prompts: [legacy as RegistryObjectRecord], skills: [] }),
    );
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /predates the scan/);
  });

  it('no result when this build does not read the registry (NOT_SUPPORTED), as the admin rules without a key', () => {
    const notSupported: FeatureAvailability = {
      status: 'unavailable',
      code: 'NOT_SUPPORTED',
      message: 'This connector does not read it.',
      remediation: 'Upgrade TrustLens.',
    };
    assert.deepEqual(
      rule.evaluate(
        context({
          extraAvailability: read({ prompts: notSupported, skills: notSupported }),
          prompts: null,
          skills: null,
        }),
      ),
      [],
    );
  });

  it('evidence lists are capped, with counts', () => {
    const many = Array.from({ length: 60 }, (_, i) => prompt(`p_${i}`, [`token=${PASSWORD}${i}`]));
    const r = one(rule, context({ extraAvailability: read(), prompts: many, skills: [] }));
    assert.equal(r.status, 'FAIL');
    assert.equal((r.evidence?.failing as unknown[]).length, 50);
    assert.equal(r.evidence?.failingCount, 60);
    assert.match(r.detail, /^60 prompts or skills hold credentials in their text: .* and 55 more\./);
    assert.ok(!JSON.stringify(r).includes('Hunter22'));
  });
});
