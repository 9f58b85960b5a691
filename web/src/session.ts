// Who is signed in, and what the menu offers them. The roles that may use
// each page mirror the API's allow table (src/http/access.cpp); the API
// still decides every request.
import { defineStore } from 'pinia';
import { api, setCsrf } from './api';

export interface User {
  username: string;
  display_name: string;
  roles: string[];
  scope: { kind: string; code: string };
}

const registryReaders = ['county_admin', 'township_admin', 'unit_head', 'cadre', 'operator', 'inspector', 'discipline'];

// The pages grouped under 登记库 in the menu, each at /registry/KIND
// (households keep their own /households).
export const registryPages = ['households', 'regions', 'units', 'orgs', 'cadres'];
export const pagePath = (page: string) =>
  registryPages.includes(page) && page !== 'households' ? '/registry/' + page : '/' + page;

export const pageRoles: Record<string, string[]> = {
  dashboard: ['county_admin', 'township_admin', 'inspector', 'discipline'],
  appeals: ['operator', 'county_admin', 'township_admin', 'unit_head', 'inspector', 'discipline'],
  households: ['county_admin', 'township_admin', 'unit_head', 'cadre', 'discipline'],
  // The registry's other kinds (登记库): GET /api/v1/{regions,units,orgs,cadres}
  // are read by everyone with business data, within their scope.
  regions: registryReaders,
  units: registryReaders,
  orgs: registryReaders,
  cadres: registryReaders,
  import: ['county_admin', 'township_admin'],
  exports: ['county_admin', 'township_admin', 'unit_head'],
  pairing: ['county_admin', 'township_admin'],
  // Oversight (PRODUCT.md §4): GET /api/v1/notice, /bulletin and
  // /inspections are read by those who oversee a region; the callback list
  // by the county's admins, its operators, inspectors and discipline office.
  notices: ['county_admin', 'township_admin', 'inspector', 'discipline'],
  bulletin: ['county_admin', 'township_admin', 'inspector', 'discipline'],
  inspections: ['county_admin', 'township_admin', 'inspector', 'discipline'],
  callbacks: ['county_admin', 'operator', 'inspector', 'discipline'],
  // The 八项规定 ledger: GET /api/v1/ledger and its calendar are read by
  // those who keep a ledger (units' heads, townships' and the county's
  // admins) and those who oversee them.
  ledger: ['county_admin', 'township_admin', 'unit_head', 'inspector', 'discipline'],
  // 三员分立: each of the three admins sees its own console and nothing else.
  accounts: ['sysadmin'],
  security: ['secadmin'],
  audit: ['auditor'],
  // The admin furniture of PRODUCT.md §7, kept inside the same separation:
  // 在线用户 (GET /api/v1/sessions) is the security admin's, 服务监控
  // (GET /api/v1/system/health) the system admin's.
  online: ['secadmin'],
  health: ['sysadmin'],
  // 参数与字典 (GET /api/v1/settings): the system admin's to change (PUT,
  // reset), the county admin's and the auditor's to read.
  settings: ['sysadmin', 'county_admin', 'auditor'],
};

// Actions within a page that fewer roles may take, from the same table:
// POST /api/v1/pairing/run and /api/v1/pairing/pins are the county admin's.
export const actionRoles: Record<string, string[]> = {
  runPairing: ['county_admin'],
  // POST and PUT /api/v1/{kind}: the county's and townships' admins change
  // the registry.
  editRegistry: ['county_admin', 'township_admin'],
  fileAppeal: ['operator', 'county_admin', 'township_admin'],
  pin: ['county_admin'],
  // POST /api/v1/notices is the county admin's; inspections are drawn,
  // checked and closed by county admins and inspectors; callbacks drawn by
  // them too, and their outcomes recorded by operators as well. The
  // discipline office reads all of it and writes none.
  publishNotice: ['county_admin'],
  inspect: ['county_admin', 'inspector'],
  drawCallbacks: ['county_admin', 'inspector'],
  recordCallback: ['county_admin', 'operator', 'inspector'],
  // The ledger: POST /api/v1/ledger/meetings, /receptions and /expenses by
  // those who keep one, for their own; the no-meeting months and their
  // exemptions (POST /api/v1/ledger/calendar, "exempt") the county admin's,
  // who alone may keep an entry for a unit of the county ("unit");
  // the year-end inspection (GET /api/v1/ledger/yearend) for those who
  // oversee a region, its audit export (/ledger/audit) for the county admin
  // and the discipline office.
  keepLedger: ['county_admin', 'township_admin', 'unit_head'],
  ledgerForUnit: ['county_admin'],
  setNoMeetingMonths: ['county_admin'],
  exemptMeeting: ['county_admin'],
  ledgerYearEnd: ['county_admin', 'township_admin', 'inspector', 'discipline'],
  ledgerAudit: ['county_admin', 'discipline'],
  // GET /api/v1/users and /api/v1/approvals: the system admin's, and the
  // security admin's read (its console lists them); the acts are one admin's.
  listAccounts: ['sysadmin', 'secadmin'],
  createAccount: ['sysadmin'],
  disableAccount: ['sysadmin'],
  resetPassword: ['sysadmin'],
  approve: ['secadmin'],
  setRoles: ['secadmin'],
  unlock: ['secadmin'],
  resetTotp: ['secadmin'],
  // POST /api/v1/sessions/{id}/revoke: signing someone out (强制下线).
  revokeSession: ['secadmin'],
};

export const useSession = defineStore('session', {
  state: () => ({
    user: null as User | null,
    mustChangePassword: false,
    mustEnrolTotp: false,
    loaded: false,
  }),
  getters: {
    can: (state) => (page: string) => !!state.user?.roles.some((role) => pageRoles[page]?.includes(role)),
    may: (state) => (action: string) => !!state.user?.roles.some((role) => actionRoles[action]?.includes(role)),
  },
  actions: {
    apply(answer: any) {
      this.user = answer.user;
      this.mustChangePassword = !!answer.must_change_password;
      this.mustEnrolTotp = !!answer.must_enrol_totp;
      this.loaded = true;
    },
    async load() {
      try {
        this.apply(await api('GET', '/api/v1/me'));
      } catch {
        this.user = null;
        this.loaded = true;
      }
    },
    async signIn(username: string, password: string, totp: string) {
      const body: Record<string, string> = { username, password };
      if (totp) body.totp = totp;
      const answer = await api('POST', '/api/v1/session', body);
      setCsrf(answer.csrf_token);
      this.apply(answer);
    },
    async signOut() {
      try {
        await api('DELETE', '/api/v1/session');
      } finally {
        setCsrf(null);
        this.user = null;
      }
    },
  },
});
