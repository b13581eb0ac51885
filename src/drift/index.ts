export { diffSnapshots, CHANGE_EVENT_TYPES } from './diff-snapshots.ts';
export { diffAgentConfig, describeAgentChanges, AGENT_DIFF_FIELDS } from './agent-diff.ts';
export type { AgentDiffField } from './agent-diff.ts';
export { summarizeInstructions, redactTool, canonicalJson, REDACTED } from './canonical.ts';
export type { InstructionsSummary } from './canonical.ts';
