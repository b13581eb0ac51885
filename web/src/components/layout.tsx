/**
 * The frame of every signed-in page: the header (organization, who is signed in, sign out), the
 * navigation (a drawer below 768 px), and a banner whenever a simulated integration is shown.
 */
import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { api, unwrap } from '../api/client';
import { useCan, useSession } from '../api/session';
import { SimulatedBanner } from './simulated';

interface NavItem {
  to: string;
  label: string;
  admin?: boolean;
}

const NAV: { section: string; items: NavItem[] }[] = [
  {
    section: 'Posture',
    items: [
      { to: '/', label: 'Overview' },
      { to: '/findings', label: 'Findings' },
      { to: '/events', label: 'Events' },
    ],
  },
  {
    section: 'Inventory',
    items: [
      { to: '/agents', label: 'Agents' },
      { to: '/models', label: 'Models' },
      { to: '/files', label: 'Files' },
      { to: '/libraries', label: 'Libraries' },
      { to: '/connectors', label: 'Connectors' },
      { to: '/prompts-skills', label: 'Prompts & skills' },
      { to: '/organization', label: 'Organization' },
    ],
  },
  {
    section: 'Configuration',
    items: [
      { to: '/integrations', label: 'Integrations' },
      { to: '/settings/alerts', label: 'Alerts' },
      { to: '/settings/users', label: 'Users', admin: true },
      { to: '/settings/tokens', label: 'API tokens', admin: true },
      { to: '/settings/audit-log', label: 'Audit log', admin: true },
      { to: '/settings/account', label: 'Your account' },
    ],
  },
];

function isActive(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/';
  if (to === '/agents') return pathname === '/agents' || /^\/integrations\/[^/]+\/agents\//.test(pathname);
  if (to === '/connectors')
    return pathname === '/connectors' || /^\/integrations\/[^/]+\/connectors\//.test(pathname);
  if (to === '/integrations')
    return (
      pathname.startsWith('/integrations') &&
      !pathname.includes('/agents/') &&
      !pathname.includes('/connectors/')
    );
  return pathname === to || pathname.startsWith(`${to}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { session, signOut } = useSession();
  const isAdmin = useCan('admin');
  const location = useLocation();
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } })),
  });
  const simulated = (integrations.data?.items ?? []).filter((i) => i.simulated);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text component={Link} to="/" fw={700} size="lg" c="inherit" td="none">
              TrustLens
            </Text>
            {session && (
              <Text size="sm" c="dimmed" visibleFrom="xs" truncate maw={240}>
                {session.organization.name}
              </Text>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            {session && (
              <Tooltip label={`Signed in as ${session.actor.label}`}>
                <Badge variant="light" color="gray" visibleFrom="xs">
                  {session.role}
                </Badge>
              </Tooltip>
            )}
            <Button variant="subtle" size="compact-sm" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {NAV.map((group) => (
            <div key={group.section}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
                {group.section}
              </Text>
              {group.items
                .filter((item) => !item.admin || isAdmin)
                .map((item) => (
                  <NavLink
                    key={item.to}
                    component={Link}
                    to={item.to}
                    label={item.label}
                    active={isActive(location.pathname, item.to)}
                    onClick={close}
                  />
                ))}
            </div>
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        {simulated.length > 0 && <SimulatedBanner names={simulated.map((i) => i.name)} />}
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
