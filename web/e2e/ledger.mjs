// The 八项规定 ledger on the county's desktop (PRODUCT.md §4), end to end,
// each account in its own browser context (1280×800, zh-CN):
//   the county admin sees the demo's no-meeting month (July) and marks one
//   of next year — refused first without its note, the API's message under
//   the note field;
//   the unit head (its unit implied, no year-end tab) books a meeting in
//   that month: refused with the API's own message, and no exemption
//   offered; files a reception report with five items each answered (left
//   unanswered, the API names the item under it), two of them breaches,
//   both shown with the seed's words in 「」 and stored so by the API;
//   the county admin books the same meeting, is offered the exemption,
//   needs a reason (the API's message under the reason field), and sees it
//   listed exempt with its reason, in the API too, and in next year's
//   year-end figures;
//   an expense on 其他 and its correction: the old row marked superseded,
//   the line's total following the API's numbers at each step;
//   the year-end figures equal the API's, with a bar chart; the PDF
//   starts with %PDF and the audit XLSX with PK;
//   the discipline office reads every tab and finds no button to write.
// axe checks every tab; the screenshots ledger-* go to the user guide.
//
//   export default async function (browser, { base, check, axe, shot, admin, unitHead, discipline })
import { readFileSync } from 'node:fs';
import { until, settled, text, submitDialog, closeDialog } from './lib.mjs';

function chinaToday() {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

// Amounts as the API writes them, added up in fen.
const fen = (yuan) => Math.round(Number(yuan) * 100);
const yuanOf = (f) => (f / 100).toFixed(2);
const lineTotal = (book, line) =>
  yuanOf(book.expenses.filter((x) => x.line === line && !x.superseded).reduce((sum, x) => sum + fen(x.amount_yuan), 0));

// A signed-in page of its own, with the API as its session reads and writes it.
async function signIn(browser, base, { username, password }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const csp = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  await page.goto(base + '/');
  await page.waitForURL('**/signin**');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  const json = (path) => page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path);
  const post = (path, body) =>
    page.evaluate(async ([p, b]) => {
      const answer = await fetch(p, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('lianxin.csrf') ?? '' },
        body: JSON.stringify(b),
      });
      return { status: answer.status, body: await answer.json() };
    }, [path, body]);
  return { context, page, json, post, csp };
}

async function openLedger(page) {
  await page.click('.el-menu-item:has-text("八项规定台账")');
  await page.waitForURL('**/ledger**');
  await page.waitForSelector('.ledger .el-tabs__item');
}

async function openTab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForURL(`**/ledger?tab=${name}`);
}

// A date picker's input: typed and confirmed, as a user may.
async function pickDate(page, selector, value) {
  await page.fill(selector, value);
  await page.keyboard.press('Enter');
}

export default async function (browser, { base, check, axe, shot, admin, unitHead, discipline }) {
  const year = Number(chinaToday().slice(0, 4));
  const month = `${year + 1}-03`;
  const meetingDay = `${month}-10`;
  const meeting = { title: '全县乡村振兴推进会', minutes: '90', attendees: '40', cost: '300', approved: '县委办公室主任' };
  const sessions = [];
  try {
    // ── The county admin: the no-meeting months ─────────────────────────
    const a = await signIn(browser, base, admin);
    sessions.push(a);
    await openLedger(a.page);
    await a.page.waitForSelector('.months .el-table__row');
    const calendar = await a.json('/api/v1/ledger/calendar');
    const shownMonths = await text(a.page, '.months');
    check(calendar.items.length > 0 && calendar.items.every((m) => shownMonths.includes(m.month) && shownMonths.includes(m.note)),
      `the county's no-meeting months are listed with their notes (${calendar.items.map((m) => m.month).join(', ')})`);
    await pickDate(a.page, '#calendar-month', month);
    await a.page.click('.mark button[type=submit]');
    await a.page.waitForSelector('#calendar-note-error');
    check((await text(a.page, '#calendar-note-error')).length > 0 && !(await a.page.$('#calendar-month-error')),
      `a month without its note is refused, the API's message under the note (${await text(a.page, '#calendar-note-error')})`);
    await a.page.fill('#calendar-note', '县委〔' + (year + 1) + '〕1 号:三月为无会月,集中开展入户走访');
    await a.page.click('.mark button[type=submit]');
    await a.page.waitForSelector(`.months .el-table__row:has-text("${month}")`);
    const marked = (await a.json('/api/v1/ledger/calendar')).items.find((m) => m.month === month);
    check(marked?.note.includes('集中开展入户走访') && marked?.set_by === admin.username,
      `${month} is marked a no-meeting month, with its note, by the county admin (API)`);
    check(!(await a.page.$('#calendar-note-error')), 'the note error is gone once saved');
    await settled(a.page);
    await axe(a.page, 'ledger-calendar');
    await shot(a.page, 'ledger-calendar');

    // ── The unit head: refused in the no-meeting month; a reception report ──
    const u = await signIn(browser, base, unitHead);
    sessions.push(u);
    await openLedger(u.page);
    check(!(await u.page.$('#tab-yearend')), "the unit head has no year-end tab (the API's yearend is not the unit's)");
    check(!(await u.page.$('.mark')) && !(await u.page.$('.months button')), 'the unit head reads the calendar and cannot change it');
    await openTab(u.page, 'meetings');
    await u.page.waitForSelector('.meetings .total');
    const unitBook = await u.json('/api/v1/ledger');
    check(await until(u.page, async () => (await u.page.$$('.meetings .register .el-table__body-wrapper .el-table__row')).length === unitBook.meetings.length),
      `the unit head sees its unit's meetings as the API lists them (${unitBook.meetings.length})`);
    await u.page.click('.meetings .bar button:has-text("登记会议")');
    await u.page.waitForSelector('.el-dialog .meeting');
    check(!(await u.page.$('#meeting-unit')), "the unit head's unit is implied: no unit picker");
    await pickDate(u.page, '#meeting-date', meetingDay);
    await u.page.waitForSelector('#meeting-date-hint');
    check((await text(u.page, '#meeting-date-hint')).includes(month), `the form says ${month} is a no-meeting month`);
    await u.page.fill('#meeting-title', meeting.title);
    await u.page.fill('#meeting-minutes', meeting.minutes);
    await u.page.fill('#meeting-attendees', meeting.attendees);
    await u.page.fill('#meeting-cost', meeting.cost);
    await u.page.fill('#meeting-approved', meeting.approved);
    await u.page.click('.meeting button[type=submit]');
    await u.page.waitForSelector('.meeting .refusal');
    // The same request straight to the API: refused with this message.
    const refused = await u.post('/api/v1/ledger/meetings', {
      date: meetingDay, title: meeting.title, minutes: 90, attendees: 40, cost_yuan: meeting.cost, approved_by: meeting.approved,
    });
    check(refused.status === 409 && (await text(u.page, '.meeting .refusal')) === refused.body.error.message,
      `the refusal is the API's message, plainly (${refused.body.error.message})`);
    check(!(await u.page.$('#meeting-exempt')), 'no exemption is offered to a unit head');
    const afterRefusal = await u.json(`/api/v1/ledger?from=${month}-01&to=${month}-31`);
    check(!afterRefusal.meetings.some((m) => m.title === meeting.title && m.recorded_by === unitHead.username), "nothing of the unit head's was kept");
    await settled(u.page);
    await axe(u.page, 'ledger-refused');
    await shot(u.page, 'ledger-refused');
    await closeDialog(u.page);

    // A reception report: companions over the limit and banners, two breaches.
    await openTab(u.page, 'receptions');
    await u.page.waitForSelector('.receptions .total');
    await u.page.click('.receptions .bar button:has-text("登记接待报告")');
    await u.page.waitForSelector('.el-dialog .reception');
    const flags = ['banquet', 'banners', 'welcome_crowds', 'carpets', 'flowers'];
    const none = await Promise.all(flags.flatMap((f) => [`#reception-${f}-yes`, `#reception-${f}-no`].map((s) => u.page.isChecked(s))));
    check(none.every((c) => !c), 'none of the five items is answered by default');
    const visitors = `市委第${year % 100}督查组`;
    await u.page.fill('#reception-visitors', visitors);
    await u.page.fill('#reception-purpose', '检查');
    await u.page.fill('#reception-reported', '县纪委监委');
    await u.page.fill('#reception-companions', '5');
    await u.page.fill('#reception-meal-people', '4');
    await u.page.fill('#reception-meal-yuan', '100');
    for (const f of ['banquet', 'welcome_crowds', 'carpets']) await u.page.check(`#reception-${f}-no`);
    await u.page.check('#reception-banners-yes');
    await u.page.click('.reception button[type=submit]');
    await u.page.waitForSelector('#reception-flowers-error');
    check((await text(u.page, '#reception-flowers-error')).includes('flowers'),
      `an item left unanswered is refused under it (${await text(u.page, '#reception-flowers-error')})`);
    await u.page.check('#reception-flowers-no');
    await u.page.click('.reception button[type=submit]');
    await u.page.waitForSelector('.receptions .result [role=alert]');
    const withReport = await u.json('/api/v1/ledger');
    const report = withReport.receptions.find((r) => r.visitors === visitors && !r.superseded);
    check(report?.breaches.length === 2 && report.breaches.map((b) => b.item).sort().join() === 'banners,companions',
      `the API keeps the report with its two breaches (${report?.breaches.map((b) => b.item).join(', ')})`);
    const result = await text(u.page, '.receptions .result');
    check(!!report && report.breaches.every((b) => result.includes(b.what) && result.includes(`「${b.rule}」`)),
      `right after saving both are shown with the seed's words (${report?.breaches.map((b) => '「' + b.rule + '」').join(' ')})`);
    const row = `.receptions .register .el-table__body-wrapper .el-table__row:has-text("${visitors}")`;
    await u.page.waitForSelector(row);
    check((await text(u.page, `${row} .breach-count`)).includes('2'), 'the list marks the report with a red count of 2');
    await settled(u.page);
    await axe(u.page, 'ledger-receptions');
    await shot(u.page, 'ledger-receptions');

    // ── The county admin: the meeting exempted ──────────────────────────
    await openTab(a.page, 'meetings');
    await a.page.waitForSelector('.meetings .total');
    await a.page.click('.meetings .bar button:has-text("登记会议")');
    await a.page.waitForSelector('.el-dialog .meeting');
    await a.page.selectOption('#meeting-unit', unitHead.unit);
    await pickDate(a.page, '#meeting-date', meetingDay);
    await a.page.fill('#meeting-title', meeting.title);
    await a.page.fill('#meeting-minutes', meeting.minutes);
    await a.page.fill('#meeting-attendees', meeting.attendees);
    await a.page.fill('#meeting-cost', meeting.cost);
    await a.page.fill('#meeting-approved', meeting.approved);
    await a.page.click('.meeting button[type=submit]');
    await a.page.waitForSelector('#meeting-exempt');
    check((await text(a.page, '.meeting .refusal')).includes(refused.body.error.message),
      'the county admin is refused too, and offered the exemption');
    await settled(a.page);
    await shot(a.page, 'ledger-exempt');
    await a.page.check('#meeting-exempt');
    await a.page.click('.meeting button[type=submit]');
    await a.page.waitForSelector('#meeting-exempt-reason-error');
    check((await text(a.page, '#meeting-exempt-reason-error')).length > 0,
      `an exemption without its reason is refused under the reason (${await text(a.page, '#meeting-exempt-reason-error')})`);
    const reason = '防汛抗旱紧急部署,不能推迟';
    await a.page.fill('#meeting-exempt-reason', reason);
    await submitDialog(a.page, '.meeting');
    const exemptRow = `.meetings .register .el-table__body-wrapper .el-table__row:has-text("${meeting.title}")`;
    await a.page.waitForSelector(exemptRow);
    const exemptText = await text(a.page, exemptRow);
    check(exemptText.includes(reason) && exemptText.includes('例外') && exemptText.includes('无会月'),
      'the meeting is listed, exempt with its reason, in a month marked as a no-meeting one');
    const kept = (await a.json(`/api/v1/ledger?from=${month}-01&to=${month}-31`)).meetings.find((m) => m.title === meeting.title);
    check(kept?.exempt === true && kept.exempt_reason === reason && kept.unit === unitHead.unit && kept.cost_yuan === '300.00',
      `the API keeps it exempt, with the reason, for the unit (${kept?.id})`);
    await settled(a.page);
    await axe(a.page, 'ledger-meetings');
    await shot(a.page, 'ledger-meetings');

    // ── An expense and its correction ───────────────────────────────────
    await openTab(a.page, 'expenses');
    await a.page.waitForSelector('.line-totals .line-other .sum');
    // The API read over the range the page shows (widened by the meeting of next year).
    const range = `/api/v1/ledger?from=${await a.page.inputValue('#expenses-from')}&to=${await a.page.inputValue('#expenses-to')}`;
    const before = await a.json(range);
    check((await text(a.page, '.line-totals .line-other .sum')) === lineTotal(before, 'other'),
      `the 其他 line's total is the API's (${lineTotal(before, 'other')})`);
    const item = '会议室投影仪维修';
    await a.page.click('.expenses .bar button:has-text("登记支出")');
    await a.page.waitForSelector('.el-dialog .expense');
    await a.page.selectOption('#expense-line', 'other');
    await a.page.fill('#expense-item', item);
    await a.page.fill('#expense-amount', '500');
    await submitDialog(a.page, '.expense');
    const added = await a.json(range);
    const first = added.expenses.find((x) => x.item === item);
    check(first?.amount_yuan === '500.00' && fen(lineTotal(added, 'other')) === fen(lineTotal(before, 'other')) + 50000,
      `the API keeps the expense (${first?.id}), its line 500.00 more`);
    check(await until(a.page, async () => (await text(a.page, '.line-totals .line-other .sum')) === lineTotal(added, 'other')),
      `the page's total follows (${lineTotal(added, 'other')})`);
    await a.page.click(`.expenses .register .el-table__row:has-text("${item}") button:has-text("更正")`);
    await a.page.waitForSelector('.el-dialog .expense');
    check((await a.page.inputValue('#expense-item')) === item && (await a.page.inputValue('#expense-amount')) === '500.00'
      && (await a.page.inputValue('#expense-line')) === 'other', 'the correction opens the same form, filled in');
    await a.page.fill('#expense-amount', '450');
    await submitDialog(a.page, '.expense');
    const corrected = await a.json(range);
    const old = corrected.expenses.find((x) => x.id === first?.id);
    const fresh = corrected.expenses.find((x) => x.corrects === first?.id);
    check(old?.superseded === true && fresh?.amount_yuan === '450.00' && !fresh.superseded,
      `the API keeps the correction (${fresh?.id} corrects ${first?.id}), the old entry superseded`);
    const oldRow = `.expenses .register .el-table__row.superseded:has-text("${item}")`;
    check(await until(a.page, async () => !!(await a.page.$(oldRow)) && (await text(a.page, oldRow)).includes('已被更正')),
      'the old row is marked superseded (greyed, struck through, 已被更正)');
    check(!(await a.page.$(`${oldRow} button:has-text("更正")`)), 'a superseded row offers no second correction');
    check(fen(lineTotal(corrected, 'other')) === fen(lineTotal(before, 'other')) + 45000
      && await until(a.page, async () => (await text(a.page, '.line-totals .line-other .sum')) === lineTotal(corrected, 'other')),
      `the total follows the correction, the old amount left out (${lineTotal(corrected, 'other')})`);
    await settled(a.page);
    await axe(a.page, 'ledger-expenses');
    // The guide's picture: the correction beside the row it supersedes.
    await a.page.locator(oldRow).scrollIntoViewIfNeeded();
    await a.page.evaluate(() => window.scrollBy(0, 200));
    await shot(a.page, 'ledger-expenses');

    // ── The year-end inspection ─────────────────────────────────────────
    await openTab(a.page, 'yearend');
    await a.page.waitForSelector('.yearend .totals .meetings');
    await a.page.selectOption('#yearend-year', String(year + 1));
    check(await until(a.page, async () => (await text(a.page, '.yearend .doc-title')).includes(String(year + 1))
      && (await a.page.$('.yearend .exempt')) !== null), `next year's inspection opens (${year + 1})`);
    check((await text(a.page, '.yearend .exempt')).includes(reason) && (await text(a.page, '.yearend .months')).includes(month),
      "next year's figures list the exempt meeting with its reason, in its no-meeting month");
    await a.page.selectOption('#yearend-year', String(year));
    await until(a.page, async () => (await text(a.page, '.yearend .doc-title')).includes(String(year)));
    const figures = await a.json(`/api/v1/ledger/yearend?year=${year}`);
    await until(a.page, async () => (await text(a.page, '.yearend .totals .meetings')) === String(figures.meetings));
    check((await text(a.page, '.yearend .totals .meetings')) === String(figures.meetings)
      && (await text(a.page, '.yearend .totals .in-nmm')) === String(figures.meetings_in_no_meeting_months)
      && (await text(a.page, '.yearend .totals .with-breaches')) === String(figures.receptions_with_breaches)
      && (await text(a.page, '.yearend .totals .corrections')) === String(figures.corrections),
      `the year-end figures are the API's (${figures.meetings} meetings, ${figures.meetings_in_no_meeting_months} in a no-meeting month, ` +
      `${figures.receptions_with_breaches} receptions with breaches, ${figures.corrections} corrections)`);
    check(figures.corrections >= 1 && figures.receptions_with_breaches >= 3,
      'the correction and the new report with breaches are counted');
    check((await text(a.page, '.yearend .lines .line-other .yuan')) === figures.budget_lines.find((l) => l.line === 'other').yuan
      && figures.budget_lines.find((l) => l.line === 'other').yuan === lineTotal(await a.json('/api/v1/ledger'), 'other'),
      'the 其他 line this year is the same in the inspection as in the expenses');
    check((await a.page.$$('.yearend .exempt .el-table__body-wrapper .el-table__row')).length === figures.exempt_meetings.length,
      `the exempt meetings are listed with their reasons (${figures.exempt_meetings.length})`);
    check(!!(await a.page.$('.yearend .chart canvas')), 'spending by line is drawn as a bar chart');
    const [pdfDownload] = await Promise.all([a.page.waitForEvent('download'), a.page.click('.yearend .downloads a:has-text("PDF")')]);
    const pdf = readFileSync(await pdfDownload.path());
    check(pdf.subarray(0, 4).toString() === '%PDF', `the year-end report downloads as a PDF (${pdf.length} bytes)`);
    const [auditDownload] = await Promise.all([a.page.waitForEvent('download'), a.page.click('.yearend .downloads a.audit')]);
    const xlsx = readFileSync(await auditDownload.path());
    check(xlsx.subarray(0, 2).toString() === 'PK', `the audit export downloads as an XLSX (${xlsx.length} bytes)`);
    await settled(a.page);
    await axe(a.page, 'ledger-yearend');
    await shot(a.page, 'ledger-yearend');

    // ── The discipline office reads everything and writes nothing ──────
    const d = await signIn(browser, base, discipline);
    sessions.push(d);
    await openLedger(d.page);
    const readOnly = async () =>
      (await d.page.$$('.ledger .ledger-write')).length === 0 &&
      (await d.page.$$('.ledger form.ledger-form')).length === 0 &&
      (await d.page.$$('.ledger button:has-text("更正"), .ledger button:has-text("撤销"), .ledger button:has-text("登记")')).length === 0;
    await d.page.waitForSelector('.months .el-table__row');
    check(await readOnly(), 'discipline: the calendar has no button to write');
    await settled(d.page);
    await axe(d.page, 'ledger-discipline-calendar');
    const book = await d.json('/api/v1/ledger');
    for (const [tab, rows] of [['meetings', book.meetings.length], ['receptions', book.receptions.length], ['expenses', book.expenses.length]]) {
      await openTab(d.page, tab);
      await d.page.waitForSelector(`.${tab} .register .el-table__row`);
      check(await until(d.page, async () => (await d.page.$$(`.${tab} .register .el-table__body-wrapper .el-table__row`)).length === rows)
        && await readOnly(), `discipline: ${tab} lists the API's ${rows} entries, and no button to write`);
      await settled(d.page);
      await axe(d.page, `ledger-discipline-${tab}`);
    }
    await openTab(d.page, 'yearend');
    await d.page.waitForSelector('.yearend .totals .meetings');
    check(!!(await d.page.$('.yearend .downloads a.audit')) && await readOnly(),
      'discipline: the year-end inspection with the audit export, and nothing to write');
    await settled(d.page);
    await axe(d.page, 'ledger-discipline-yearend');
    await shot(d.page, 'ledger-discipline');
    check(sessions.every((s) => s.csp.length === 0), `no CSP violations on the ledger (${sessions.flatMap((s) => s.csp).join(' | ')})`);
  } finally {
    for (const s of sessions) await s.context.close();
  }
}
