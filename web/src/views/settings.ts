// What the 参数与字典 page (Settings.vue, SettingsParams.vue,
// SettingsList.vue) shares: the sections GET /api/v1/settings answers, each
// key's type (JSON cannot tell 15 from 15.0, and the API refuses a float for
// an integer key), the dictionaries' columns, and a section's form turned
// into the body of PUT /api/v1/settings/{section} — the same shape the API
// answers, so "changed but not saved" is a comparison of the two.

export const sectionNames = ['skills', 'needs', 'appeals', 'difficulty', 'pairing', 'visits', 'scoring', 'ledger'] as const;
export type SectionName = (typeof sectionNames)[number];

// One section as the API answers it: values in force, the file's, what the
// console keeps over the file (null: follows the file), its version (0:
// never saved), who saved it last and why the kept values no longer apply.
export interface SectionData {
  section: string;
  values: any;
  file: any;
  stored: any;
  version: number;
  updated_by: string;
  updated_at: string | null;
  problem: string | null;
  rescored?: number;
}

// int: a JSON integer (step 1); float: any number; bool: a switch; list: a
// list of strings edited as text (campaign dates "2026-03-05、2026-07-01").
// raw: a key this page does not know the shape of — shown, never sent.
export type Kind = 'int' | 'float' | 'bool' | 'list' | 'raw';

// The parameters of each section of keys, in the order the page lists them
// (config.hpp's, grouped as there). A key the API answers that is not here
// is listed after them, its kind guessed from its value.
const int = (key: string): [string, Kind] => [key, 'int'];
const float = (key: string): [string, Kind] => [key, 'float'];
export const paramKeys: Record<string, [string, Kind][]> = {
  appeals: [
    int('emergency_hours'), int('urgent_hours'), int('general_days'), int('complex_days'), ['working_days', 'bool'],
    int('respond_within_hours'), int('max_reopen'), float('response_weight'), float('resolution_weight'),
    float('satisfaction_weight'),
  ],
  difficulty: [
    int('income_line'), float('income_weight'), float('dangerous_housing_weight'), float('per_member_weight'),
    float('hardest_at'), float('harder_at'),
  ],
  pairing: [
    int('quota_county'), int('quota_section'), int('quota_deputy_section'), int('quota_ordinary'), int('contact_load'),
    int('min_villages_per_unit'), float('village_shortfall_cost'), float('solver_time_limit'),
    float('refine_time_limit'), float('village_difficulty_weight'), float('strength_strong'),
    float('strength_medium'), float('strength_weak'), float('village_move_cost'), float('tier_mismatch_cost'),
    float('skill_match_reward'), float('difficulty_priority'), float('move_cost'),
    float('contact_assistance_reward'), float('contact_balance_cost'), float('contact_point_own_unit_reward'),
    float('contact_point_balance_cost'), float('contact_point_move_cost'),
  ],
  visits: [
    int('assistance_cadence_days'), int('contact_cadence_days'), ['campaign_dates', 'list'],
    int('campaign_window_days'), float('bunched_share'), int('reactive_window_days'), float('reactive_share'),
    int('min_visits'), int('lookback_days'), float('gap_factor'),
  ],
  scoring: [
    float('cadence_weight'), float('tasks_weight'), int('major_task_points'), int('normal_task_points'),
    float('appeals_weight'), float('awareness_weight'), float('callbacks_weight'), float('rating_weight'),
  ],
  ledger: [int('max_companions'), float('meal_yuan_per_person')],
};

// The dictionaries: skills and needs are whole sections (arrays), the
// appeal topics a key of appeals.
export type ListName = 'skills' | 'needs' | 'topics';
export interface Column {
  key: string;
  kind: Kind | 'text' | 'skills';
  width: number;
  // Long text, wrapped over lines as it grows (a need's task and target).
  long?: boolean;
}
export const listColumns: Record<ListName, Column[]> = {
  skills: [
    { key: 'label', kind: 'text', width: 160 },
    { key: 'synonyms', kind: 'list', width: 360 },
  ],
  needs: [
    { key: 'label', kind: 'text', width: 120 },
    { key: 'synonyms', kind: 'list', width: 150, long: true },
    { key: 'task', kind: 'text', width: 150, long: true },
    { key: 'skills', kind: 'skills', width: 200 },
    { key: 'difficulty_weight', kind: 'float', width: 90 },
    { key: 'target', kind: 'text', width: 170, long: true },
    { key: 'major', kind: 'bool', width: 80 },
    { key: 'deadline_days', kind: 'int', width: 90 },
  ],
  topics: [
    { key: 'code', kind: 'text', width: 160 },
    { key: 'label', kind: 'text', width: 180 },
    { key: 'department', kind: 'text', width: 200 },
  ],
};
// A row added by hand, before it is filled in.
const blanks: Record<ListName, () => Record<string, unknown>> = {
  skills: () => ({ label: '', synonyms: [] }),
  needs: () => ({
    label: '', synonyms: [], task: '', skills: [], difficulty_weight: 0, target: '', major: false, deadline_days: 365,
  }),
  topics: () => ({ code: '', label: '', department: '' }),
};

// A list of strings as one line of text, and back: 、 , , ; or spaces
// between the items, blanks dropped.
export const joinList = (items: unknown) => (Array.isArray(items) ? items.map(String).join('、') : '');
export const splitList = (text: unknown) =>
  String(text ?? '')
    .split(/[、,,;;\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);

// A value of `kind` as the form holds it, and as the API is sent it.
function toForm(kind: Column['kind'], value: unknown): unknown {
  if (kind === 'list') return joinList(value);
  if (kind === 'skills') return Array.isArray(value) ? [...value] : [];
  if (kind === 'int' || kind === 'float') return typeof value === 'number' ? value : null;
  if (kind === 'bool') return !!value;
  return value ?? '';
}
function toApi(kind: Column['kind'], value: unknown): unknown {
  if (kind === 'list') return splitList(value);
  if (kind === 'int') return typeof value === 'number' ? Math.round(value) : null;
  if (kind === 'float') return typeof value === 'number' ? value : null;
  if (kind === 'text') return String(value ?? '').trim();
  return value;
}

// ── Parameters ──────────────────────────────────────────────────────────
export interface Param {
  key: string;
  kind: Kind;
}
// The keys of a section of parameters: the known ones, then any other the
// API answers (the appeal topics are the appeals tab's list, not a key).
export function paramsOf(section: string, values: Record<string, unknown> | null): Param[] {
  const known = (paramKeys[section] ?? []).map(([key, kind]) => ({ key, kind }));
  const others = Object.keys(values ?? {})
    .filter((key) => !known.some((p) => p.key === key) && !(section === 'appeals' && key === 'topics'))
    .map((key) => ({ key, kind: guess(values![key]) }));
  return [...known.filter((p) => values == null || p.key in values), ...others];
}
function guess(value: unknown): Kind {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'float';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return 'list';
  return 'raw';
}
export function paramsForm(params: Param[], values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(params.filter((p) => p.kind !== 'raw').map((p) => [p.key, toForm(p.kind, values[p.key])]));
}
export function paramsBody(params: Param[], form: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(params.filter((p) => p.kind !== 'raw').map((p) => [p.key, toApi(p.kind, form[p.key])]));
}

// ── Dictionaries ────────────────────────────────────────────────────────
// A row of a dictionary as the form holds it: a key for the table, the
// columns, and whatever else the API gave the entry, sent back as it came.
export interface Row {
  _key: number;
  _rest: Record<string, unknown>;
  [column: string]: unknown;
}
let nextKey = 1;
export function rowForm(list: ListName, entry: Record<string, unknown>): Row {
  const columns = listColumns[list];
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !columns.some((c) => c.key === key)));
  const row: Row = { _key: nextKey++, _rest: rest };
  for (const column of columns) row[column.key] = toForm(column.kind, entry[column.key]);
  return row;
}
export const blankRow = (list: ListName) => rowForm(list, blanks[list]());
export function rowsForm(list: ListName, entries: unknown): Row[] {
  return Array.isArray(entries) ? entries.map((entry) => rowForm(list, entry)) : [];
}
export function rowsBody(list: ListName, rows: Row[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const entry: Record<string, unknown> = { ...row._rest };
    for (const column of listColumns[list]) entry[column.key] = toApi(column.kind, row[column.key]);
    return entry;
  });
}

// ── A section's form ────────────────────────────────────────────────────
export interface SectionForm {
  params: Param[];
  values: Record<string, unknown>;  // the parameters, by key
  rows: Row[];                      // skills, needs, or the appeal topics
}
export const listOf = (section: string): ListName | null =>
  section === 'skills' || section === 'needs' ? section : section === 'appeals' ? 'topics' : null;

export function sectionForm(data: SectionData): SectionForm {
  const list = listOf(data.section);
  if (data.section === 'skills' || data.section === 'needs') {
    return { params: [], values: {}, rows: rowsForm(data.section, data.values) };
  }
  const params = paramsOf(data.section, data.values);
  return { params, values: paramsForm(params, data.values ?? {}), rows: list ? rowsForm(list, data.values?.topics) : [] };
}

// The `values` of PUT /api/v1/settings/{section}: the whole list for
// skills and needs, every parameter of the others (the API keeps only those
// differing from the file), the appeals' topics among them.
export function sectionBody(section: string, form: SectionForm): unknown {
  if (section === 'skills' || section === 'needs') return rowsBody(section, form.rows);
  const body = paramsBody(form.params, form.values);
  if (section === 'appeals') body.topics = rowsBody('topics', form.rows);
  return body;
}

// Whether the form holds what is not saved: its body against the values in
// force put through the same shape.
export function unsaved(data: SectionData, form: SectionForm): boolean {
  return JSON.stringify(sectionBody(data.section, form)) !== JSON.stringify(sectionBody(data.section, sectionForm(data)));
}

// Two values as the API gives them (numbers, strings, lists, tables) alike.
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
