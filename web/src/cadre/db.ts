// What the phone keeps between visits (IndexedDB, through idb):
//   outbox  what was written and not yet accepted by the server, sent in
//           order: a cadre's visits, and an inspector's checklists (one
//           queue: whatever the role, a write made without signal waits
//           and goes the same way)
//   failed  entries the server refused (4xx), kept with its message until
//           the user discards them, so no diary entry vanishes silently
//   cache   the last answer of each read (households, tasks, appeals), and
//           who last signed in, so the app still shows something offline
// Every record carries the username: a phone passed to another cadre never
// sends one cadre's visits under the other's name, nor shows their data.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export interface VisitDraft {
  household: string;
  head_name: string;
  kind: string;
  /** The China day the visit was logged on (YYYY-MM-DD). */
  date: string;
  heard?: string;
  promised?: string;
  /** The promise becomes the cadre's own task (the API's "task": {}). */
  task?: boolean;
  /** The promise becomes an appeal routed to the cadre (the API's "appeal"). */
  appeal?: { type: string; topic: string; content?: string };
}

/** How an inspector answered the checklist for one sampled household
 *  (不打招呼督查; POST /api/v1/inspections/{id}/checks). */
export interface CheckDraft {
  what: 'check';
  inspection: string;
  household: string;
  head_name: string;
  /** The China day the checklist was filled in (shown while it waits; the
   *  API takes no date and stamps the check when it arrives). */
  date: string;
  knows_cadre: boolean;
  visits: 'yes' | 'partly' | 'no' | 'none_logged';
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'unsatisfied';
  findings?: string;
  /** The finding becomes a task for the household's contact cadre. */
  task?: boolean;
}

/** What waits in the queue besides the entry itself. */
interface Queued {
  id?: number;
  /** This entry's own random name (32 hex digits): a visit sent again after a
   *  lost answer is found by it instead of being recorded twice. */
  client_id?: string;
  user: string;
  queued_at: number;
}

/** Visits carry no `what`: they were queued before anything else was. */
export type QueuedVisit = VisitDraft & { what?: undefined } & Queued;
export type QueuedCheck = CheckDraft & Queued;
export type QueuedEntry = QueuedVisit | QueuedCheck;
export type Draft = (VisitDraft & { what?: undefined }) | CheckDraft;

interface Refusal {
  id: number;
  status: number;
  message: string;
  failed_at: number;
}
export type FailedVisit = QueuedVisit & Refusal;
export type FailedEntry = QueuedEntry & Refusal;

export function isCheck<T extends { what?: string }>(entry: T): entry is Extract<T, { what: 'check' }> {
  return entry.what === 'check';
}

export interface Cached<T = unknown> {
  key: string;
  data: T;
  at: number;
}

interface CadreDB extends DBSchema {
  outbox: { key: number; value: QueuedEntry };
  failed: { key: number; value: FailedEntry };
  cache: { key: string; value: Cached };
}

let opened: Promise<IDBPDatabase<CadreDB>> | null = null;

export function db(): Promise<IDBPDatabase<CadreDB>> {
  opened ??= openDB<CadreDB>('lianxin-cadre', 1, {
    upgrade(database) {
      database.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
      database.createObjectStore('failed', { keyPath: 'id' });
      database.createObjectStore('cache', { keyPath: 'key' });
    },
  });
  return opened;
}

export async function readCache<T>(key: string): Promise<Cached<T> | undefined> {
  return (await (await db()).get('cache', key)) as Cached<T> | undefined;
}

export async function writeCache(key: string, data: unknown): Promise<void> {
  await (await db()).put('cache', { key, data, at: Date.now() });
}

/** Forgets one user's saved reads (on sign-out: the phone may be lent). */
export async function clearCache(user: string): Promise<void> {
  const database = await db();
  const keys = await database.getAllKeys('cache');
  await Promise.all(keys.filter((k) => k.startsWith(user + ':')).map((k) => database.delete('cache', k)));
}
