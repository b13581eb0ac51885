import { Page } from '../components/page';

// Being built in this session (issue 10).
export function AgentDetailPage() {
  return <Page title="AgentDetailPage">{null}</Page>;
}
