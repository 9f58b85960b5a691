// The cadre's households (GET /api/v1/me/households), one row each: a
// household the cadre both contacts and assists comes twice from the API
// (one duty per pairing) and is shown once, with both pairings and the
// earlier of the two dates due.
import { defineStore } from 'pinia';
import { NetworkError } from '../api';
import { cachedGet } from './reads';

export interface LastVisit {
  date: string;
  kind: string;
  direct: boolean;
}

interface Duty {
  household: string;
  head_name: string;
  pairing: 'contact' | 'assistance';
  since: string;
  last_visit: LastVisit | null;
  next_due: string;
  overdue: boolean;
}

export interface Household {
  household: string;
  head_name: string;
  pairings: ('contact' | 'assistance')[];
  last_visit: LastVisit | null;
  next_due: string;
  overdue: boolean;
}

export function mergeDuties(duties: Duty[]): Household[] {
  const byCode = new Map<string, Household>();
  const order: Household[] = [];
  for (const d of duties) {
    const seen = byCode.get(d.household);
    if (!seen) {
      const row: Household = {
        household: d.household,
        head_name: d.head_name,
        pairings: [d.pairing],
        last_visit: d.last_visit,
        next_due: d.next_due,
        overdue: d.overdue,
      };
      byCode.set(d.household, row);
      order.push(row);
      continue;
    }
    // The API sorts overdue first, then by date due: the first row of a
    // household is its most pressing duty already.
    if (!seen.pairings.includes(d.pairing)) seen.pairings.push(d.pairing);
    seen.overdue ||= d.overdue;
  }
  // Assistance (包扶) first when both: it has the shorter cadence.
  for (const row of order) row.pairings.sort();
  return order;
}

export const useHouseholds = defineStore('households', {
  state: () => ({
    items: [] as Household[],
    at: 0,
    offline: false,
    loaded: false,
    error: '' as string,
  }),
  getters: {
    byCode: (s) => new Map(s.items.map((h) => [h.household, h])),
  },
  actions: {
    async load() {
      try {
        const read = await cachedGet<{ items: Duty[] }>('/api/v1/me/households');
        this.items = mergeDuties(read.data.items);
        this.at = read.at;
        this.offline = read.offline;
        this.error = '';
      } catch (e) {
        // 'offline': no signal and nothing saved yet; else the server's words.
        this.error = e instanceof NetworkError ? 'offline' : e instanceof Error ? e.message : String(e);
      }
      this.loaded = true;
    },
    /** The name to show for a household code (tasks and appeals carry codes). */
    nameOf(code: string | null | undefined): string {
      return (code && this.byCode.get(code)?.head_name) || '';
    },
  },
});
