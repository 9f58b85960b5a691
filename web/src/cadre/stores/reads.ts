// Reads that still answer offline: each GET's last answer is kept on the
// phone (per user), and shown with the time it was fetched when the
// network does not answer.
import { api, NetworkError } from '../api';
import { readCache, writeCache } from '../db';
import { useSession } from './session';

export interface Read<T> {
  data: T;
  /** When the data was fetched (ms); old when `offline`. */
  at: number;
  /** The network did not answer: this is the saved copy. */
  offline: boolean;
}

/** GET `path`; on no signal, the copy saved last time (or NetworkError if none). */
export async function cachedGet<T>(path: string): Promise<Read<T>> {
  const session = useSession();
  const key = `${session.user?.username ?? ''}:${path}`;
  // Known to be offline: skip the request (it would only time out).
  if (!session.offline && navigator.onLine) {
    try {
      const data = await api<T>('GET', path);
      await writeCache(key, data).catch(() => undefined);
      return { data, at: Date.now(), offline: false };
    } catch (e) {
      if (!(e instanceof NetworkError)) throw e;
    }
  }
  const saved = await readCache<T>(key).catch(() => undefined);
  if (!saved) throw new NetworkError('no saved copy');
  return { data: saved.data, at: saved.at, offline: true };
}
