import { describe, expect, it } from 'vitest';
import { batchJob, registryObject } from './fixtures';
import {
  aliasesText,
  findingText,
  jobAgent,
  jobCountsText,
  registryTab,
  scanState,
  versionsText,
} from './registry';

describe('prompts & skills model', () => {
  it('reads versions as unknown (never 0) when they were not read, and aliases with their version', () => {
    expect(versionsText(registryObject({ versionCount: null }))).toBe('unknown');
    expect(versionsText(registryObject({ versionCount: 0 }))).toBe('0');
    expect(aliasesText(registryObject({ aliases: [] }))).toBe('none');
    expect(
      aliasesText(
        registryObject({
          aliases: [
            { alias: 'production', version: 3 },
            { alias: 'staging', version: 4 },
          ],
        }),
      ),
    ).toBe('production → v3, staging → v4');
  });

  it('marks a credential with where it sits, an incomplete scan as such, a clean scan as none found', () => {
    const finding = { version: 2, field: 'definition.content', kind: 'openai_style_key', line: 3, column: 7 };
    expect(findingText(finding)).toBe('v2 definition.content line 3, col 7 (openai style key)');
    expect(findingText({ ...finding, version: null, field: 'name' })).toBe(
      'name line 3, col 7 (openai style key)',
    );
    const found = scanState(registryObject({ secretFindings: [finding, { ...finding, line: 9 }] }));
    expect(found.label).toBe('credential found (2)');
    expect(found.color).toBe('red');
    expect(scanState(registryObject({ secretsScanned: false })).label).toBe('not wholly scanned');
    expect(scanState(registryObject()).label).toBe('none found');
  });

  it("names a batch job's agent, a deleted agent, an unknown one, or none", () => {
    expect(jobAgent(batchJob({ agentId: null, agentExists: null }))).toEqual({ kind: 'none' });
    expect(jobAgent(batchJob({ agentId: 'ag1', agentExists: true, agentName: 'Support' }))).toEqual({
      kind: 'agent',
      id: 'ag1',
      name: 'Support',
    });
    expect(jobAgent(batchJob({ agentId: 'gone', agentExists: false }))).toEqual({
      kind: 'deleted',
      id: 'gone',
    });
    expect(jobAgent(batchJob({ agentId: 'ag1', agentExists: null }))).toEqual({ kind: 'unknown', id: 'ag1' });
    expect(jobCountsText(batchJob())).toBe('10 total · 9 succeeded · 1 failed');
  });

  it('keeps the tab in the address, the first by default', () => {
    expect(registryTab(null)).toBe('prompts');
    expect(registryTab('batch-jobs')).toBe('batch-jobs');
    expect(registryTab('nonsense')).toBe('prompts');
  });
});
