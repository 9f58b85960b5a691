// What the 八项规定 ledger's tabs share (Ledger.vue, LedgerCalendar.vue,
// LedgerMeetings.vue, LedgerReceptions.vue, LedgerExpenses.vue,
// LedgerYearEnd.vue): the county's no-meeting months (GET
// /api/v1/ledger/calendar), the three registers of a date range (GET
// /api/v1/ledger?from=&to=, this year by default, corrected entries
// included with "superseded": true), the units' names, money in fen, and
// the API's errors put next to the form field they name. The fields are
// ledger_api.cpp's.
import { reactive, ref, type UnwrapNestedRefs } from 'vue';
import { api, ApiError } from '../api';
import { chinaToday } from './figures';

export const budgetLines = ['meeting', 'reception', 'vehicle', 'travel', 'training', 'overseas', 'other'] as const;
// The five items of a reception report answered yes or no, never by default.
export const receptionFlags = ['banquet', 'banners', 'welcome_crowds', 'carpets', 'flowers'] as const;
// What CheckReception may find, in the order of the rule's words.
export const breachItems = ['companions', 'meals', 'banners', 'welcome_crowds', 'carpets', 'flowers', 'banquet'] as const;

export interface NoMeetingMonth {
  month: string;
  note: string;
  set_by: string;
  set_at: string | null;
}

export interface Entry {
  id: string;
  region: string;
  unit: string;
  date: string;
  corrects: string;
  superseded: boolean;
  recorded_by: string;
  recorded_at: string | null;
}

export interface Meeting extends Entry {
  title: string;
  minutes: number;
  attendees: number;
  cost_yuan: string;
  approved_by: string;
  exempt: boolean;
  exempt_reason: string;
}

export interface Breach {
  item: string;
  what: string;
  rule: string;
}

export interface Reception extends Entry {
  visitors: string;
  purpose: string;
  reported_to: string;
  companions: number;
  meal_people: number;
  meal_yuan: string;
  banquet: boolean;
  banners: boolean;
  welcome_crowds: boolean;
  carpets: boolean;
  flowers: boolean;
  breaches: Breach[];
}

export interface Expense extends Entry {
  line: string;
  line_label: string;
  item: string;
  amount_yuan: string;
  meeting: string;
  reception: string;
}

// An amount as the API writes it ("1234.50") to whole fen, so totals add
// up exactly; and back.
export const fen = (yuan: string | number) => Math.round(Number(yuan) * 100);
export const yuanOf = (fen: number) => (fen / 100).toFixed(2);

// Entries in force: a superseded one counts nowhere.
export const inForce = <T extends { superseded: boolean }>(rows: T[]) => rows.filter((r) => !r.superseded);

export function useLedger() {
  const year = chinaToday().slice(0, 4);
  const state = reactive({
    county: '',
    months: [] as NoMeetingMonth[],
    calendarError: '',
    from: `${year}-01-01`,
    to: `${year}-12-31`,
    meetings: [] as Meeting[],
    receptions: [] as Reception[],
    expenses: [] as Expense[],
    loading: false,
    error: '',
    units: [] as { code: string; name: string }[],
  });

  async function loadCalendar() {
    state.calendarError = '';
    try {
      const answer = await api<{ county: string; items: NoMeetingMonth[] }>('GET', '/api/v1/ledger/calendar');
      state.county = answer.county;
      state.months = answer.items;
    } catch (e: any) {
      state.calendarError = e.message;
    }
  }

  async function loadBook() {
    state.loading = true;
    state.error = '';
    try {
      const book = await api('GET', `/api/v1/ledger?from=${encodeURIComponent(state.from)}&to=${encodeURIComponent(state.to)}`);
      state.meetings = book.meetings;
      state.receptions = book.receptions;
      state.expenses = book.expenses;
    } catch (e: any) {
      state.error = e.message;
    } finally {
      state.loading = false;
    }
  }

  // The units the caller may see (a unit's head: its own), for their names
  // and the county admin's unit picker; without them codes stand in.
  async function loadUnits() {
    try {
      const page = await api<{ items: { code: string; name: string }[] }>('GET', '/api/v1/units?limit=1000');
      state.units = page.items.map(({ code, name }) => ({ code, name }));
    } catch {
      state.units = [];
    }
  }

  const unitName = (code: string) => (code ? state.units.find((u) => u.code === code)?.name ?? code : '');
  const noMeetingMonth = (date: string) => state.months.find((m) => m.month === date.slice(0, 7));

  // An entry just kept is shown even when its date lies outside the range.
  async function keep(date: string) {
    if (date < state.from) state.from = `${date.slice(0, 4)}-01-01`;
    if (date > state.to) state.to = `${date.slice(0, 4)}-12-31`;
    await loadBook();
  }

  return { state, loadCalendar, loadBook, loadUnits, unitName, noMeetingMonth, keep };
}

export type Ledger = ReturnType<typeof useLedger>;

// The API's refusal, shown next to the field it names when the form has
// that field, otherwise above the form's buttons.
export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({});
  const state = reactive({ general: '' });
  function clear() {
    for (const key of Object.keys(errors)) delete errors[key];
    state.general = '';
  }
  function fail(e: unknown, fields: readonly string[]) {
    clear();
    if (e instanceof ApiError && e.field && fields.includes(e.field)) errors[e.field] = e.message;
    else state.general = (e as Error).message;
  }
  return { errors, state, clear, fail };
}

// A count as the API wants it, a whole number; anything else as typed, for
// the API to refuse by its field.
export const count = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());

// What every register's form holds besides its own fields: the entry it
// corrects (with that entry's region), the unit it is for and its date.
export interface EntryForm {
  corrects: string;
  region: string;
  unit: string;
  date: string;
}

// The form the three registers share: a new entry, or the correction of
// one — the same form, filled in — posted to `path`; the entry the API kept
// (its date brought into the range shown) or the refusal put under the field
// it names. `fill` gives the register's own fields of a row, `body` the
// register's own part of the request, `fields` the fields the form shows.
export function useEntryForm<Row extends Entry, Form extends EntryForm>(options: {
  ledger: Ledger;
  path: string;
  blank: () => Form;
  fill: (row: Row) => Partial<Form>;
  body: (form: UnwrapNestedRefs<Form>) => Record<string, unknown>;
  fields: () => readonly string[];
}) {
  const form = reactive(options.blank());
  const editing = ref(false);
  const saving = ref(false);
  const { errors, state: failure, clear, fail } = useFieldErrors();

  function open(row?: Row) {
    Object.assign(form, options.blank());
    if (row) Object.assign(form, { corrects: row.id, region: row.region, unit: row.unit, date: row.date }, options.fill(row));
    clear();
    editing.value = true;
  }

  // The entry kept, or the refusal (already shown) as `refused`.
  async function save(): Promise<{ kept?: Row; refused?: unknown }> {
    clear();
    saving.value = true;
    const body = options.body(form);
    if (form.unit) body.unit = form.unit;
    if (form.corrects) Object.assign(body, { corrects: form.corrects, region: form.region });
    try {
      const kept = await api<Row>('POST', options.path, body);
      editing.value = false;
      await options.ledger.keep(kept.date);
      return { kept };
    } catch (e) {
      fail(e, options.fields());
      return { refused: e };
    } finally {
      saving.value = false;
    }
  }

  return { form, editing, saving, errors, failure, open, save };
}
