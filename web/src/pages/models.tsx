import { Page } from '../components/page';

// Being built in this session (issue 10).
export function ModelsPage() {
  return <Page title="ModelsPage">{null}</Page>;
}
