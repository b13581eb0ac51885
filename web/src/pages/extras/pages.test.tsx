import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Schemas } from '../../api/client';
import { ConnectorDetailPage, ConnectorsPage } from '../connectors';
import { integration, mockApi, renderAt } from '../integration/test-utils';
import { AvailabilityMatrix } from '../integration/availability';
import { OrganizationPage } from '../organization';
import { batchJob, connector, registryObject } from './fixtures';
import { PromptsSkillsPage } from '../prompts-skills';

let restore: (() => void) | undefined;
afterEach(() => {
  cleanup();
  restore?.();
  restore = undefined;
});

function withApi(...args: Parameters<typeof mockApi>) {
  const m = mockApi(...args);
  restore = m.restore;
  return m;
}

const ok = (body: unknown) => () => ({ status: 200, body });
const integrations = ok({ items: [integration()], nextCursor: null });

type Section = Schemas['SectionAvailability'];
const read = (feature: Section['feature']): Section => ({
  feature,
  status: 'available',
  message: null,
  remediation: null,
  code: null,
});
const noAdminKey = (feature: Section['feature']): Section => ({
  feature,
  status: 'unavailable',
  message: 'No admin API key is configured for this integration.',
  remediation: 'Add an admin API key: trustlens integration set-admin-key.',
  code: 'ADMIN_KEY_NOT_CONFIGURED',
});

function page<T>(items: T[], availability: Section) {
  return { items, nextCursor: null, integrationId: 'int1', syncRunId: 'run1', takenAt: null, availability };
}

function organization(
  over: Partial<Schemas['OrganizationInventory']> = {},
): Schemas['OrganizationInventory'] {
  return {
    integrationId: 'int1',
    syncRunId: 'run1',
    takenAt: '2026-11-30T10:00:00Z',
    sections: {
      apiKeys: noAdminKey('adminApiKeys'),
      members: noAdminKey('adminMembers'),
      invites: noAdminKey('adminMembers'),
      workspaces: noAdminKey('adminMembers'),
      auditLog: noAdminKey('auditLog'),
      rateLimit: noAdminKey('rateLimit'),
      usage: noAdminKey('adminUsage'),
    },
    apiKeys: null,
    members: null,
    invites: null,
    workspaces: null,
    auditLog: null,
    rateLimit: null,
    usage: null,
    ...over,
  };
}

describe('Connectors page', () => {
  it('lists connectors with where they point, custom vs built-in, flags and credential counts', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/connectors': ok(
        page(
          [
            connector({
              id: 'c1',
              name: 'intranet_tools',
              server: 'http://10.0.0.5/mcp',
              serverScheme: 'http',
              insecureTransport: true,
              nonPublicServer: true,
              credentialCounts: { organization: 1, workspace: null, user: 0 },
              usedByAgents: ['ag1'],
              agents: [{ id: 'ag1', name: 'Support bot' }],
            }),
            connector({
              id: 'c2',
              name: 'gmail',
              builtIn: true,
              custom: false,
              server: 'https://gmail.mcp.mistral.ai',
            }),
          ],
          read('connectors'),
        ),
      ),
    });
    renderAt('/connectors', [{ path: '/connectors', element: <ConnectorsPage /> }]);
    const table = await screen.findByRole('table', { name: 'Connectors' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('custom')).toBeTruthy();
    expect(within(rows[1]).getByText('not HTTPS')).toBeTruthy();
    expect(within(rows[1]).getByText('non-public server')).toBeTruthy();
    expect(within(rows[1]).getByText('1 organization · ? workspace · 0 user')).toBeTruthy();
    expect(within(rows[1]).getByText('1 agent ▾')).toBeTruthy();
    expect(within(rows[2]).getByText('built-in')).toBeTruthy();
    expect(within(rows[2]).queryByText('not HTTPS')).toBeNull();
  });

  it('says why connectors are not there instead of an empty list', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/connectors': ok(
        page([], {
          feature: 'connectors',
          status: 'unavailable',
          message: 'Mistral refused the connectors API for this key (beta).',
          remediation: 'Ask Mistral support for beta access.',
          code: 'BETA_REQUIRED',
        }),
      ),
    });
    renderAt('/connectors', [{ path: '/connectors', element: <ConnectorsPage /> }]);
    expect(
      await screen.findByText(
        'Not available: Mistral refused the connectors API for this key (beta). — Ask Mistral support for beta access.',
      ),
    ).toBeTruthy();
    expect(screen.queryByText('No connectors')).toBeNull();
  });

  it('shows one connector: credentials by scope with status and never a value, tools, agents', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations/:id/connectors/:cid': ok(
        connector({
          title: 'Deploy bot',
          serverHadCredentials: true,
          credentials: [
            {
              scope: 'organization',
              name: 'deploy-token',
              title: null,
              authType: 'bearer',
              status: 'error',
              lastCheckedAt: null,
              errorHttpCode: 401,
              errorReason: 'oauth expired',
              isDefault: true,
            },
          ],
          tools: [{ name: 'deploy', description: 'Deploys a service', active: true }],
          usedByAgents: ['ag1'],
          agents: [{ id: 'ag1', name: 'Release agent' }],
        }),
      ),
    });
    renderAt('/integrations/int1/connectors/c1', [
      { path: '/integrations/:integrationId/connectors/:connectorId', element: <ConnectorDetailPage /> },
    ]);
    expect(await screen.findByRole('heading', { level: 1, name: 'Deploy bot' })).toBeTruthy();
    const creds = screen.getByRole('table', { name: 'Credentials' });
    expect(within(creds).getByText('deploy-token')).toBeTruthy();
    expect(within(creds).getByText('oauth expired')).toBeTruthy();
    expect(screen.getByText('credential in URL')).toBeTruthy();
    expect(screen.getByText('deploy')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Release agent' }).getAttribute('href')).toBe(
      '/integrations/int1/agents/ag1',
    );
  });
});

describe('Connectors page: tools Mistral did not return', () => {
  it('the list says unknown (not returned by Mistral), never 0; [] still reads 0', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/connectors': ok(
        page(
          [
            connector({ id: 'c1', name: 'crm_tools', tools: null }),
            connector({ id: 'c2', name: 'empty_server', tools: [] }),
          ],
          read('connectors'),
        ),
      ),
    });
    renderAt('/connectors', [{ path: '/connectors', element: <ConnectorsPage /> }]);
    const table = await screen.findByRole('table', { name: 'Connectors' });
    const rows = within(table).getAllByRole('row');
    const toolsCell = (row: HTMLElement) => within(row).getAllByRole('cell')[4];
    expect(toolsCell(rows[1]).textContent).toBe('unknown (not returned by Mistral)');
    expect(toolsCell(rows[2]).textContent).toBe('0');
  });

  it("a connector's page says its tools are unknown, never 'None listed'", async () => {
    withApi('viewer', {
      'GET /api/v1/integrations/:id/connectors/:cid': ok(connector({ title: 'CRM tools', tools: null })),
    });
    renderAt('/integrations/int1/connectors/c1', [
      { path: '/integrations/:integrationId/connectors/:connectorId', element: <ConnectorDetailPage /> },
    ]);
    expect(await screen.findByRole('heading', { level: 1, name: 'CRM tools' })).toBeTruthy();
    const tools = screen.getByRole('region', { name: 'Tools' });
    expect(within(tools).getByText(/^unknown \(not returned by Mistral\): /)).toBeTruthy();
    expect(within(tools).queryByText(/None|\b0\b/)).toBeNull();
    expect(screen.queryByText('Tools (0)')).toBeNull();
  });

  it('a connector with no tools ([]) says none', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations/:id/connectors/:cid': ok(connector({ title: 'Empty', tools: [] })),
    });
    renderAt('/integrations/int1/connectors/c1', [
      { path: '/integrations/:integrationId/connectors/:connectorId', element: <ConnectorDetailPage /> },
    ]);
    expect(await screen.findByRole('heading', { level: 2, name: 'Tools (0)' })).toBeTruthy();
    expect(screen.getByText('None: Mistral lists no tool for this connector.')).toBeTruthy();
    expect(screen.queryByText(/not returned by Mistral/)).toBeNull();
  });
});

describe('Organization page', () => {
  it('without an admin key: one notice says what the key adds and how to add it, never zero or empty', async () => {
    const api = withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/organization': ok(organization()),
    });
    renderAt('/organization', [{ path: '/organization', element: <OrganizationPage /> }]);
    await screen.findByText('No admin key configured for this integration');
    expect(screen.getAllByText('Add an admin API key: trustlens integration set-admin-key.')).toHaveLength(1);
    expect(screen.getByRole('link', { name: "the integration's settings" }).getAttribute('href')).toBe(
      '/integrations/int1',
    );
    expect(screen.queryByText(/^Not available:/)).toBeNull();
    expect(screen.queryByText('0')).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
    // An unread section's list is not even asked for.
    expect(api.requests.some((r) => r.path.includes('/organization/'))).toBe(false);
  });

  it('with the admin key: masked keys with expiry and last use, admin and outsider badges, paced rate, cost per model', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/organization': ok(
        organization({
          sections: {
            apiKeys: read('adminApiKeys'),
            members: read('adminMembers'),
            invites: read('adminMembers'),
            workspaces: read('adminMembers'),
            auditLog: {
              feature: 'auditLog',
              status: 'unavailable',
              message: 'Audit logs are available on Enterprise plans only.',
              remediation: 'Upgrade to an Enterprise plan.',
              code: 'ADMIN_FEATURE_NOT_IN_PLAN',
            },
            rateLimit: read('rateLimit'),
            usage: read('adminUsage'),
          },
          apiKeys: { total: 1, neverExpire: 1, expired: 0, unusedFor90Days: 0, integrationKeyFound: true },
          members: {
            total: 2,
            admins: 2,
            adminsKnown: true,
            adminsUnknownReason: null,
            outsiders: 1,
            outsiderAdmins: 1,
          },
          invites: { total: 0, pending: 0, expired: 0, grantingAdmin: 0 },
          workspaces: [{ id: 'ws1', name: 'Default Workspace', isDefault: true, membersCount: 2 }],
          rateLimit: { requestsPerSecond: 6, pacedRequestsPerSecond: 3, tokensByModel: [] },
          usage: [
            {
              year: 2026,
              month: 11,
              currency: 'EUR',
              startDate: null,
              endDate: null,
              totalCost: 4.5,
              byModel: [
                {
                  model: 'mistral-large-latest',
                  products: ['chat'],
                  metrics: { input_tokens: 1500, output_tokens: 200 },
                  cost: 4.5,
                },
              ],
            },
          ],
        }),
      ),
      'GET /api/v1/integrations/:id/organization/api-keys': ok(
        page(
          [
            {
              id: 'k1',
              name: 'ci',
              hiddenKey: 'abcd...wxyz',
              workspaceId: 'ws1',
              workspaceName: 'Default Workspace',
              product: 'API',
              createdBy: 'alice@corp.example',
              createdAt: null,
              expiresOn: null,
              lastUsedOn: '2026-11-29',
              canDelete: true,
              isIntegrationKey: true,
              neverExpires: true,
              expired: false,
              daysToExpiry: null,
              daysSinceLastUse: 1,
            },
          ],
          read('adminApiKeys'),
        ),
      ),
      'GET /api/v1/integrations/:id/organization/members': ok(
        page(
          [
            {
              id: 'u1',
              email: 'mallory@gmail.example',
              name: 'Mallory',
              ssoOutsider: true,
              roles: ['A'],
              isAdmin: true,
              workspaces: [],
              createdAt: null,
            },
          ],
          read('adminMembers'),
        ),
      ),
      'GET /api/v1/integrations/:id/organization/invites': ok(page([], read('adminMembers'))),
    });
    renderAt('/organization', [{ path: '/organization', element: <OrganizationPage /> }]);
    const keys = await screen.findByRole('table', { name: 'API keys' });
    expect(within(keys).getByText('abcd...wxyz')).toBeTruthy();
    expect(within(keys).getByText('never expires')).toBeTruthy();
    expect(within(keys).getByText('this integration')).toBeTruthy();
    expect(within(keys).getByText('1 day ago (2026-11-29)')).toBeTruthy();
    const members = await screen.findByRole('table', { name: 'Members' });
    expect(within(members).getByText('admin')).toBeTruthy();
    expect(within(members).getByText('outsider')).toBeTruthy();
    expect(screen.getByText('6 req/s')).toBeTruthy();
    expect(screen.getByText('3 req/s')).toBeTruthy();
    const usage = screen.getByRole('table', { name: 'Usage and cost, November 2026' });
    expect(within(usage).getByText('€4.50')).toBeTruthy();
    expect(within(usage).getByText('1,500')).toBeTruthy();
    expect(
      screen.getByText(
        'Not available: Audit logs are available on Enterprise plans only. — Upgrade to an Enterprise plan.',
      ),
    ).toBeTruthy();
    expect(await screen.findByText('No invitation is pending.')).toBeTruthy();
  });

  it('admins that could not be told show as "unknown", never a count of 0', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/organization': ok(
        organization({
          sections: { ...organization().sections, members: read('adminMembers') },
          members: {
            total: 3,
            admins: 0,
            adminsKnown: false,
            adminsUnknownReason: "the organization's roles were not read",
            outsiders: 0,
            outsiderAdmins: 0,
          },
        }),
      ),
      'GET /api/v1/integrations/:id/organization/members': ok(page([], read('adminMembers'))),
    });
    renderAt('/organization', [{ path: '/organization', element: <OrganizationPage /> }]);
    const admins = await screen.findByText('unknown');
    expect(admins.getAttribute('title')).toBe("the organization's roles were not read");
    expect(screen.getByText('admins')).toBeTruthy();
  });
});

describe('Feature availability matrix', () => {
  it('adds the rows beyond the product document with the key each needs', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations/:id/availability': ok({
        integrationId: 'int1',
        syncRunId: 'run1',
        checkedAt: '2026-11-30T10:00:00Z',
        betaAccess: true,
        features: [],
        extraCheckedAt: '2026-11-30T10:00:00Z',
        extraFeatures: [
          {
            feature: 'connectors',
            label: 'MCP connectors',
            endpoints: ['GET /v1/connectors'],
            needs: 'apiKey',
            note: 'Beta API',
            status: 'available',
            message: null,
            remediation: null,
            code: null,
          },
          {
            ...noAdminKey('adminApiKeys'),
            label: 'API keys of the organization',
            endpoints: ['GET /v1/admin/api-keys'],
            needs: 'adminKey',
            note: null,
          },
        ],
      }),
    });
    renderAt('/i', [{ path: '/i', element: <AvailabilityMatrix integrationId="int1" /> }]);
    const table = await screen.findByRole('table', { name: 'Beyond the product document' });
    const rows = within(table).getAllByRole('row');
    expect(within(rows[1]).getByText('MCP connectors')).toBeTruthy();
    expect(within(rows[1]).getByText('available')).toBeTruthy();
    expect(within(rows[2]).getByText('Admin key')).toBeTruthy();
    expect(within(rows[2]).getByText('not available')).toBeTruthy();
    expect(
      within(rows[2]).getByText('Add an admin API key: trustlens integration set-admin-key.'),
    ).toBeTruthy();
  });
});

describe('Prompts & skills page', () => {
  const route = [{ path: '/prompts-skills', element: <PromptsSkillsPage /> }];

  it('lists prompts with sharing, versions, aliases and where a credential was found, names as untrusted text', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/prompts': ok(
        page(
          [
            registryObject({
              id: 'p1',
              name: 'triage\u202Eexe',
              title: null,
              versionCount: 3,
              latestVersion: 3,
              aliases: [{ alias: 'production', version: 2 }],
              secretFindings: [
                { version: 2, field: 'definition.content', kind: 'openai_style_key', line: 4, column: 12 },
              ],
            }),
            registryObject({ id: 'p2', name: 'summary', versionCount: null, secretsScanned: false }),
          ],
          read('prompts'),
        ),
      ),
    });
    const { container } = renderAt('/prompts-skills', route);
    const table = await screen.findByRole('table', { name: 'Prompts' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('production → v2')).toBeTruthy();
    expect(within(rows[1]).getByText('credential found')).toBeTruthy();
    expect(within(rows[1]).getByText('v2 definition.content line 4, col 12 (openai style key)')).toBeTruthy();
    expect(within(rows[1]).getByText('⟨U+202E⟩')).toBeTruthy();
    expect(container.innerHTML).not.toContain('\u202E');
    expect(within(rows[2]).getByText('unknown')).toBeTruthy();
    expect(within(rows[2]).getByText('not wholly scanned')).toBeTruthy();
  });

  it('says why skills were not read instead of an empty list', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/skills': ok(
        page([], {
          feature: 'skills',
          status: 'unavailable',
          message: 'The skills API is a beta this key cannot use.',
          remediation: 'Enable beta APIs for the integration.',
          code: 'BETA_REQUIRED',
        }),
      ),
    });
    renderAt('/prompts-skills?tab=skills', route);
    expect(
      await screen.findByText(
        'Not available: The skills API is a beta this key cannot use. — Enable beta APIs for the integration.',
      ),
    ).toBeTruthy();
    expect(screen.queryByText('No skills')).toBeNull();
  });

  it('lists batch jobs: status, model, the agent linked when it exists, "deleted agent" when not', async () => {
    withApi('viewer', {
      'GET /api/v1/integrations': integrations,
      'GET /api/v1/integrations/:id/batch-jobs': ok(
        page(
          [
            batchJob({
              id: 'job1',
              agentId: 'ag1',
              agentExists: true,
              agentName: 'Support bot',
              model: null,
            }),
            batchJob({ id: 'job2', status: 'FAILED', agentId: 'gone', agentExists: false }),
            batchJob({ id: 'job3', status: 'RUNNING', completedAt: null }),
          ],
          read('batchJobs'),
        ),
      ),
    });
    renderAt('/prompts-skills?tab=batch-jobs', route);
    const table = await screen.findByRole('table', { name: 'Batch jobs' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(within(rows[1]).getByRole('link', { name: 'Support bot' }).getAttribute('href')).toBe(
      '/integrations/int1/agents/ag1',
    );
    expect(within(rows[2]).getByText('deleted agent')).toBeTruthy();
    expect(within(rows[2]).queryByRole('link')).toBeNull();
    expect(within(rows[2]).getByText('FAILED')).toBeTruthy();
    expect(within(rows[3]).getByText('no agent')).toBeTruthy();
    expect(within(rows[3]).getByText('10 total · 9 succeeded · 1 failed')).toBeTruthy();
  });
});
