/**
 * API tokens (the server lets admins list, create and revoke them). A new token's value is in the
 * creation response only: it is shown once in a dialog, held in that dialog's state alone (never in
 * the query cache), and forgotten when the dialog closes.
 */
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap, type Role } from '../../api/client';
import { useCan, useSession } from '../../api/session';
import { Page } from '../../components/page';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import {
  EXPIRY_CHOICES,
  expiresInDays,
  ROLE_HELP,
  rolesUpTo,
  sortTokens,
  TOKEN_NAME_MAX_LENGTH,
  tokenStatus,
  type ApiToken,
} from './logic';
import { AdminOnly, ConfirmDialog, InlineError, isForbidden, MODAL_PROPS, RoleBadge } from './shared';

const DESCRIPTION = 'Tokens for scripts and CI: sent as "Authorization: Bearer …" to the API.';

function TokenStatusBadge({ token }: { token: ApiToken }) {
  const s = tokenStatus(token);
  const color = { active: 'green', expired: 'orange', revoked: 'gray' }[s];
  return (
    <Badge color={color} variant="light">
      {s}
    </Badge>
  );
}

/** The one time a token's value is shown. Closing it forgets the value. */
function RevealDialog({
  created,
  onClose,
}: {
  created: { token: string; name: string } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={!!created}
      onClose={onClose}
      title="Your new API token"
      centered
      closeOnClickOutside={false}
      size="lg"
      {...MODAL_PROPS}
    >
      {created && (
        <Stack>
          <Alert color="orange" variant="light" title="Copy it now: it will not be shown again" role="alert">
            <Text size="sm">
              TrustLens keeps only a hash of it. Store it in your secret manager; if it is lost, revoke it and
              create another.
            </Text>
          </Alert>
          <Text size="sm" className="tl-wrap">
            Token <strong>{created.name}</strong>:
          </Text>
          <Code block aria-label="New API token" className="tl-wrap" style={{ whiteSpace: 'pre-wrap' }}>
            {created.token}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button onClick={copy} color={copied ? 'green' : undefined}>
                  {copied ? 'Copied' : 'Copy token'}
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

function CreateTokenDialog({
  opened,
  maxRole,
  onClose,
  onCreated,
}: {
  opened: boolean;
  maxRole: Role;
  onClose: () => void;
  onCreated: (created: { token: string; name: string }) => void;
}) {
  const client = useQueryClient();
  const roles = rolesUpTo(maxRole);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [expiry, setExpiry] = useState('90');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reset = () => {
    setName('');
    setRole('viewer');
    setExpiry('90');
    setTouched(false);
    setError(null);
  };
  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };
  const nameProblem = name.trim() ? null : 'Give the token a name that says what uses it.';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (nameProblem) return;
    setBusy(true);
    setError(null);
    try {
      // Not a useMutation: its result would stay in the mutation cache; the value lives in the dialog only.
      const result = await unwrap(
        api.POST('/api/v1/tokens', {
          body: { name: name.trim(), role, expiresInDays: expiresInDays(expiry) },
        }),
      );
      setBusy(false);
      reset();
      onCreated({ token: result.token, name: result.apiToken.name });
      void client.invalidateQueries({ queryKey: ['tokens'] });
      void client.invalidateQueries({ queryKey: ['audit-log'] });
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Create an API token" centered {...MODAL_PROPS}>
      <form onSubmit={submit} noValidate aria-label="Create an API token">
        <Stack>
          <InlineError error={error} />
          <TextInput
            label="Name"
            description="What uses it, e.g. “CI nightly posture check”."
            aria-required
            maxLength={TOKEN_NAME_MAX_LENGTH}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={touched ? nameProblem : undefined}
          />
          <Select
            label="Role"
            description="At most your own role. Prefer viewer for read-only scripts."
            data={roles.map((r) => ({ value: r, label: `${r} — ${ROLE_HELP[r]}` }))}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            allowDeselect={false}
          />
          <Select
            label="Expires"
            data={EXPIRY_CHOICES}
            value={expiry}
            onChange={(v) => v && setExpiry(v)}
            allowDeselect={false}
          />
          <Text size="xs">A token stops working when the user who created it is disabled or deleted.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function TokensTable({
  tokens,
  creators,
  onRevoke,
}: {
  tokens: ApiToken[];
  creators: Map<string, string>;
  onRevoke: (t: ApiToken) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="API tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Prefix</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Created by</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((t) => {
            const status = tokenStatus(t);
            return (
              <Table.Tr key={t.id}>
                <Table.Td className="tl-wrap" maw={240}>
                  {t.name}
                </Table.Td>
                <Table.Td>
                  <Code>{t.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={t.role} />
                </Table.Td>
                <Table.Td>
                  <TokenStatusBadge token={t} />
                </Table.Td>
                <Table.Td>
                  <Text span size="sm">
                    {formatDateTime(t.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td className="tl-wrap" maw={220}>
                  <Text span size="sm">
                    {t.createdBy
                      ? (creators.get(t.createdBy) ?? 'unknown user')
                      : 'not a user (command line or set-up)'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={formatDateTime(t.lastUsedAt)} disabled={!t.lastUsedAt}>
                    <Text span size="sm">
                      {formatRelative(t.lastUsedAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text span size="sm">
                    {t.expiresAt ? formatDate(t.expiresAt) : 'never'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {status !== 'revoked' && (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      onClick={() => onRevoke(t)}
                      aria-label={`Revoke ${t.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function TokensAdmin() {
  const { session } = useSession();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const showAll = params.get('all') === '1';
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({
    queryKey: ['tokens'],
    queryFn: () => unwrap(api.GET('/api/v1/tokens', { params: { query: { limit: 500 } } })),
  });
  // Creators are user ids; the users list names them (admins can read it).
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 500 } } })),
  });
  const creators = new Map((users.data?.items ?? []).map((u) => [u.id, u.email]));
  const maxRole: Role = session?.role ?? 'viewer';

  let body;
  if (tokens.isPending) body = <Loading rows={4} label="Loading API tokens" />;
  else if (isForbidden(tokens.error)) body = <AdminOnly what="API tokens are managed by admins." />;
  else if (tokens.error) body = <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />;
  else {
    const all = sortTokens(tokens.data.items);
    const shown = showAll ? all : all.filter((t) => tokenStatus(t) === 'active');
    const hidden = all.length - shown.length;
    body = (
      <Stack gap="sm">
        <Switch
          label={`Show revoked and expired tokens${hidden > 0 ? ` (${hidden})` : ''}`}
          checked={showAll}
          onChange={(e) => {
            const next = new URLSearchParams(params);
            if (e.currentTarget.checked) next.set('all', '1');
            else next.delete('all');
            setParams(next, { replace: true });
          }}
        />
        {shown.length === 0 ? (
          <EmptyState title={all.length === 0 ? 'No API tokens yet' : 'No active API tokens'}>
            Create one for a script or a CI job with “Create token”; its value is shown once.
          </EmptyState>
        ) : (
          <TokensTable tokens={shown} creators={creators} onRevoke={setRevoking} />
        )}
      </Stack>
    );
  }

  return (
    <Page
      title="API tokens"
      description={DESCRIPTION}
      actions={<Button onClick={() => setCreating(true)}>Create token</Button>}
    >
      {body}
      <CreateTokenDialog
        opened={creating}
        maxRole={maxRole}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          setCreated(c);
        }}
      />
      <RevealDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        opened={!!revoking}
        title="Revoke API token"
        confirmLabel="Revoke token"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await unwrap(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: revoking.id } } }));
          await Promise.all([
            client.invalidateQueries({ queryKey: ['tokens'] }),
            client.invalidateQueries({ queryKey: ['audit-log'] }),
          ]);
        }}
      >
        <Text size="sm">
          Revoke <strong>{revoking?.name}</strong> (prefix <Code>{revoking?.prefix}</Code>)? Every script
          using it is refused from now on. This cannot be undone.
        </Text>
      </ConfirmDialog>
    </Page>
  );
}

export function TokensPage() {
  const isAdmin = useCan('admin');
  if (!isAdmin) {
    return (
      <Page title="API tokens" description={DESCRIPTION}>
        <AdminOnly what="API tokens are created and revoked by admins (the API allows it to admins only)." />
      </Page>
    );
  }
  return <TokensAdmin />;
}
