/**
 * Every page of the console and its address. Pages under the layout need a session; without one the
 * router sends people to /signin and back where they were after signing in.
 */
import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { useCan, useSession } from './api/session';
import { Layout } from './components/layout';
import { Loading, ErrorState } from './components/states';
import { AgentDetailPage } from './pages/agent-detail';
import { AgentsPage } from './pages/agents';
import { ConnectorDetailPage, ConnectorsPage } from './pages/connectors';
import { PromptsSkillsPage } from './pages/prompts-skills';
import { EventsPage } from './pages/events';
import { FilesPage } from './pages/files';
import { FindingsPage } from './pages/findings';
import { IntegrationNewPage } from './pages/integration-new';
import { IntegrationPage } from './pages/integration';
import { IntegrationsPage } from './pages/integrations';
import { LibrariesPage } from './pages/libraries';
import { ModelsPage } from './pages/models';
import { NotFoundPage } from './pages/not-found';
import { OrganizationPage } from './pages/organization';
import { OverviewPage } from './pages/overview';
import { AccountPage, AuditLogPage, TokensPage, UsersPage } from './pages/settings';
import { AlertsPage } from './pages/settings/alerts';
import { SetupPage } from './pages/setup';
import { SignInPage } from './pages/sign-in';
import { Box } from '@mantine/core';

function RequireSession() {
  const { session, signedOut, loading, error } = useSession();
  const location = useLocation();
  if (loading)
    return (
      <Box p="xl">
        <Loading label="Checking your session" />
      </Box>
    );
  if (error)
    return (
      <Box p="xl">
        <ErrorState error={error} onRetry={() => window.location.reload()} />
      </Box>
    );
  if (!session) {
    const next = location.pathname + location.search;
    return (
      <Navigate
        to={next === '/' || signedOut ? '/signin' : `/signin?next=${encodeURIComponent(next)}`}
        replace
      />
    );
  }
  return (
    <Layout>
      <Outlet />
    </Layout>
  );
}

/** /settings: admins land on users, everyone else on their own account. */
function SettingsHome() {
  const isAdmin = useCan('admin');
  return <Navigate to={isAdmin ? '/settings/users' : '/settings/account'} replace />;
}

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/signin', element: <SignInPage /> },
    { path: '/setup', element: <SetupPage /> },
    {
      element: <RequireSession />,
      children: [
        { path: '/', element: <OverviewPage /> },
        { path: '/integrations', element: <IntegrationsPage /> },
        { path: '/integrations/new', element: <IntegrationNewPage /> },
        { path: '/integrations/:id', element: <IntegrationPage /> },
        { path: '/integrations/:integrationId/agents/:agentId', element: <AgentDetailPage /> },
        { path: '/agents', element: <AgentsPage /> },
        { path: '/models', element: <ModelsPage /> },
        { path: '/files', element: <FilesPage /> },
        { path: '/libraries', element: <LibrariesPage /> },
        { path: '/connectors', element: <ConnectorsPage /> },
        { path: '/integrations/:integrationId/connectors/:connectorId', element: <ConnectorDetailPage /> },
        { path: '/prompts-skills', element: <PromptsSkillsPage /> },
        { path: '/organization', element: <OrganizationPage /> },
        { path: '/findings', element: <FindingsPage /> },
        { path: '/events', element: <EventsPage /> },
        { path: '/settings', element: <SettingsHome /> },
        { path: '/settings/account', element: <AccountPage /> },
        { path: '/settings/users', element: <UsersPage /> },
        { path: '/settings/tokens', element: <TokensPage /> },
        { path: '/settings/audit-log', element: <AuditLogPage /> },
        { path: '/settings/alerts', element: <AlertsPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
