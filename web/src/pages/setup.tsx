import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../api/session';

/** The set-up token travels in the link's fragment (#token=…), which browsers never send to a server. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

export function SetupPage() {
  const { session, setUp } = useSession();
  const navigate = useNavigate();
  const [setupToken] = useState(() => tokenFromHash(window.location.hash));
  const [organizationName, setOrganizationName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [justSetUp, setJustSetUp] = useState(false);

  useEffect(() => {
    document.title = 'Set up · TrustLens';
    // Keep the token out of the history and of screenshots once read.
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  // Right after set-up, the next step is the first integration; otherwise a signed-in visitor goes home.
  if (session) return <Navigate to={justSetUp ? '/integrations/new' : '/'} replace />;

  const passwordError = password && password.length < 12 ? 'Use at least 12 characters.' : null;
  const confirmError = confirm && confirm !== password ? 'The two passwords differ.' : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (passwordError || confirmError) return;
    setBusy(true);
    setError(null);
    try {
      setJustSetUp(true);
      await setUp({ setupToken, organizationName, email, password, name: name || undefined });
      navigate('/integrations/new', { replace: true });
    } catch (err) {
      setJustSetUp(false);
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', 'Set-up failed.', 'Try again.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={480} component="main">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">
              Set up TrustLens
            </Title>
            {!setupToken ? (
              <Alert color="yellow" title="This page needs the one-time set-up link." role="alert">
                Open the link that `trustlens serve` printed on its first start (it ends with #token=…). If it
                has expired, restart the server on an empty database to get a new one, or set
                TRUSTLENS_INIT_ADMIN_EMAIL and TRUSTLENS_INIT_ADMIN_PASSWORD.
              </Alert>
            ) : (
              <Text size="sm" c="dimmed">
                Create your organization and its first admin. The link works once.
              </Text>
            )}
            {error && (
              <Alert color="red" title={error.message} role="alert">
                {error.remediation}
              </Alert>
            )}
            <TextInput
              label="Organization name"
              required
              value={organizationName}
              onChange={(e) => setOrganizationName(e.currentTarget.value)}
            />
            <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              description="At least 12 characters"
              autoComplete="new-password"
              required
              value={password}
              error={passwordError}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <PasswordInput
              label="Confirm password"
              autoComplete="new-password"
              required
              value={confirm}
              error={confirmError}
              onChange={(e) => setConfirm(e.currentTarget.value)}
            />
            <Button
              type="submit"
              loading={busy}
              disabled={!setupToken || !organizationName || !email || !password || password !== confirm}
            >
              Create organization and admin
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
