import { Page } from '../components/page';

// Being built in this session (issue 10).
export function IntegrationPage() {
  return <Page title="IntegrationPage">{null}</Page>;
}
