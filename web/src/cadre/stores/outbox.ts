// Writes on their way to the server: a cadre's visits and an inspector's
// checklists. Every one goes through here, with or without signal, so they
// reach the server in the order they were made. Sending stops at the first
// one that cannot go now and tries again later; what the server refuses is
// set aside, with its reason.
//
//   201                     sent: removed from the queue
//   200 (repeated)          it had arrived before, its answer lost: the
//                           server found it by its client_id; removed too
//   200 (a checklist)       stored; sent twice, the second overwrites the
//                           first with the same answers
//   no answer, 408/429/5xx  kept, in order, for the next try
//   401 (or CSRF refused)   kept; the cadre is asked to sign in again
//   other 4xx (400 a bad field, 403, 404 a household no longer the
//   cadre's, 409 an inspection closed meanwhile …)
//                           a conflict: moved to "not sent" with the
//                           server's message, until the user discards it
import { defineStore } from 'pinia';
import { api, ApiError, NetworkError } from '../api';
import { chinaToday } from '../dates';
import { db, isCheck, type Draft, type FailedEntry, type QueuedCheck, type QueuedEntry, type QueuedVisit } from '../db';
import { useSession } from './session';

/** The API's body for a queued visit. */
export function visitBody(v: QueuedVisit, today = chinaToday()): Record<string, unknown> {
  const body: Record<string, unknown> = { household: v.household, kind: v.kind };
  if (v.client_id) body.client_id = v.client_id;
  if (v.heard) body.heard = v.heard;
  if (v.promised) body.promised = v.promised;
  if (v.task && v.promised) body.task = {};
  if (v.appeal) body.appeal = v.appeal;
  // Today's visit leaves the date to the server (the phone's clock may be
  // off); one that waited past midnight keeps the day it happened.
  if (v.date !== today) body.date = v.date;
  return body;
}

/** The API's body for a queued checklist (inspection_api.cpp Check). */
export function checkBody(c: QueuedCheck): Record<string, unknown> {
  const body: Record<string, unknown> = { household: c.household, knows_cadre: c.knows_cadre, visits: c.visits };
  if (c.satisfaction) body.satisfaction = c.satisfaction;
  if (c.findings) body.findings = c.findings;
  if (c.task && c.findings) body.task = true;
  return body;
}

/** Where a queued entry goes, and what it says. */
function request(entry: QueuedEntry): [string, Record<string, unknown>] {
  if (isCheck(entry)) return [`/api/v1/inspections/${encodeURIComponent(entry.inspection)}/checks`, checkBody(entry)];
  return ['/api/v1/visits', visitBody(entry)];
}

let running: Promise<void> | null = null;
let rerun = false;

export type SendResult = 'sent' | 'queued' | 'refused';

export const useOutbox = defineStore('outbox', {
  state: () => ({
    pending: [] as QueuedEntry[],
    failed: [] as FailedEntry[],
    sending: false,
    /** Counts up whenever entries reach the server, so lists reload. */
    sentCount: 0,
    /** Why the last try stopped: '' | 'network' | 'signin'. */
    stopped: '' as '' | 'network' | 'signin',
  }),
  actions: {
    async refresh() {
      const user = useSession().user?.username;
      const database = await db();
      const mine = <T extends { user: string }>(items: T[]) => items.filter((i) => i.user === user);
      this.pending = mine(await database.getAll('outbox'));
      this.failed = mine(await database.getAll('failed'));
    },
    /**
     * Queues a visit or a checklist and sends the queue. 'sent' when this
     * entry reached the server, 'refused' when the server turned it down (now
     * in `failed`, returned too), 'queued' when it waits for signal or a new
     * sign-in.
     */
    async add(draft: Draft): Promise<{ result: SendResult; failed?: FailedEntry }> {
      const user = useSession().user?.username;
      if (!user) throw new Error('not signed in');
      // getRandomValues, not randomUUID: the latter needs https, and a county
      // may serve plain http on its own network.
      const random = crypto.getRandomValues(new Uint8Array(16));
      const client_id = Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('');
      const item: QueuedEntry = { ...draft, user, queued_at: Date.now(), client_id };
      const id = (await (await db()).add('outbox', item)) as number;
      await this.refresh();
      await this.flush();
      if (this.pending.some((p) => p.id === id)) return { result: 'queued' };
      const failed = this.failed.find((f) => f.id === id);
      return failed ? { result: 'refused', failed } : { result: 'sent' };
    },
    /**
     * Sends what waits, oldest first. One run at a time: a call during a run
     * waits for it, and the run goes round again for what was added meanwhile.
     */
    flush(): Promise<void> {
      if (running) {
        rerun = true;
        return running;
      }
      running = (async () => {
        do {
          rerun = false;
          await this.sendAll();
        } while (rerun && !this.stopped);
      })().finally(() => {
        running = null;
      });
      return running;
    },
    async sendAll() {
      const session = useSession();
      if (!session.user || session.offline || !navigator.onLine) {
        this.stopped = 'network';
        return;
      }
      this.sending = true;
      this.stopped = '';
      let sent = 0;
      try {
        await this.refresh();
        const database = await db();
        for (const item of [...this.pending].sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
          try {
            await api('POST', ...request(item));
            await database.delete('outbox', item.id!);
            sent++;
          } catch (e) {
            if (e instanceof NetworkError || (e instanceof ApiError && e.transient)) {
              this.stopped = 'network';
              break;
            }
            if (e instanceof ApiError && e.needsSignIn) {
              this.stopped = 'signin';
              break;
            }
            if (!(e instanceof ApiError)) throw e;
            const failed: FailedEntry = {
              ...item,
              id: item.id!,
              status: e.status,
              message: e.message,
              failed_at: Date.now(),
            };
            // Both or neither: an entry is never in both lists, nor in none.
            const txn = database.transaction(['outbox', 'failed'], 'readwrite');
            await Promise.all([
              txn.objectStore('failed').put(failed),
              txn.objectStore('outbox').delete(item.id!),
              txn.done,
            ]);
          }
        }
      } finally {
        this.sending = false;
        await this.refresh();
        if (sent) this.sentCount += sent;
      }
    },
    /** Takes back an entry still waiting (a newer answer replaces it). */
    async drop(id: number) {
      await (await db()).delete('outbox', id);
      await this.refresh();
    },
    async discard(id: number) {
      await (await db()).delete('failed', id);
      await this.refresh();
    },
    /** Visits waiting for this household (shown on its row). */
    pendingFor(household: string): QueuedVisit[] {
      return this.pending.filter((p): p is QueuedVisit => !isCheck(p) && p.household === household);
    },
    /** Checklists waiting for an inspection (for one household of it). */
    pendingChecks(inspection: string, household?: string): QueuedCheck[] {
      return this.pending.filter(
        (p): p is QueuedCheck => isCheck(p) && p.inspection === inspection && (!household || p.household === household),
      );
    },
  },
});
