// What the phone keeps between visits (IndexedDB, through idb):
//   outbox  visits logged and not yet accepted by the server, sent in order
//   failed  visits the server refused (4xx), kept with its message until
//           the cadre discards them, so no diary entry vanishes silently
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

export interface QueuedVisit extends VisitDraft {
  id?: number;
  /** This visit's own random name (32 hex digits): sent again after a lost
   *  answer, the server finds it instead of recording it twice. */
  client_id?: string;
  user: string;
  queued_at: number;
}

export interface FailedVisit extends QueuedVisit {
  id: number;
  status: number;
  message: string;
  failed_at: number;
}

export interface Cached<T = unknown> {
  key: string;
  data: T;
  at: number;
}

interface CadreDB extends DBSchema {
  outbox: { key: number; value: QueuedVisit };
  failed: { key: number; value: FailedVisit };
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
