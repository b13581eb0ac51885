/**
 * An integration's settings: read-only for viewers and analysts; admins edit the name, base URL and
 * interval (PATCH; a new base URL needs the key again, validated at the new address), rotate the key,
 * and delete the integration after typing its name. API keys are held in component state only, sent
 * once in a request body, and cleared after every attempt; no key is ever cached or put in a URL.
 */
import { Alert, Button, Group, Modal, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap, type ApiError } from '../../api/client';
import { formatDateTime, formatInterval, formatRelative } from '../../lib/format';
import { ApiKeyInput, BaseUrlFields, IntervalSelect } from './fields';
import { apiKeyProblem, nameProblem, placeError, type FieldErrors } from './form-state';
import {
  asApiError,
  baseUrlToSend,
  customUrlProblem,
  describeBaseUrl,
  regionOf,
  resolvedBaseUrl,
  type Integration,
  type RegionChoice,
} from './helpers';
import { useKeySubmit } from './key-submit';
import { integrationKey, integrationsKey, invalidateWorkspaceData } from './queries';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="md" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={140} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" className="tl-wrap" component="div">
        {children}
      </Text>
    </Group>
  );
}

/** What viewers and analysts see: the settings, no controls. */
export function SettingsSummary({ integration }: { integration: Integration }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="settings-heading">
      <Stack gap="xs">
        <Title order={2} size="h3" id="settings-heading">
          Settings
        </Title>
        <Row label="Name">{integration.name}</Row>
        <Row label="Base URL">{integration.baseUrl}</Row>
        <Row label="Sync interval">every {formatInterval(integration.syncIntervalMinutes)}</Row>
        <Row label="API key">
          <span>{integration.keyHint}</span> (fingerprint {integration.keyFingerprint}, set{' '}
          {formatDateTime(integration.keyUpdatedAt)})
        </Row>
        <Row label="Admin key">
          {integration.adminKey ? (
            <>
              <span>{integration.adminKey.hint}</span> (fingerprint {integration.adminKey.fingerprint}, set{' '}
              {formatDateTime(integration.adminKey.updatedAt)})
            </>
          ) : (
            'none (optional: it lets syncs read the organization)'
          )}
        </Row>
        <Row label="Added">{formatDateTime(integration.createdAt)}</Row>
        <Text size="xs" c="dimmed">
          Only admins can change the settings, rotate the keys or delete the integration.
        </Text>
      </Stack>
    </Paper>
  );
}

export function SettingsForm({ integration }: { integration: Integration }) {
  const client = useQueryClient();
  const initial = regionOf(integration.baseUrl);
  const [name, setName] = useState(integration.name);
  const [region, setRegion] = useState<RegionChoice>(initial.region);
  const [customUrl, setCustomUrl] = useState(initial.customUrl);
  const [interval, setSyncInterval] = useState(integration.syncIntervalMinutes);
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const nameChanged = name.trim() !== integration.name;
  const target = resolvedBaseUrl(region, customUrl);
  const baseChanged = target !== integration.baseUrl;
  const intervalChanged = interval !== integration.syncIntervalMinutes;
  const changed = nameChanged || baseChanged || intervalChanged;

  function edited() {
    setSaved(false);
    setFormError(null);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !changed) return;
    const problems: FieldErrors = {};
    if (nameChanged) {
      const n = nameProblem(name);
      if (n) problems.name = n;
    }
    if (baseChanged) {
      const u = region === 'custom' ? customUrlProblem(customUrl) : null;
      if (u) problems.customUrl = u;
      const k = apiKeyProblem(apiKey);
      if (k) problems.apiKey = k;
    }
    setErrors(problems);
    setFormError(null);
    setSaved(false);
    if (Object.keys(problems).length) return;
    setBusy(true);
    const key = apiKey;
    setApiKey('');
    try {
      const view = await unwrap(
        api.PATCH('/api/v1/integrations/{id}', {
          params: { path: { id: integration.id } },
          body: {
            ...(nameChanged ? { name: name.trim() } : {}),
            ...(baseChanged ? { baseUrl: baseUrlToSend(region, customUrl), apiKey: key } : {}),
            ...(intervalChanged ? { syncIntervalMinutes: interval } : {}),
          },
        }),
      );
      client.setQueryData(integrationKey(integration.id), view);
      const next = regionOf(view.baseUrl);
      setName(view.name);
      setRegion(next.region);
      setCustomUrl(next.customUrl);
      setSyncInterval(view.syncIntervalMinutes);
      setSaved(true);
      if (baseChanged) await invalidateWorkspaceData(client);
      else await client.invalidateQueries({ queryKey: integrationsKey });
    } catch (err) {
      const placed = placeError(asApiError(err), region);
      setErrors(placed.fields);
      setFormError(placed.form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="settings-heading">
      <form onSubmit={submit} noValidate aria-labelledby="settings-heading">
        <Stack gap="sm">
          <Title order={2} size="h3" id="settings-heading">
            Settings
          </Title>
          {formError && (
            <Alert color="red" title={formError.message} role="alert">
              {formError.remediation}
            </Alert>
          )}
          {saved && (
            <Alert color="green" role="status" title="Settings saved">
              {describeBaseUrl(integration.baseUrl)}, synced every{' '}
              {formatInterval(integration.syncIntervalMinutes)}.
            </Alert>
          )}
          <TextInput
            label="Name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setErrors({ ...errors, name: undefined });
              edited();
            }}
            error={errors.name}
            disabled={busy}
            autoComplete="off"
            classNames={{ error: 'tl-wrap' }}
          />
          <BaseUrlFields
            region={region}
            customUrl={customUrl}
            onRegion={(r) => {
              setRegion(r);
              setErrors({ ...errors, baseUrl: undefined, customUrl: undefined });
              edited();
            }}
            onCustomUrl={(v) => {
              setCustomUrl(v);
              setErrors({ ...errors, customUrl: undefined });
              edited();
            }}
            error={errors.baseUrl}
            customError={errors.customUrl}
            disabled={busy}
          />
          {baseChanged && (
            <ApiKeyInput
              value={apiKey}
              onChange={(v) => {
                setApiKey(v);
                setErrors({ ...errors, apiKey: undefined });
              }}
              description="Changing the base URL needs the API key again: the stored key is never sent to a new address. It is checked there before anything changes."
              error={errors.apiKey}
              disabled={busy}
            />
          )}
          <IntervalSelect
            value={interval}
            current={integration.syncIntervalMinutes}
            onChange={(m) => {
              setSyncInterval(m);
              edited();
            }}
            error={errors.syncIntervalMinutes}
            disabled={busy}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={busy} disabled={!changed}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export function RotateKey({ integration }: { integration: Integration }) {
  const client = useQueryClient();
  const [rotatedTo, setRotatedTo] = useState<string | null>(null);
  const { apiKey, changeKey, error, formError, busy, submit } = useKeySubmit({
    send: (key) =>
      unwrap(
        api.POST('/api/v1/integrations/{id}/rotate-key', {
          params: { path: { id: integration.id } },
          body: { apiKey: key },
        }),
      ),
    saved: async (view) => {
      client.setQueryData(integrationKey(integration.id), view);
      setRotatedTo(view.keyHint);
      await client.invalidateQueries({ queryKey: integrationsKey });
    },
    keyError: (e) => placeError(e, 'global').fields.apiKey,
    reset: () => setRotatedTo(null),
  });

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="key-heading">
      <form onSubmit={submit} noValidate aria-labelledby="key-heading">
        <Stack gap="sm">
          <Title order={2} size="h3" id="key-heading">
            Key rotation
          </Title>
          <Text size="sm">
            Current key{' '}
            <Text span ff="monospace">
              {integration.keyHint}
            </Text>{' '}
            (fingerprint{' '}
            <Text span ff="monospace">
              {integration.keyFingerprint}
            </Text>
            ), set{' '}
            <span title={formatDateTime(integration.keyUpdatedAt)}>
              {formatRelative(integration.keyUpdatedAt)}
            </span>
            . Rotate it regularly, and at once if it may be compromised (revoke the old one in the Mistral
            Console).
          </Text>
          {rotatedTo && (
            <Alert color="green" role="status" title="Key rotated">
              The integration now uses the key ending{' '}
              <Text span ff="monospace">
                {rotatedTo}
              </Text>
              . Revoke the old key in the Mistral Console once nothing else uses it.
            </Alert>
          )}
          {formError && (
            <Alert color="red" title={formError.message} role="alert">
              {formError.remediation}
            </Alert>
          )}
          <ApiKeyInput
            label="New API key"
            description="Checked with Mistral before it replaces the current key."
            value={apiKey}
            onChange={changeKey}
            error={error}
            disabled={busy}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              Rotate key
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export function DeleteIntegration({ integration }: { integration: Integration }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const matches = typed === integration.name;

  function close() {
    if (busy) return;
    setOpened(false);
    setTyped('');
    setError(null);
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.DELETE('/api/v1/integrations/{id}', { params: { path: { id: integration.id } } }));
      navigate('/integrations', { replace: true });
      client.removeQueries({ queryKey: integrationKey(integration.id) });
      void invalidateWorkspaceData(client);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="delete-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="delete-heading">
          Delete integration
        </Title>
        <Text size="sm">
          Deleting removes the stored key, this workspace’s inventory, findings and sync history from
          TrustLens. Nothing is changed in Mistral.
        </Text>
        <Group>
          <Button color="red" variant="outline" onClick={() => setOpened(true)}>
            Delete integration
          </Button>
        </Group>
      </Stack>
      <Modal
        opened={opened}
        onClose={close}
        title="Delete this integration?"
        centered
        closeButtonProps={{ 'aria-label': 'Close' }}
        // Locking the page's scroll injects a <style> tag without the CSP nonce (refused, logged).
      >
        <form onSubmit={confirm} noValidate>
          <Stack gap="sm">
            <Text size="sm">
              This permanently deletes{' '}
              <Text span fw={700} className="tl-wrap">
                {integration.name}
              </Text>{' '}
              with its key, inventory, findings and sync history. It cannot be undone.
            </Text>
            {error && (
              <Alert color="red" title={error.message} role="alert">
                {error.remediation}
              </Alert>
            )}
            <TextInput
              label="Type the integration name to confirm"
              description={`Type “${integration.name}” exactly.`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
              classNames={{ description: 'tl-wrap' }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" color="red" disabled={!matches} loading={busy}>
                Delete permanently
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Paper>
  );
}
