/**
 * Per-record validation of prompts, skills (and their versions) and batch jobs with the SDK's own
 * inbound schemas, as record-validation.ts does for the other resources: a record the SDK rejects
 * is kept raw and flagged with a data-quality warning.
 */
import {
  BatchJob$inboundSchema,
  Prompt$inboundSchema,
  PromptVersion$inboundSchema,
  Skill$inboundSchema,
  SkillVersion$inboundSchema,
} from '@mistralai/mistralai/models/components';
import { issueText, type RecordKind, type RecordSchema, type WarningResource } from './record-validation.ts';

function kind(resourceType: WarningResource, schema: RecordSchema, idField: 'id' | 'version'): RecordKind {
  return {
    resourceType,
    idOf: (r) => {
      const v = r && typeof r === 'object' ? (r as Record<string, unknown>)[idField] : undefined;
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    },
    validate: (r) => {
      const p = schema.safeParse(r);
      return p.success ? { ok: true, parsed: p.data } : { ok: false, issue: issueText(p.error.issues) };
    },
    degraded: () => [],
  };
}

export const PROMPT = kind('prompt', Prompt$inboundSchema as RecordSchema, 'id');
export const PROMPT_VERSION = kind('prompt', PromptVersion$inboundSchema as RecordSchema, 'version');
export const SKILL = kind('skill', Skill$inboundSchema as RecordSchema, 'id');
export const SKILL_VERSION = kind('skill', SkillVersion$inboundSchema as RecordSchema, 'version');
export const BATCH_JOB = kind('batchJob', BatchJob$inboundSchema as RecordSchema, 'id');
