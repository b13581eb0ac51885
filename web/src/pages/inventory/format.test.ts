import { describe, expect, it } from 'vitest';
import {
  changeValueText,
  EVENT_TYPES,
  eventTypeColor,
  eventTypeLabel,
  formatBytes,
  matchesSearch,
  shareText,
} from './format';

describe('formatBytes', () => {
  it('uses decimal units and says unknown for what is not a size', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(1_450_000)).toBe('1.4 MB');
    expect(formatBytes(250_000_000)).toBe('250 MB');
    expect(formatBytes(3e18)).toBe('3000 PB');
    expect(formatBytes(null)).toBe('unknown');
    expect(formatBytes(undefined)).toBe('unknown');
    expect(formatBytes(-1)).toBe('unknown');
  });
});

describe('matchesSearch', () => {
  it('needs every word somewhere, ignoring case and nulls', () => {
    expect(matchesSearch('', ['a'])).toBe(true);
    expect(matchesSearch('  ', [])).toBe(true);
    expect(matchesSearch('Large 2411', ['mistral-large-2411', null])).toBe(true);
    expect(matchesSearch('large vision', ['mistral-large-2411', 'completion_chat'])).toBe(false);
    expect(matchesSearch('vision', [null, undefined, 'Vision'])).toBe(true);
  });
});

describe('changeValueText', () => {
  it('shows strings as they are and other JSON indented', () => {
    expect(changeValueText('mistral-large-latest')).toBe('mistral-large-latest');
    expect(changeValueText('')).toBe('(empty)');
    expect(changeValueText(null)).toBe('(none)');
    expect(changeValueText(undefined)).toBe('(none)');
    expect(changeValueText(0)).toBe('0');
    expect(changeValueText(false)).toBe('false');
    expect(changeValueText([{ type: 'web_search' }])).toBe('[\n  {\n    "type": "web_search"\n  }\n]');
  });
});

describe('eventTypeLabel', () => {
  it('names known types and shows unknown ones as they are', () => {
    expect(eventTypeLabel('guardrails_removed')).toBe('Guardrails removed');
    expect(eventTypeLabel('something_new')).toBe('something_new');
    expect(eventTypeLabel('sso_disabled')).toBe('SSO disabled');
    expect(eventTypeLabel('api_key_created')).toBe('API key created');
    expect(eventTypeColor('sso_disabled')).toBe('red');
    expect(eventTypeColor('api_key_deleted')).toBe('orange');
    expect(eventTypeColor('agent_changed')).toBe('blue');
  });

  it('names and colours the security events added later, and lists them in the type filter', () => {
    expect(eventTypeLabel('role_changed')).toBe('Role changed');
    expect(eventTypeLabel('domain_authentication_disabled')).toBe('Domain authentication disabled');
    expect(eventTypeLabel('resource_shared')).toBe('Resource shared');
    expect(eventTypeLabel('location_sharing_enabled')).toBe('Location sharing enabled');
    expect(eventTypeColor('domain_authentication_disabled')).toBe('red');
    expect(eventTypeColor('location_sharing_enabled')).toBe('red');
    expect(eventTypeColor('role_changed')).toBe('orange');
    expect(eventTypeColor('resource_shared')).toBe('orange');
    for (const t of EVENT_TYPES) expect(eventTypeLabel(t)).not.toBe(t);
  });
});

describe('shareText', () => {
  it('says who a library is shared with and the role', () => {
    expect(shareText({ sharedWithType: 'Org', sharedWithId: 'org-1', role: 'Viewer' })).toBe(
      'Organization: Viewer',
    );
    expect(shareText({ sharedWithType: 'Workspace', sharedWithId: 'ws-1', role: 'Editor' })).toBe(
      'Workspace ws-1: Editor',
    );
    expect(shareText({ sharedWithType: 'User', sharedWithId: null, role: 'Owner' })).toBe('User: Owner');
  });
});
