import { Page } from '../components/page';

// Being built in this session (issue 10).
export function IntegrationNewPage() {
  return <Page title="IntegrationNewPage">{null}</Page>;
}
