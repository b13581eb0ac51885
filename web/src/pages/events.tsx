import { Page } from '../components/page';

// Being built in this session (issue 10).
export function EventsPage() {
  return <Page title="EventsPage">{null}</Page>;
}
