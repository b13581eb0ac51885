/**
 * The integration's optional admin key (issue 11, ADR 0009): admins set, rotate or remove it here
 * (PUT / DELETE /api/v1/integrations/{id}/admin-key). Like the ordinary key, the key typed is held in
 * component state only, sent once in a request body and cleared after every attempt; the page shows
 * its hint and fingerprint, never the key.
 */
import { Alert, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type ApiError } from '../../api/client';
import { formatDateTime, formatRelative } from '../../lib/format';
import { ApiKeyInput } from './fields';
import { asApiError, errorText, type Integration } from './helpers';
import { useKeySubmit } from './key-submit';
import { integrationKey, integrationsKey } from './queries';

/** What an admin key adds, in one sentence (also on the Organization page). */
export const ADMIN_KEY_READS =
  'An admin key lets each sync also read the organization: its API keys (masked), members and invitations, workspaces, the audit log (who changed what), the real rate limit, and usage and cost per model.';

/** The error belongs under the key input when it is about the key itself. */
function isKeyError(e: ApiError): boolean {
  const field = (e.details as { field?: unknown } | null | undefined)?.field;
  return field === 'adminApiKey' || e.code === 'INVALID_API_KEY';
}

export function AdminKey({ integration }: { integration: Integration }) {
  const client = useQueryClient();
  const current = integration.adminKey;
  const [done, setDone] = useState<{ title: string; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function saved(view: Integration, title: string, text: string) {
    client.setQueryData(integrationKey(integration.id), view);
    setDone({ title, text });
    await client.invalidateQueries({ queryKey: integrationsKey });
    await client.invalidateQueries({ queryKey: ['organization', integration.id] });
  }

  const { apiKey, changeKey, error, formError, setFormError, busy, setBusy, submit } = useKeySubmit({
    send: (key) =>
      unwrap(
        api.PUT('/api/v1/integrations/{id}/admin-key', {
          params: { path: { id: integration.id } },
          body: { adminApiKey: key },
        }),
      ),
    saved: (view) =>
      saved(
        view,
        current ? 'Admin key rotated' : 'Admin key saved',
        `The next sync reads the organization with the key ending ${view.adminKey?.hint ?? ''}.`,
      ),
    keyError: (e) => (isKeyError(e) ? errorText(e) : null),
    reset: () => setDone(null),
  });

  async function remove() {
    if (busy) return;
    setBusy(true);
    setFormError(null);
    setDone(null);
    try {
      const view = await unwrap(
        api.DELETE('/api/v1/integrations/{id}/admin-key', { params: { path: { id: integration.id } } }),
      );
      setConfirming(false);
      await saved(
        view,
        'Admin key removed',
        'The next sync reads no organization data. Revoke the key in the Mistral Console if nothing else uses it.',
      );
    } catch (err) {
      setConfirming(false);
      setFormError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="admin-key-heading">
      <form onSubmit={submit} noValidate aria-labelledby="admin-key-heading">
        <Stack gap="sm">
          <Title order={2} size="h3" id="admin-key-heading">
            Admin key (optional)
          </Title>
          <Text size="sm">{ADMIN_KEY_READS} TrustLens only reads; the ordinary key is not affected.</Text>
          {current ? (
            <Text size="sm">
              Current admin key{' '}
              <Text span ff="monospace">
                {current.hint}
              </Text>{' '}
              (fingerprint{' '}
              <Text span ff="monospace">
                {current.fingerprint}
              </Text>
              ), set{' '}
              <span title={formatDateTime(current.updatedAt)}>{formatRelative(current.updatedAt)}</span>.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              No admin key is configured: the Organization page and the organization rules give no result.
            </Text>
          )}
          {done && (
            <Alert color="green" role="status" title={done.title}>
              {done.text}
            </Alert>
          )}
          {formError && (
            <Alert color="red" title={formError.message} role="alert">
              {formError.remediation}
            </Alert>
          )}
          <ApiKeyInput
            label={current ? 'New admin key' : 'Admin key'}
            description="A key of a member with the Admin role (admin.mistral.ai → Organization → API Keys). Checked with Mistral's Admin API before it is stored, encrypted."
            value={apiKey}
            onChange={changeKey}
            error={error}
            disabled={busy}
          />
          <Group justify="flex-end">
            {current && (
              <Button
                variant="default"
                color="red"
                onClick={() => setConfirming(true)}
                disabled={busy}
                type="button"
              >
                Remove admin key
              </Button>
            )}
            <Button type="submit" loading={busy && !confirming}>
              {current ? 'Rotate admin key' : 'Save admin key'}
            </Button>
          </Group>
        </Stack>
      </form>
      <Modal
        opened={confirming}
        onClose={() => !busy && setConfirming(false)}
        title="Remove the admin key?"
        centered
      >
        <Stack gap="sm">
          <Text size="sm">
            The next syncs stop reading the organization: API keys, members, the audit log, the rate limit and
            usage and cost. The organization rules then give no result. What was read before stays in the sync
            history.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </Button>
            <Button color="red" onClick={() => void remove()} loading={busy}>
              Remove admin key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
