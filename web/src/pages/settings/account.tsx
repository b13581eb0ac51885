/**
 * The signed-in user's own account: change the password (the current one is required; the server
 * then signs the user out everywhere, this browser included).
 */
import { Alert, Button, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../api/session';
import { Page } from '../../components/page';
import { PASSWORD_MIN_LENGTH, passwordProblem } from './logic';
import { InlineError, RoleBadge } from './shared';

export function ChangePasswordForm() {
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const user = session?.user;

  if (!user) {
    return <Text size="sm">Signed in with an API token: there is no password to change.</Text>;
  }
  if (done) {
    return (
      <Alert color="green" variant="light" title="Your password was changed" role="status">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            You were signed out everywhere, here too. Sign in again with the new password.
          </Text>
          <Button
            size="xs"
            onClick={async () => {
              await signOut().catch(() => undefined);
              navigate('/signin');
            }}
          >
            Sign in again
          </Button>
        </Stack>
      </Alert>
    );
  }

  const problem = passwordProblem(next, confirmation);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (problem || !current || !user) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: user.id } },
          body: { currentPassword: current, password: next },
        }),
        // The answer is a success even though this session has just ended: no 401 follows from it.
      );
      setCurrent('');
      setNext('');
      setConfirmation('');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Change password">
      <Stack maw={420}>
        <InlineError error={error} />
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          aria-required
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          error={touched && !current ? 'Your present password is needed to change it.' : undefined}
        />
        <PasswordInput
          label="New password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          autoComplete="new-password"
          aria-required
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          error={touched && problem && problem !== 'The two passwords differ.' ? problem : undefined}
        />
        <PasswordInput
          label="Repeat the new password"
          autoComplete="new-password"
          aria-required
          value={confirmation}
          onChange={(e) => setConfirmation(e.currentTarget.value)}
          error={touched && problem === 'The two passwords differ.' ? problem : undefined}
        />
        <Text size="xs">Changing it signs you out everywhere, this browser included.</Text>
        <Button type="submit" loading={busy} style={{ alignSelf: 'flex-start' }}>
          Change password
        </Button>
      </Stack>
    </form>
  );
}

/** "Your account": who you are and the password form (shown on the users page to everyone). */
export function AccountSection() {
  const { session } = useSession();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="account-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="account-heading">
          Your account
        </Title>
        {session && (
          <Text size="sm" className="tl-wrap">
            Signed in as {session.user?.email ?? session.actor.label} <RoleBadge role={session.role} />
          </Text>
        )}
        <Title order={3} size="h5">
          Change password
        </Title>
        <ChangePasswordForm />
      </Stack>
    </Paper>
  );
}

/** A page of its own for the account (for a /settings/account route, open to every role). */
export function AccountPage() {
  return (
    <Page title="Your account" description="Your sign-in and password.">
      <AccountSection />
    </Page>
  );
}
