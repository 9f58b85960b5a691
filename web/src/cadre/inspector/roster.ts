// What an inspector needs in a village, where there may be no signal: each
// sampled household's head, its village, its contact cadre (the inspection
// names them), and the visits logged for it (what the inspector asks
// about), looked up once with signal. Kept on the phone — only these few
// fields, not the records they come from (members, ID numbers stay on the
// server).
import { defineStore } from 'pinia';
import { api } from '../api';
import { readCache, writeCache } from '../db';
import { online } from '../network';
import { useSession } from '../stores/session';
import type { Inspection } from './types';

export interface LoggedVisit {
  date: string;
  kind: string;
  direct: boolean;
}

export interface RosterHousehold {
  head_name: string;
  /** The newest few, newest first. */
  visits: LoggedVisit[];
  /** All the visits the server lists for it. */
  visits_total: number;
}

export interface Roster {
  regions: Record<string, string>;
  cadres: Record<string, string>;
  households: Record<string, RosterHousehold>;
}

// How many logged visits the checklist shows; the inspector asks about
// each, and older ones are counted.
const SHOWN_VISITS = 5;
// Requests at once: enough to be quick on an office's network, few enough
// for a county's server and a phone's.
const PARALLEL = 4;

const empty = (): Roster => ({ regions: {}, cadres: {}, households: {} });

// One preparation at a time: a second waits for the first, then finds
// little or nothing left to look up.
let queue: Promise<void> = Promise.resolve();

interface Page<T> {
  items: T[];
  next: string | null;
}

async function regionsUnder(region: string): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  let cursor: string | null = null;
  do {
    const query: string = `region=${encodeURIComponent(region)}&limit=1000${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`;
    const page: Page<{ code: string; name: string }> = await api('GET', `/api/v1/regions?${query}`);
    for (const r of page.items) names[r.code] = r.name;
    cursor = page.next;
  } while (cursor);
  return names;
}

async function household(code: string, head_name: string): Promise<RosterHousehold> {
  const logged = await api<{ items: LoggedVisit[] }>('GET', `/api/v1/households/${encodeURIComponent(code)}/visits`);
  return {
    head_name,
    visits: logged.items.slice(0, SHOWN_VISITS).map(({ date, kind, direct }) => ({ date, kind, direct })),
    visits_total: logged.items.length,
  };
}

export const useRoster = defineStore('roster', {
  state: () => ({
    /** Whose names these are (an inspection's id). */
    inspection: '',
    data: empty(),
    /** Lookups done and to do while preparing. */
    done: 0,
    all: 0,
    preparing: false,
  }),
  getters: {
    /** Every sampled household's names are on the phone. */
    complete(): boolean {
      return !this.preparing && this.all > 0 && this.done >= this.all;
    },
  },
  actions: {
    key(id: string): string {
      return `${useSession().user?.username ?? ''}:roster:${id}`;
    },
    /**
     * Shows what the phone kept for `inspection`, then, with signal, looks
     * up what is missing, the households in the order drawn.
     */
    prepare(inspection: Inspection): Promise<void> {
      queue = queue.then(() => this.prepareNow(inspection)).catch(() => undefined);
      return queue;
    },
    async prepareNow(inspection: Inspection) {
      if (this.inspection !== inspection.id) {
        this.inspection = inspection.id;
        this.data = (await readCache<Roster>(this.key(inspection.id)).catch(() => undefined))?.data ?? empty();
      }
      const roster = this.data;
      const jobs: (() => Promise<void>)[] = [];
      if (!roster.regions[inspection.region]) {
        jobs.push(async () => {
          Object.assign(roster.regions, await regionsUnder(inspection.region));
        });
      }
      for (const row of inspection.checks) {
        if (row.village_name) roster.regions[row.village] = row.village_name;
        if (row.cadre && row.cadre_name) roster.cadres[row.cadre] = row.cadre_name;
        if (!roster.households[row.household]) {
          jobs.push(async () => {
            roster.households[row.household] = await household(row.household, row.head_name);
          });
        }
      }
      const total = inspection.checks.length;
      this.all = total;
      this.done = total - inspection.checks.filter((r) => !roster.households[r.household]).length;
      if (!jobs.length) return;
      const session = useSession();
      if (session.offline || !online.value) return;
      this.preparing = true;
      let next = 0;
      let failed = false;
      const worker = async () => {
        while (next < jobs.length && !failed && this.inspection === inspection.id) {
          const job = jobs[next++];
          try {
            await job();
          } catch {
            failed = true; // no signal again, or the session ended: what is kept stays
          }
          this.done = total - inspection.checks.filter((r) => !roster.households[r.household]).length;
        }
      };
      try {
        await Promise.all(Array.from({ length: PARALLEL }, worker));
      } finally {
        this.preparing = false;
        if (this.inspection === inspection.id) await this.save();
      }
    },
    /** The visits logged for one household now (opening its checklist with signal). */
    async refresh(code: string) {
      if (useSession().offline || !online.value || !this.inspection) return;
      try {
        const head = this.data.households[code]?.head_name ?? '';
        this.data.households[code] = await household(code, head);
        await this.save();
      } catch {
        // What the phone kept will do.
      }
    },
    async save() {
      await writeCache(this.key(this.inspection), JSON.parse(JSON.stringify(this.data))).catch(() => undefined);
    },
    regionName(code: string): string {
      return this.data.regions[code] ?? '';
    },
    cadreName(code: string): string {
      return this.data.cadres[code] ?? '';
    },
  },
});
