import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  actorText,
  detailLines,
  expiresInDays,
  filterAudit,
  generatePassword,
  passwordProblem,
  readAuditFilters,
  rolesUpTo,
  sortTokens,
  targetText,
  tokenStatus,
  writeAuditFilters,
  type ApiToken,
  type AuditEntry,
} from './logic';

const now = new Date('2026-06-01T12:00:00Z');

function token(p: Partial<ApiToken>): ApiToken {
  return {
    id: 't',
    organizationId: 'o',
    name: 'n',
    prefix: 'abcd1234',
    role: 'viewer',
    createdBy: null,
    createdAt: '2026-05-01T00:00:00Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...p,
  };
}

function entry(p: Partial<AuditEntry>): AuditEntry {
  return {
    id: '1',
    organizationId: 'o',
    at: '2026-06-01T10:00:00Z',
    actorType: 'user',
    actorId: 'u1',
    actorLabel: 'alice@example.com',
    action: 'auth.login',
    targetType: null,
    targetId: null,
    ip: '10.0.0.1',
    outcome: 'success',
    details: {},
    ...p,
  };
}

describe('roles', () => {
  it('a token role is capped at the creator role', () => {
    expect(rolesUpTo('viewer')).toEqual(['viewer']);
    expect(rolesUpTo('analyst')).toEqual(['viewer', 'analyst']);
    expect(rolesUpTo('admin')).toEqual(['viewer', 'analyst', 'admin']);
  });
});

describe('passwords', () => {
  it('checks length and confirmation like the server', () => {
    expect(passwordProblem('short', 'short')).toMatch(/At least 12/);
    expect(passwordProblem('x'.repeat(257), 'x'.repeat(257))).toMatch(/At most 256/);
    expect(passwordProblem('correct horse battery', 'correct horse batter')).toBe(
      'The two passwords differ.',
    );
    expect(passwordProblem('correct horse battery', 'correct horse battery')).toBeNull();
  });
  it('generates passwords that pass the check and differ', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toHaveLength(20);
    expect(passwordProblem(a, a)).toBeNull();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-HJ-NP-Za-km-z2-9]+$/);
  });
});

describe('tokens', () => {
  it('status: revoked wins, then expired, else active', () => {
    expect(tokenStatus(token({}), now)).toBe('active');
    expect(tokenStatus(token({ expiresAt: '2026-06-01T11:59:59Z' }), now)).toBe('expired');
    expect(tokenStatus(token({ expiresAt: '2026-07-01T00:00:00Z' }), now)).toBe('active');
    expect(
      tokenStatus(token({ expiresAt: '2026-05-01T00:00:00Z', revokedAt: '2026-04-01T00:00:00Z' }), now),
    ).toBe('revoked');
  });
  it('sorts active tokens first, newest first within a status', () => {
    const sorted = sortTokens(
      [
        token({ id: 'revoked', revokedAt: '2026-05-02T00:00:00Z', createdAt: '2026-05-30T00:00:00Z' }),
        token({ id: 'old', createdAt: '2026-01-01T00:00:00Z' }),
        token({ id: 'expired', expiresAt: '2026-05-02T00:00:00Z' }),
        token({ id: 'new', createdAt: '2026-05-20T00:00:00Z' }),
      ],
      now,
    );
    expect(sorted.map((t) => t.id)).toEqual(['new', 'old', 'expired', 'revoked']);
  });
  it('expiry choices map to expiresInDays', () => {
    expect(expiresInDays('never')).toBeUndefined();
    expect(expiresInDays('30')).toBe(30);
    expect(expiresInDays('0')).toBeUndefined();
    expect(expiresInDays('abc')).toBeUndefined();
  });
});

describe('audit entries', () => {
  it('names the actor and the target as text', () => {
    expect(actorText(entry({}))).toBe('alice@example.com (user)');
    expect(actorText(entry({ actorType: 'token', actorLabel: null, actorId: 'tok1' }))).toBe(
      'tok1 (API token)',
    );
    expect(actorText(entry({ actorType: 'system', actorLabel: null, actorId: null }))).toBe('system');
    expect(targetText(entry({}))).toBeNull();
    expect(targetText(entry({ targetType: 'api_token', targetId: 'x1' }))).toBe('api token x1');
  });
  it('details become key: value lines, nested values as JSON, hostile text untouched', () => {
    expect(
      detailLines({
        role: { from: 'viewer', to: 'admin' },
        disabled: true,
        name: '<script>alert(1)</script>',
      }),
    ).toEqual(['role: {"from":"viewer","to":"admin"}', 'disabled: true', 'name: <script>alert(1)</script>']);
    expect(detailLines(null)).toEqual([]);
  });
  it('filters by action, outcome and text, and round-trips through the URL', () => {
    const entries = [
      entry({ id: '1', action: 'auth.login', outcome: 'failure', ip: '203.0.113.9' }),
      entry({ id: '2', action: 'user.update', details: { role: { from: 'viewer', to: 'admin' } } }),
      entry({ id: '3', action: 'auth.login' }),
    ];
    const f = readAuditFilters(new URLSearchParams('action=auth.login&outcome=failure'));
    expect(filterAudit(entries, f).map((e) => e.id)).toEqual(['1']);
    expect(filterAudit(entries, { action: null, outcome: null, q: 'ADMIN' }).map((e) => e.id)).toEqual(['2']);
    expect(filterAudit(entries, { action: null, outcome: null, q: '203.0.113' }).map((e) => e.id)).toEqual([
      '1',
    ]);
    expect(writeAuditFilters(f).toString()).toBe('action=auth.login&outcome=failure');
    expect(readAuditFilters(new URLSearchParams('outcome=bogus')).outcome).toBeNull();
    expect(actionsOf(entries, 'token.create')).toEqual(['auth.login', 'token.create', 'user.update']);
  });
});
