// What the three admins' consoles share (三员分立: Accounts.vue for the
// system admin, Security.vue for the security admin, Audit.vue for the
// auditor): the account as GET /api/v1/users answers it, the changes waiting
// in GET /api/v1/approvals, and how roles, scopes and times read.
import { api } from '../api';

export interface Scope {
  kind: string;
  code: string;
}

export interface Account {
  username: string;
  display_name: string;
  roles: string[];
  scope: Scope;
  disabled: boolean;
  locked: boolean;
  must_change_password: boolean;
  totp_confirmed: boolean;
  last_login_millis: number;
}

export interface Pending {
  username: string;
  kind: 'grant' | 'password_reset';
  requested_by: string;
  requested_millis: number;
  roles?: string[];
  scope?: Scope;
}

// The three admins' roles: their accounts are the local operator's alone
// (`lianxin user` on the server); the API answers admin_protected otherwise.
export const adminRoles = ['sysadmin', 'secadmin', 'auditor'];
// The roles an admin may ask for (sysadmin) or grant (secadmin), in the
// order of PRODUCT.md's table.
export const businessRoles = [
  'county_admin', 'township_admin', 'unit_head', 'cadre', 'operator', 'inspector', 'discipline', 'household',
];
export const scopeKinds = ['none', 'region', 'unit', 'cadre'];

export const isAdminAccount = (account: Account) => account.roles.some((role) => adminRoles.includes(role));

type T = (key: string, named?: Record<string, unknown>) => string;

export function roleList(t: T, roles: string[] | undefined): string {
  return roles?.length ? roles.map((role) => t('roles.' + role)).join(t('accounts.separator')) : t('accounts.noRole');
}

export function scopeText(t: T, scope: Scope | undefined): string {
  if (!scope || scope.kind === 'none' || !scope.kind) return t('scopeKinds.none');
  return `${t('scopeKinds.' + scope.kind)} ${scope.code}`;
}

// Times as the county reads them: China time, whatever the browser's zone.
const china = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
export function when(millis: number | null | undefined): string {
  return millis ? china.format(new Date(millis)) : '—';
}
// The same for a time the API answers as text (ChinaIsoTime, "…+08:00").
export function whenIso(iso: string | null | undefined): string {
  return when(iso ? Date.parse(iso) : null);
}
// "YYYY-MM-DD" or "YYYY-MM-DDTHH:mm" read as China time, in Unix milliseconds.
export function chinaMillis(text: string): number | null {
  if (!text) return null;
  const millis = Date.parse((text.length === 10 ? text + 'T00:00' : text.slice(0, 16)) + ':00+08:00');
  return Number.isNaN(millis) ? null : millis;
}

// The account list and, by account, what waits for the security admin.
export async function loadAccounts(): Promise<Account[]> {
  return (await api<{ items: Account[] }>('GET', '/api/v1/users')).items;
}
export async function loadPending(): Promise<Map<string, Pending[]>> {
  const items = (await api<{ items: Pending[] }>('GET', '/api/v1/approvals')).items;
  const byAccount = new Map<string, Pending[]>();
  for (const item of items) byAccount.set(item.username, [...(byAccount.get(item.username) ?? []), item]);
  return byAccount;
}

// What one pending change asks for, in words.
export function pendingText(t: T, change: Pending): string {
  return change.kind === 'grant'
    ? t('approvals.grant', { roles: roleList(t, change.roles), scope: scopeText(t, change.scope) })
    : t('approvals.passwordReset');
}
