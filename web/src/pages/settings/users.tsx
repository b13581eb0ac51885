/**
 * Users (admins): who can sign in, with which role; add, change role, set a new password, disable,
 * enable, delete. The server refuses anything that would leave the organization without an active
 * admin and the dialogs show its words. Everyone sees "Your account" (change password) here.
 */
import {
  Badge,
  Button,
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
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Role } from '../../api/client';
import { useCan, useSession } from '../../api/session';
import { Page } from '../../components/page';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { formatDateTime, formatRelative } from '../../lib/format';
import { AccountSection } from './account';
import { generatePassword, passwordProblem, PASSWORD_MIN_LENGTH, ROLE_HELP, ROLES, type User } from './logic';
import { AdminOnly, ConfirmDialog, InlineError, isForbidden, MODAL_PROPS, RoleBadge } from './shared';

const roleOptions = ROLES.map((r) => ({ value: r, label: `${r} — ${ROLE_HELP[r]}` }));

type Dialog =
  | { kind: 'add' }
  | { kind: 'role'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'disable'; user: User }
  | { kind: 'enable'; user: User }
  | { kind: 'delete'; user: User };

function useUserWrites() {
  const client = useQueryClient();
  const refresh = async () => {
    await Promise.all([
      client.invalidateQueries({ queryKey: ['users'] }),
      client.invalidateQueries({ queryKey: ['audit-log'] }),
      client.invalidateQueries({ queryKey: ['session'] }),
    ]);
  };
  return {
    async create(body: { email: string; name?: string; role: Role; password: string }) {
      await unwrap(api.POST('/api/v1/users', { body }));
      await refresh();
    },
    async update(
      id: string,
      body: { role?: Role; disabled?: boolean; password?: string; name?: string },
    ): Promise<void> {
      await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body }));
      await refresh();
    },
    async remove(id: string): Promise<void> {
      await unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } }));
      await refresh();
    },
  };
}

/** A password field with "Generate" and "Copy" (for passwords an admin hands over). */
function NewPasswordFields({
  password,
  confirmation,
  onChange,
  touched,
  label,
}: {
  password: string;
  confirmation: string;
  onChange: (password: string, confirmation: string) => void;
  touched: boolean;
  label: string;
}) {
  const [visible, setVisible] = useState(false);
  const problem = passwordProblem(password, confirmation);
  return (
    <Stack gap="xs">
      <PasswordInput
        label={label}
        description={`At least ${PASSWORD_MIN_LENGTH} characters. Hand it over through a safe channel.`}
        autoComplete="new-password"
        aria-required
        visible={visible}
        onVisibilityChange={setVisible}
        value={password}
        onChange={(e) => onChange(e.currentTarget.value, confirmation)}
        error={touched && problem && problem !== 'The two passwords differ.' ? problem : undefined}
      />
      <PasswordInput
        label="Repeat the password"
        autoComplete="new-password"
        aria-required
        visible={visible}
        onVisibilityChange={setVisible}
        value={confirmation}
        onChange={(e) => onChange(password, e.currentTarget.value)}
        error={touched && problem === 'The two passwords differ.' ? problem : undefined}
      />
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            const p = generatePassword();
            setVisible(true);
            onChange(p, p);
          }}
        >
          Generate a password
        </Button>
        <CopyButton value={password}>
          {({ copied, copy }) => (
            <Button size="xs" variant="default" onClick={copy} disabled={!password}>
              {copied ? 'Copied' : 'Copy password'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

function AddUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const writes = useUserWrites();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reset = () => {
    setEmail('');
    setName('');
    setRole('viewer');
    setPassword('');
    setConfirmation('');
    setTouched(false);
    setError(null);
  };
  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };
  const emailProblem = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/.test(email.trim())
    ? null
    : 'An email address such as alice@example.com.';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (emailProblem || passwordProblem(password, confirmation)) return;
    setBusy(true);
    setError(null);
    try {
      await writes.create({ email: email.trim(), name: name.trim() || undefined, role, password });
      setBusy(false);
      reset();
      onClose();
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Add a user" centered {...MODAL_PROPS}>
      <form onSubmit={submit} noValidate aria-label="Add a user">
        <Stack>
          <InlineError error={error} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            aria-required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={touched ? emailProblem : undefined}
          />
          <TextInput
            label="Name"
            description="Optional."
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Select
            label="Role"
            data={roleOptions}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            allowDeselect={false}
          />
          <NewPasswordFields
            label="Initial password"
            password={password}
            confirmation={confirmation}
            touched={touched}
            onChange={(p, c) => {
              setPassword(p);
              setConfirmation(c);
            }}
          />
          <Text size="xs">They can change it after signing in (Settings, Your account).</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RoleDialog({ user, self, onClose }: { user: User | null; self: boolean; onClose: () => void }) {
  const writes = useUserWrites();
  const [role, setRole] = useState<Role | null>(null);
  const chosen = role ?? user?.role ?? 'viewer';
  return (
    <ConfirmDialog
      opened={!!user}
      title="Change role"
      confirmLabel="Change role"
      danger={self && chosen !== 'admin'}
      onClose={() => {
        setRole(null);
        onClose();
      }}
      onConfirm={async () => {
        if (user && chosen !== user.role) await writes.update(user.id, { role: chosen });
      }}
    >
      <Stack gap="sm">
        <Text size="sm">
          Role of <strong>{user?.email}</strong>
        </Text>
        <Select
          label="New role"
          data={roleOptions}
          value={chosen}
          onChange={(v) => v && setRole(v as Role)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        {self && chosen !== 'admin' && (
          <Text size="sm" c="red">
            This is your own account: you will lose access to users, tokens, integrations and the audit log.
          </Text>
        )}
      </Stack>
    </ConfirmDialog>
  );
}

function PasswordDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const writes = useUserWrites();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [touched, setTouched] = useState(false);
  return (
    <ConfirmDialog
      opened={!!user}
      title="Set a new password"
      confirmLabel="Set password"
      danger={false}
      onClose={() => {
        setPassword('');
        setConfirmation('');
        setTouched(false);
        onClose();
      }}
      onConfirm={async () => {
        setTouched(true);
        const problem = passwordProblem(password, confirmation);
        if (problem) throw new Error(problem);
        if (user) await writes.update(user.id, { password });
      }}
    >
      <Stack gap="sm">
        <Text size="sm">
          New password for <strong>{user?.email}</strong>. They are signed out everywhere.
        </Text>
        <NewPasswordFields
          label="New password"
          password={password}
          confirmation={confirmation}
          touched={touched}
          onChange={(p, c) => {
            setPassword(p);
            setConfirmation(c);
          }}
        />
      </Stack>
    </ConfirmDialog>
  );
}

function StatusBadge({ user }: { user: User }) {
  return user.disabled ? (
    <Badge color="red" variant="light">
      disabled
    </Badge>
  ) : (
    <Badge color="green" variant="light">
      active
    </Badge>
  );
}

function UsersTable({
  users,
  selfId,
  open,
}: {
  users: User[];
  selfId: string | null;
  open: (d: Dialog) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => {
            const self = u.id === selfId;
            return (
              <Table.Tr key={u.id}>
                <Table.Td className="tl-wrap" maw={280}>
                  {u.email}{' '}
                  {self && (
                    <Badge size="xs" variant="light" color="blue">
                      you
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td className="tl-wrap" maw={220}>
                  {u.name ?? (
                    <Text span size="sm">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={u.role} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge user={u} />
                </Table.Td>
                <Table.Td>
                  <Tooltip label={formatDateTime(u.lastLoginAt)} disabled={!u.lastLoginAt}>
                    <Text span size="sm">
                      {formatRelative(u.lastLoginAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text span size="sm">
                    {formatDateTime(u.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Button size="compact-sm" variant="subtle" aria-label={`Actions for ${u.email}`}>
                        Actions
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => open({ kind: 'role', user: u })}>Change role…</Menu.Item>
                      {!self && (
                        <Menu.Item onClick={() => open({ kind: 'password', user: u })}>
                          Set a new password…
                        </Menu.Item>
                      )}
                      {u.disabled ? (
                        <Menu.Item onClick={() => open({ kind: 'enable', user: u })}>Enable…</Menu.Item>
                      ) : (
                        <Menu.Item color="red" onClick={() => open({ kind: 'disable', user: u })}>
                          Disable…
                        </Menu.Item>
                      )}
                      <Menu.Item color="red" onClick={() => open({ kind: 'delete', user: u })}>
                        Delete…
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function UsersAdmin() {
  const { session } = useSession();
  const writes = useUserWrites();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 500 } } })),
  });
  const selfId = session?.user?.id ?? null;
  const close = () => setDialog(null);
  const target = dialog && dialog.kind !== 'add' ? dialog.user : null;
  const self = !!target && target.id === selfId;

  let body;
  if (users.isPending) body = <Loading rows={5} label="Loading users" />;
  else if (isForbidden(users.error)) body = <AdminOnly what="Users are managed by admins." />;
  else if (users.error) body = <ErrorState error={users.error} onRetry={() => void users.refetch()} />;
  else if (users.data.items.length === 0)
    body = <EmptyState title="No users yet">Add the first one with “Add user”.</EmptyState>;
  else
    body = (
      <UsersTable
        users={[...users.data.items].sort((a, b) => a.email.localeCompare(b.email))}
        selfId={selfId}
        open={setDialog}
      />
    );

  return (
    <Page
      title="Users"
      description="Who can sign in to this organization, and with which role."
      actions={<Button onClick={() => setDialog({ kind: 'add' })}>Add user</Button>}
    >
      {body}
      <AddUserDialog opened={dialog?.kind === 'add'} onClose={close} />
      <RoleDialog user={dialog?.kind === 'role' ? dialog.user : null} self={self} onClose={close} />
      <PasswordDialog user={dialog?.kind === 'password' ? dialog.user : null} onClose={close} />
      <ConfirmDialog
        opened={dialog?.kind === 'disable'}
        title="Disable user"
        confirmLabel="Disable"
        onClose={close}
        onConfirm={() => writes.update(target!.id, { disabled: true })}
      >
        <Text size="sm">
          Disable <strong>{target?.email}</strong>? They are signed out everywhere and cannot sign in until
          enabled again; the API tokens they created stop working meanwhile.
        </Text>
        {self && (
          <Text size="sm" c="red" mt="xs">
            This is your own account: you will be signed out at once.
          </Text>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        opened={dialog?.kind === 'enable'}
        title="Enable user"
        confirmLabel="Enable"
        danger={false}
        onClose={close}
        onConfirm={() => writes.update(target!.id, { disabled: false })}
      >
        <Text size="sm">
          Enable <strong>{target?.email}</strong>? They can sign in again with their password.
        </Text>
      </ConfirmDialog>
      <ConfirmDialog
        opened={dialog?.kind === 'delete'}
        title="Delete user"
        confirmLabel="Delete user"
        onClose={close}
        onConfirm={() => writes.remove(target!.id)}
      >
        <Text size="sm">
          Delete <strong>{target?.email}</strong>? This cannot be undone: their sessions end and the API
          tokens they created are revoked. The audit log keeps what they did.
        </Text>
        {self && (
          <Text size="sm" c="red" mt="xs">
            This is your own account: you will be signed out at once.
          </Text>
        )}
      </ConfirmDialog>
      <AccountSection />
    </Page>
  );
}

export function UsersPage() {
  const isAdmin = useCan('admin');
  if (!isAdmin) {
    return (
      <Page title="Users" description="Who can sign in to this organization, and with which role.">
        <AdminOnly what="Users are managed by admins." />
        <AccountSection />
      </Page>
    );
  }
  return <UsersAdmin />;
}
