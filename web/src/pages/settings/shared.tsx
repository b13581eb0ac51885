/**
 * Pieces shared by the settings pages: the "only admins" state, a confirmation dialog that shows the
 * server's refusal (message and remediation) in place, and a role badge.
 */
import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ApiError, type Role } from '../../api/client';

/** Props for every dialog here: a named close button. */
export const MODAL_PROPS = { closeButtonProps: { 'aria-label': 'Close' } } as const;

/** What a viewer or analyst sees on an admin page (also when the API answers 403). */
export function AdminOnly({ what }: { what: string }) {
  return (
    <Alert color="gray" variant="light" title="Only admins can see this page" role="status">
      <Text size="sm">{what} Ask an admin of your organization if you need a change here.</Text>
    </Alert>
  );
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

/** An API failure shown inside a dialog or form: the server's message and what to do. */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  const e =
    error instanceof ApiError
      ? error
      : new ApiError(0, 'ERROR', error instanceof Error ? error.message : String(error), null);
  return (
    <Alert color="red" variant="light" title={e.message} role="alert">
      {e.remediation && <Text size="sm">{e.remediation}</Text>}
    </Alert>
  );
}

export function RoleBadge({ role }: { role: Role }) {
  const color = { admin: 'grape', analyst: 'blue', viewer: 'gray' }[role];
  return (
    <Badge variant="light" color={color}>
      {role}
    </Badge>
  );
}

/**
 * A confirmation dialog. `onConfirm` may throw an ApiError: the dialog stays open and shows it (for
 * example "This would leave the organization without an active admin.").
 */
export function ConfirmDialog({
  opened,
  title,
  children,
  confirmLabel,
  danger = true,
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered {...MODAL_PROPS}>
      <Stack>
        <div className="tl-wrap">{children}</div>
        <InlineError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button
            color={danger ? 'red' : undefined}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onConfirm();
                setBusy(false);
                onClose();
              } catch (e) {
                setBusy(false);
                setError(e);
              }
            }}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
