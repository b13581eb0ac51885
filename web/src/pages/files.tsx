import { Page } from '../components/page';

// Being built in this session (issue 10).
export function FilesPage() {
  return <Page title="FilesPage">{null}</Page>;
}
