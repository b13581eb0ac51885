import { Page } from '../components/page';

// Being built in this session (issue 10).
export function OverviewPage() {
  return <Page title="OverviewPage">{null}</Page>;
}
