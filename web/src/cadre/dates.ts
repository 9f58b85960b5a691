// Dates as the server counts them: the calendar day in China (ChinaDateOf),
// whatever time zone the phone is set to.

const chinaDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in China, YYYY-MM-DD. */
export function chinaToday(now: Date = new Date()): string {
  const parts = Object.fromEntries(chinaDay.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

// Chinese dates are written out ("10月1日 08:30"): Intl's zh-CN short forms
// differ between browsers ("10/1" in some), and a cadre reads 月 and 日.
function zh(y: number, m: number, d: number, withYear: boolean): string {
  return `${withYear ? y + '年' : ''}${m}月${d}日`;
}

function chinaParts(millis: number): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(millis));
  return Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "10月1日" / "1 Oct", with the year when it is not this year's. */
export function formatDay(isoDate: string, locale: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  const sameYear = chinaToday().startsWith(String(y));
  if (locale.startsWith('zh')) return zh(y, m, d, !sameYear);
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    year: sameYear ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A moment as China's day and time: "6月30日 23:59" / "30 Jun 23:59". */
function formatChinaMoment(millis: number, locale: string): string {
  const p = chinaParts(millis);
  const day = formatDay(`${p.year}-${pad(p.month)}-${pad(p.day)}`, locale);
  return `${day} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** An API time ("2026-06-30T23:59:59+08:00"). */
export function formatTime(isoTime: string, locale: string): string {
  return formatChinaMoment(Date.parse(isoTime), locale);
}

/** When data was saved on the phone, for "offline data from …". */
export function formatMoment(millis: number, locale: string): string {
  return formatChinaMoment(millis, locale);
}
