import { Page } from '../components/page';

// Being built in this session (issue 10).
export function AgentsPage() {
  return <Page title="AgentsPage">{null}</Page>;
}
