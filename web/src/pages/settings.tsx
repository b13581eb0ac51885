/**
 * Settings: users and your account (/settings/users), API tokens (/settings/tokens) and the audit
 * log (/settings/audit-log). The pages live in ./settings/.
 */
export { UsersPage } from './settings/users';
export { TokensPage } from './settings/tokens';
export { AuditLogPage } from './settings/audit-log';
export { AccountPage } from './settings/account';
