import { Page } from '../components/page';

// Being built in this session (issue 10).
export function UsersPage() {
  return <Page title="Users">{null}</Page>;
}
export function TokensPage() {
  return <Page title="API tokens">{null}</Page>;
}
export function AuditLogPage() {
  return <Page title="Audit log">{null}</Page>;
}
