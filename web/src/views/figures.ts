// How the county's pages read months, shares and times: the dashboard and
// the oversight pages (Notices.vue, Bulletin.vue, Inspections.vue,
// Inspection.vue, Callbacks.vue) count by China's calendar month and print
// a share the way the printed notice does, "—" when there is nothing to
// count (never 0 %).

// China's calendar month `offset` months back, "YYYY-MM", whatever the
// browser's zone.
export function chinaMonth(offset = 0): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

// China's calendar date today, "YYYY-MM-DD", whatever the browser's zone.
export function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

// This month and the eleven before it, newest first.
export const recentMonths = Array.from({ length: 12 }, (_, i) => chinaMonth(i));

export const percent = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

// An API time ("2026-12-06T13:19:10+08:00", already China time) to the minute.
export const whenIso = (iso?: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '—');

// A long list on screen: the rows whose text holds `filter`, the first
// `limit` of them, and how many more there are (the full list is in the
// downloaded file).
export function firstOf<T>(rows: T[], filter: string, text: (row: T) => string, limit = 50) {
  const needle = filter.trim();
  const matching = needle ? rows.filter((row) => text(row).includes(needle)) : rows;
  return { rows: matching.slice(0, limit), more: Math.max(0, matching.length - limit) };
}

// A notice row's direct visits per pair, and its tasks done of those due
// (withdrawn ones not counted), as the printed notice gives them.
export const perPair = (row: { direct_visits: number; pairs: number }) =>
  row.pairs > 0 ? (row.direct_visits / row.pairs).toFixed(2) : '—';
export const tasks = (row: { tasks: number; tasks_done: number }) =>
  row.tasks ? `${row.tasks_done}/${row.tasks}` : '—';
