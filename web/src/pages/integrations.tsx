import { Page } from '../components/page';

// Being built in this session (issue 10).
export function IntegrationsPage() {
  return <Page title="IntegrationsPage">{null}</Page>;
}
