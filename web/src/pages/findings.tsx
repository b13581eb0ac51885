import { Page } from '../components/page';

// Being built in this session (issue 10).
export function FindingsPage() {
  return <Page title="FindingsPage">{null}</Page>;
}
