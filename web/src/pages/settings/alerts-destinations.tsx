/**
 * Alert destinations: the table, "Add destination", and the row actions of admins (send a test alert,
 * enable/disable, rotate the signing secret, delete after typing the name). A signing secret is in the
 * creation and rotation answers only: it is shown once in a dialog, held in that dialog's state alone
 * (never in the query cache: plain awaited calls, not useMutation), and forgotten when it closes. The
 * URL is typed in a password-type input and never shown back (the API returns a hint only).
 */
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Menu,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { EmptyState } from '../../components/states';
import { formatDateTime } from '../../lib/format';
import { fieldErrorOf, testOutcome, type AlertDelivery, type AlertDestination } from './alerts-logic';
import { ConfirmDialog, InlineError, MODAL_PROPS } from './shared';

export const DESTINATIONS_KEY = ['alerts', 'destinations'] as const;
const DELIVERIES_KEY = ['alerts', 'deliveries'] as const;

export const SIGNATURE_HELP =
  "Receivers verify each request with its header TrustLens-Signature: t=…,v1=HMAC-SHA256(secret, t + '.' + body) in hex, where t is the Unix time in seconds and body the raw request body; compare in constant time and refuse a t more than 5 minutes away (docs/alerts.md shows how).";

export interface ShownSecret {
  name: string;
  secret: string;
  rotated: boolean;
}

/** The one time a signing secret is shown. Closing it forgets the value. */
export function SecretDialog({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <Modal
      opened={!!shown}
      onClose={onClose}
      title={shown?.rotated ? 'The new signing secret' : 'Signing secret of the new destination'}
      centered
      closeOnClickOutside={false}
      size="lg"
      {...MODAL_PROPS}
    >
      {shown && (
        <Stack>
          <Alert color="orange" variant="light" title="Copy it now: it will not be shown again" role="alert">
            <Text size="sm">
              TrustLens keeps it encrypted and never shows it again. Store it in your receiver’s secret
              manager; if it is lost, rotate it.
            </Text>
          </Alert>
          <Text size="sm" className="tl-wrap">
            Destination <strong>{shown.name}</strong>:
          </Text>
          <Code block aria-label="Signing secret" className="tl-wrap" style={{ whiteSpace: 'pre-wrap' }}>
            {shown.secret}
          </Code>
          <Text size="sm">{SIGNATURE_HELP}</Text>
          <Group justify="space-between">
            <CopyButton value={shown.secret}>
              {({ copied, copy }) => (
                <Button onClick={copy} color={copied ? 'green' : undefined}>
                  {copied ? 'Copied' : 'Copy secret'}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

const FIELDS = ['name', 'kind', 'url'] as const;

export function AddDestinationDialog({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (shown: ShownSecret) => void;
}) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'webhook' | 'slack'>('webhook');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reset = () => {
    setName('');
    setKind('webhook');
    setUrl('');
    setError(null);
  };
  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };
  const problem = fieldErrorOf(error, FIELDS);
  const fieldError = (f: (typeof FIELDS)[number]) => (problem?.field === f ? problem.message : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await unwrap(
        api.POST('/api/v1/alerts/destinations', { body: { name: name.trim(), kind, url: url.trim() } }),
      );
      setBusy(false);
      reset();
      onCreated({ name: result.destination.name, secret: result.signingSecret, rotated: false });
      void client.invalidateQueries({ queryKey: DESTINATIONS_KEY });
    } catch (err) {
      setBusy(false);
      // The URL is never kept after a refusal either: it is typed again.
      setError(err);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Add a destination" centered {...MODAL_PROPS}>
      <form onSubmit={submit} noValidate aria-label="Add a destination">
        <Stack>
          {problem && problem.field === null && <InlineError error={error} />}
          <TextInput
            label="Name"
            description="Who receives it, e.g. “SOC webhook” or “#security-alerts”."
            aria-required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError('name')}
          />
          <Select
            label="Kind"
            data={[
              { value: 'webhook', label: 'Webhook — a signed JSON POST' },
              { value: 'slack', label: 'Slack — an incoming-webhook message' },
            ]}
            value={kind}
            onChange={(v) => v && setKind(v as 'webhook' | 'slack')}
            allowDeselect={false}
            error={fieldError('kind')}
          />
          <PasswordInput
            label="URL"
            description="The https:// address of the receiver (plain http only to localhost and private addresses). It is stored encrypted and never shown again."
            aria-required
            autoComplete="off"
            maxLength={2000}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={fieldError('url')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add destination
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The result of "Send test alert": delivered with the HTTP status, or the error and the next attempt. */
export function TestResultDialog({
  result,
  onClose,
}: {
  result: { name: string; delivery: AlertDelivery } | null;
  onClose: () => void;
}) {
  const outcome = result ? testOutcome(result.delivery) : null;
  return (
    <Modal opened={!!result} onClose={onClose} title="Test alert" centered {...MODAL_PROPS}>
      {result && outcome && (
        <Stack>
          <Alert
            color={outcome.ok ? 'green' : 'red'}
            variant="light"
            title={outcome.title}
            role={outcome.ok ? 'status' : 'alert'}
          >
            <Text size="sm" className="tl-wrap">
              {outcome.detail}
            </Text>
          </Alert>
          <Text size="sm" className="tl-wrap">
            Sent to <strong>{result.name}</strong>. It is in the delivery log.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Delete after typing the destination's name (its delivery log goes with it). */
function DeleteDestinationDialog({
  destination,
  onClose,
}: {
  destination: AlertDestination | null;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const matches = !!destination && typed === destination.name;
  const close = () => {
    if (busy) return;
    setTyped('');
    setError(null);
    onClose();
  };
  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!destination || !matches || busy) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.DELETE('/api/v1/alerts/destinations/{id}', { params: { path: { id: destination.id } } }),
      );
      await Promise.all([
        client.invalidateQueries({ queryKey: ['alerts'] }),
        client.invalidateQueries({ queryKey: ['audit-log'] }),
      ]);
      setBusy(false);
      setTyped('');
      onClose();
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  }
  return (
    <Modal opened={!!destination} onClose={close} title="Delete this destination?" centered {...MODAL_PROPS}>
      {destination && (
        <form onSubmit={confirm} noValidate>
          <Stack gap="sm">
            <Text size="sm">
              This deletes{' '}
              <Text span fw={700} className="tl-wrap">
                {destination.name}
              </Text>{' '}
              and its delivery log. Alert rules that send only here stop sending. It cannot be undone.
            </Text>
            <InlineError error={error} />
            <TextInput
              label="Type the destination name to confirm"
              description={`Type “${destination.name}” exactly.`}
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
                Delete destination
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function DestinationsSection({
  destinations,
  isAdmin,
}: {
  destinations: AlertDestination[];
  isAdmin: boolean;
}) {
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<{ name: string; delivery: AlertDelivery } | null>(null);
  const [rotating, setRotating] = useState<AlertDestination | null>(null);
  const [deleting, setDeleting] = useState<AlertDestination | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  async function sendTest(d: AlertDestination) {
    setTesting(d.id);
    setActionError(null);
    try {
      const delivery = await unwrap(
        api.POST('/api/v1/alerts/destinations/{id}/test', { params: { path: { id: d.id } } }),
      );
      setTestResult({ name: d.name, delivery });
      void client.invalidateQueries({ queryKey: DELIVERIES_KEY });
    } catch (e) {
      setActionError(e);
    } finally {
      setTesting(null);
    }
  }

  async function setEnabled(d: AlertDestination, enabled: boolean) {
    setActionError(null);
    try {
      await unwrap(
        api.PATCH('/api/v1/alerts/destinations/{id}', { params: { path: { id: d.id } }, body: { enabled } }),
      );
      await client.invalidateQueries({ queryKey: DESTINATIONS_KEY });
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed" maw={640}>
          Where alerts go: a webhook receives a signed JSON POST, Slack an incoming-webhook message. URLs are
          stored encrypted; only a hint is shown.
        </Text>
        {isAdmin && <Button onClick={() => setAdding(true)}>Add destination</Button>}
      </Group>
      <InlineError error={actionError} />
      {destinations.length === 0 ? (
        <EmptyState title="No alert destinations yet">
          {isAdmin
            ? 'Add one with “Add destination”: a webhook URL of your SOC tooling or a Slack incoming webhook.'
            : 'An admin adds destinations (a webhook or a Slack incoming webhook) here.'}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover verticalSpacing="xs" aria-label="Alert destinations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th>Secret rotated</Table.Th>
                {isAdmin && (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {destinations.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td className="tl-wrap" maw={260}>
                    {d.name}
                  </Table.Td>
                  <Table.Td>{d.kind === 'slack' ? 'Slack' : 'Webhook'}</Table.Td>
                  <Table.Td className="tl-wrap" maw={260}>
                    <Code>{d.urlHint}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={d.enabled ? 'green' : 'gray'} miw="max-content">
                      {d.enabled ? 'enabled' : 'disabled'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm">
                      {formatDateTime(d.secretUpdatedAt)}
                    </Text>
                  </Table.Td>
                  {isAdmin && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Button
                          size="compact-sm"
                          variant="light"
                          loading={testing === d.id}
                          disabled={testing !== null}
                          onClick={() => void sendTest(d)}
                          aria-label={`Send test alert to ${d.name}`}
                        >
                          Send test alert
                        </Button>
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              aria-label={`More actions for ${d.name}`}
                            >
                              More
                            </Button>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item onClick={() => void setEnabled(d, !d.enabled)}>
                              {d.enabled ? 'Disable' : 'Enable'}
                            </Menu.Item>
                            <Menu.Item onClick={() => setRotating(d)}>Rotate secret</Menu.Item>
                            <Menu.Item color="red" onClick={() => setDeleting(d)}>
                              Delete
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {isAdmin && (
        <>
          <AddDestinationDialog
            opened={adding}
            onClose={() => setAdding(false)}
            onCreated={(s) => {
              setAdding(false);
              setShown(s);
            }}
          />
          <SecretDialog shown={shown} onClose={() => setShown(null)} />
          <TestResultDialog result={testResult} onClose={() => setTestResult(null)} />
          <ConfirmDialog
            opened={!!rotating}
            title="Rotate the signing secret?"
            confirmLabel="Rotate secret"
            onClose={() => setRotating(null)}
            onConfirm={async () => {
              if (!rotating) return;
              const result = await unwrap(
                api.POST('/api/v1/alerts/destinations/{id}/rotate-secret', {
                  params: { path: { id: rotating.id } },
                }),
              );
              setShown({ name: result.destination.name, secret: result.signingSecret, rotated: true });
              void client.invalidateQueries({ queryKey: DESTINATIONS_KEY });
            }}
          >
            <Text size="sm">
              Replace the signing secret of <strong>{rotating?.name}</strong>? From now on alerts are signed
              with the new one: the receiver refuses them until it has it. The new secret is shown once.
            </Text>
          </ConfirmDialog>
          <DeleteDestinationDialog destination={deleting} onClose={() => setDeleting(null)} />
        </>
      )}
    </Stack>
  );
}
