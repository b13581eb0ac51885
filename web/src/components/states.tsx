/**
 * Loading, error and empty states, in the troubleshooting words. Every page shows one of these while
 * its data is not there, so nothing jumps when it arrives (skeletons keep the space).
 */
import { Alert, Button, Center, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ rows = 4, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label={label} role="status">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={28} radius="sm" />
      ))}
    </Stack>
  );
}

/** An API failure: what happened and what to do next (the server's remediation). */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const e =
    error instanceof ApiError
      ? error
      : new ApiError(0, 'ERROR', error instanceof Error ? error.message : String(error), null);
  return (
    <Alert color="red" title={e.message} role="alert" variant="light">
      {e.remediation && <Text size="sm">{e.remediation}</Text>}
      {onRetry && (
        <Button mt="sm" size="xs" variant="light" color="red" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs" maw={560}>
        <Title order={2} size="h4" ta="center">
          {title}
        </Title>
        {children && (
          <Text c="dimmed" ta="center" size="sm">
            {children}
          </Text>
        )}
        {action}
      </Stack>
    </Center>
  );
}

/**
 * Renders a TanStack Query result: loading → skeleton, error → ErrorState with retry, otherwise children.
 */
export function QueryState<T>({
  query,
  children,
  rows,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  children: (data: T) => ReactNode;
  rows?: number;
}) {
  if (query.isPending) return <Loading rows={rows} />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children(query.data as T)}</>;
}
