/**
 * The small status marks used on every page: severity, guardrail state, model lifecycle, sync status,
 * finding status. One place, so the same state always looks and reads the same.
 */
import { Badge, type BadgeProps } from '@mantine/core';
import type { Schemas } from '../api/client';

export type Severity = Schemas['Finding']['severity'];
export type GuardrailState = Schemas['AgentSummary']['guardrailState'];
export type Lifecycle = Schemas['Model']['lifecycle'];
export type SyncStatus = Schemas['SyncRun']['status'];

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: 'red.9',
  high: 'red',
  medium: 'orange',
  low: 'yellow',
  info: 'gray',
};

export function SeverityBadge({ severity, ...rest }: { severity: Severity } & BadgeProps) {
  return (
    <Badge color={SEVERITY_COLOR[severity]} variant={severity === 'critical' ? 'filled' : 'light'} {...rest}>
      {severity}
    </Badge>
  );
}

export const GUARDRAIL_LABEL: Record<GuardrailState, string> = {
  none: 'no guardrails',
  non_blocking: 'not blocking',
  blocking: 'blocking',
  unknown: 'unknown',
};

/** Guardrail state: red when none, orange when they only log, green when they block, grey when unknown. */
export function GuardrailBadge({ state, ...rest }: { state: GuardrailState } & BadgeProps) {
  const color = { none: 'red', non_blocking: 'orange', blocking: 'green', unknown: 'gray' }[state];
  return (
    <Badge color={color} variant="light" {...rest}>
      {GUARDRAIL_LABEL[state]}
    </Badge>
  );
}

export function LifecycleBadge({
  lifecycle,
  ...rest
}: { lifecycle: Lifecycle | null | undefined } & BadgeProps) {
  if (!lifecycle) return null;
  const color = { stable: 'teal', deprecated: 'orange', legacy: 'red' }[lifecycle];
  return (
    <Badge color={color} variant="outline" {...rest}>
      {lifecycle}
    </Badge>
  );
}

export function SyncStatusBadge({ status, ...rest }: { status: SyncStatus } & BadgeProps) {
  const color: Record<string, string> = {
    succeeded: 'green',
    partial: 'orange',
    failed: 'red',
    queued: 'cyan',
    running: 'blue',
    interrupted: 'gray',
  };
  return (
    <Badge color={color[status] ?? 'gray'} variant="light" {...rest}>
      {status}
    </Badge>
  );
}

export function FindingStatusBadge({ status, muted }: { status: 'open' | 'resolved'; muted?: boolean }) {
  if (muted)
    return (
      <Badge color="gray" variant="outline">
        muted
      </Badge>
    );
  return (
    <Badge color={status === 'open' ? 'red' : 'green'} variant="outline">
      {status}
    </Badge>
  );
}
