// Who is using the app. Three situations:
//   signed in       the server knows the session and this tab holds its
//                   CSRF token: reads and writes go to the server;
//   offline         no signal, but this phone was last used by `user`: the
//                   app shows what it saved and queues visits for them;
//   signed out      (or the session ended): sign in, the queue stays.
import { defineStore } from 'pinia';
import { api, ApiError, csrfToken, NetworkError, setCsrf } from '../api';
import { clearCache, db, readCache, writeCache } from '../db';

export interface User {
  username: string;
  display_name: string;
  roles: string[];
  scope: { kind: string; code: string };
}

interface SessionAnswer {
  csrf_token?: string;
  user: User;
  must_change_password: boolean;
  must_enrol_totp: boolean;
}

const LAST_USER = 'last-user';

export const useSession = defineStore('session', {
  state: () => ({
    user: null as User | null,
    /** True when `user` comes from the phone, not from the server. */
    offline: false,
    /** The session ended while in use: say so on the sign-in page. */
    expired: false,
    /** Signed in on the server, but this tab cannot write: sign in again. */
    again: '' as string,
    mustChangePassword: false,
    mustEnrolTotp: false,
    loaded: false,
  }),
  getters: {
    /** The desktop must be used first (a new password, or TOTP enrolment). */
    restricted: (s) => s.mustChangePassword || s.mustEnrolTotp,
    isCadre: (s) => s.user?.scope.kind === 'cadre',
    /** An inspector (督查员) without households of its own: its home is the
     *  open inspections (PRODUCT.md §4, 不打招呼督查). */
    inspects: (s) => !!s.user && s.user.scope.kind !== 'cadre' && s.user.roles.includes('inspector'),
  },
  actions: {
    async load() {
      try {
        const answer = await api<SessionAnswer>('GET', '/api/v1/me');
        // Without this tab's CSRF token nothing can be written: sign in again
        // (sessionStorage goes when the app is closed; the cookie may not).
        if (!csrfToken()) {
          this.user = null;
          this.offline = false;
          this.again = answer.user.username;
        } else {
          this.apply(answer);
        }
      } catch (e) {
        this.user = null;
        this.offline = false;
        if (e instanceof NetworkError) {
          const last = await readCache<User>(LAST_USER).catch(() => undefined);
          if (last) {
            this.user = last.data;
            this.offline = true;
          }
        } else if (!(e instanceof ApiError)) {
          throw e;
        }
      }
      this.loaded = true;
    },
    apply(answer: SessionAnswer) {
      this.user = answer.user;
      this.offline = false;
      this.expired = false;
      this.again = '';
      this.mustChangePassword = !!answer.must_change_password;
      this.mustEnrolTotp = !!answer.must_enrol_totp;
      this.loaded = true;
      void writeCache(LAST_USER, answer.user).catch(() => undefined);
    },
    async signIn(username: string, password: string, totp: string) {
      const body: Record<string, string> = { username, password };
      if (totp) body.totp = totp;
      const answer = await api<SessionAnswer>('POST', '/api/v1/session', body);
      setCsrf(answer.csrf_token ?? null);
      this.apply(answer);
    },
    /** The server said the session is over: keep the queue, ask to sign in. */
    ended() {
      setCsrf(null);
      this.user = null;
      this.offline = false;
      this.expired = true;
    },
    async signOut() {
      const who = this.user?.username;
      try {
        await api('DELETE', '/api/v1/session');
      } catch {
        // Offline or already ended: forgetting it here is what matters.
      }
      setCsrf(null);
      this.user = null;
      this.offline = false;
      if (who) {
        // The saved reads hold households' names: not for the next person.
        // Queued visits stay, and go once the same cadre signs in again.
        await clearCache(who).catch(() => undefined);
        await (await db()).delete('cache', LAST_USER).catch(() => undefined);
      }
    },
  },
});
