import { Page } from '../components/page';

// Being built in this session (issue 10).
export function LibrariesPage() {
  return <Page title="LibrariesPage">{null}</Page>;
}
