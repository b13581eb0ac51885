/**
 * Settings → Alerts (/settings/alerts): destinations, alert rules and the delivery log, one tab each
 * (the tab is in the URL). Everyone signed in reads them; only admins change them (the buttons are
 * hidden for others, and the server refuses anyway).
 */
import { Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useCan } from '../../api/session';
import { Page } from '../../components/page';
import { ErrorState, Loading } from '../../components/states';
import { DeliveriesSection } from './alerts-deliveries';
import { DESTINATIONS_KEY, DestinationsSection } from './alerts-destinations';
import { RULES_KEY, RulesSection } from './alerts-rules';

const TABS = [
  { value: 'destinations', label: 'Destinations' },
  { value: 'rules', label: 'Alert rules' },
  { value: 'deliveries', label: 'Delivery log' },
] as const;
type Tab = (typeof TABS)[number]['value'];

const DESCRIPTION =
  'After each sync, new findings and risky changes are sent to your webhooks or Slack. Test a destination, then add a rule.';

export function AlertsPage() {
  const isAdmin = useCan('admin');
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab');
  const tab: Tab = TABS.some((t) => t.value === raw) ? (raw as Tab) : 'destinations';

  const destinations = useQuery({
    queryKey: DESTINATIONS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/alerts/destinations')),
  });
  const rules = useQuery({
    queryKey: RULES_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/alerts/rules')),
  });
  const integrations = useQuery({
    queryKey: ['integrations'],
    queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { limit: 200 } } })),
  });
  const integrationNames = new Map((integrations.data?.items ?? []).map((i) => [i.id, i.name]));
  const destinationItems = destinations.data?.items ?? [];

  return (
    <Page title="Alerts" description={DESCRIPTION}>
      {!isAdmin && (
        <Text size="sm" c="dimmed">
          You can read the alert settings; only admins can change them.
        </Text>
      )}
      <Tabs
        value={tab}
        onChange={(v) => {
          const next = new URLSearchParams(params);
          if (!v || v === 'destinations') next.delete('tab');
          else next.set('tab', v);
          if (v !== 'deliveries') for (const k of ['dstatus', 'destination', 'delivery']) next.delete(k);
          setParams(next, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Alert settings">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="destinations" pt="md">
          {destinations.isPending ? (
            <Loading rows={3} label="Loading the destinations" />
          ) : destinations.error ? (
            <ErrorState error={destinations.error} onRetry={() => void destinations.refetch()} />
          ) : (
            <DestinationsSection destinations={destinationItems} isAdmin={isAdmin} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="rules" pt="md">
          {rules.isPending || destinations.isPending ? (
            <Loading rows={3} label="Loading the alert rules" />
          ) : rules.error || destinations.error ? (
            <ErrorState
              error={rules.error ?? destinations.error}
              onRetry={() => {
                void rules.refetch();
                void destinations.refetch();
              }}
            />
          ) : (
            <RulesSection
              rules={rules.data.items}
              destinations={destinationItems}
              integrationNames={integrationNames}
              isAdmin={isAdmin}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="deliveries" pt="md">
          <Stack gap="sm">
            <DeliveriesSection destinations={destinationItems} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}
