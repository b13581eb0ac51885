/**
 * Add an integration (admins): name, API key, region or custom base URL, sync interval. The server
 * validates the key against Mistral before storing anything; its refusal is shown next to the field it
 * is about, in the troubleshooting words. The key lives only in this component's state, is sent once in
 * the request body, and is cleared after every attempt.
 */
import { Alert, Anchor, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap, type ApiError } from '../api/client';
import { useCan } from '../api/session';
import { Page } from '../components/page';
import { EmptyState } from '../components/states';
import { ApiKeyInput, BaseUrlFields, IntervalSelect } from './integration/fields';
import { checkCreate, placeError, type FieldErrors } from './integration/form-state';
import {
  asApiError,
  baseUrlToSend,
  DEFAULT_INTERVAL,
  DEFAULT_REGION,
  type RegionChoice,
} from './integration/helpers';
import { integrationKey, integrationsKey } from './integration/queries';

export function IntegrationNewPage() {
  const isAdmin = useCan('admin');
  if (!isAdmin) {
    return (
      <Page title="Add integration">
        <EmptyState
          title="Only admins can add integrations"
          action={
            <Anchor component={Link} to="/integrations">
              Back to integrations
            </Anchor>
          }
        >
          Ask an admin of your organization to add the Mistral workspace.
        </EmptyState>
      </Page>
    );
  }
  return <CreateForm />;
}

function CreateForm() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [region, setRegion] = useState<RegionChoice>(DEFAULT_REGION);
  const [customUrl, setCustomUrl] = useState('');
  const [syncInterval, setSyncInterval] = useState(DEFAULT_INTERVAL);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [keyCleared, setKeyCleared] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const problems = checkCreate({ name, apiKey, region, customUrl });
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    // The key leaves state now, whatever the answer: it is never kept once sent.
    const key = apiKey;
    setApiKey('');
    try {
      const created = await unwrap(
        api.POST('/api/v1/integrations', {
          body: {
            name: name.trim(),
            apiKey: key,
            baseUrl: baseUrlToSend(region, customUrl),
            syncIntervalMinutes: syncInterval,
          },
        }),
      );
      client.setQueryData(integrationKey(created.id), created);
      await client.invalidateQueries({ queryKey: integrationsKey });
      navigate(`/integrations/${encodeURIComponent(created.id)}`, { state: { created: true } });
    } catch (err) {
      const placed = placeError(asApiError(err), region);
      setErrors(placed.fields);
      setFormError(placed.form);
      setKeyCleared(!placed.fields.apiKey);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page
      title="Add integration"
      description="Connect a Mistral workspace. TrustLens checks the key with Mistral before storing it, encrypted; it only ever reads."
    >
      <Paper withBorder p="lg" maw={640}>
        <form onSubmit={submit} noValidate aria-label="Add integration">
          <Stack>
            {formError && (
              <Alert color="red" title={formError.message} role="alert">
                {formError.remediation}
              </Alert>
            )}
            <TextInput
              label="Name"
              description="How this workspace is called in TrustLens."
              placeholder="production workspace"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name}
              disabled={busy}
              autoComplete="off"
              classNames={{ error: 'tl-wrap' }}
            />
            <ApiKeyInput
              value={apiKey}
              onChange={(v) => {
                setApiKey(v);
                setKeyCleared(false);
                if (errors.apiKey) setErrors({ ...errors, apiKey: undefined });
              }}
              description={
                keyCleared
                  ? 'Enter the key again: it is cleared after every attempt.'
                  : 'Create one at admin.mistral.ai → Organization → API Keys. It is stored encrypted and never shown again.'
              }
              error={errors.apiKey}
              disabled={busy}
            />
            <BaseUrlFields
              region={region}
              customUrl={customUrl}
              onRegion={(r) => {
                setRegion(r);
                setErrors({ ...errors, baseUrl: undefined, customUrl: undefined });
              }}
              onCustomUrl={(v) => {
                setCustomUrl(v);
                if (errors.customUrl) setErrors({ ...errors, customUrl: undefined });
              }}
              error={errors.baseUrl}
              customError={errors.customUrl}
              disabled={busy}
            />
            <IntervalSelect
              value={syncInterval}
              onChange={setSyncInterval}
              error={errors.syncIntervalMinutes}
              disabled={busy}
            />
            <Text size="sm" c="dimmed">
              Agents, libraries, usage and version history need Mistral beta API access; without it, models
              and files are still discovered.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/integrations">
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Add integration
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}
