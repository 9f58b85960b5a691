// Oversight on the county's desktop (PRODUCT.md §4), end to end, as the
// demo county admin in its own browser context (1280×800, zh-CN):
//   the monthly notice of last month (the demo's field work runs up to
//   today): a figure on the page equals the API's JSON, the PDF downloads,
//   publishing keeps it with its journal root hash, listed with that hash;
//   the bulletin ranks the townships as the API does;
//   an inspection drawn by the published hash as seed, two households
//   checked from the desk (the awareness rate 100 %, then 50 %), closed;
//   last month's callback list drawn by the same seed, one call confirmed
//   and one denied, the cadre's denial rate counted.
// axe checks every page; the screenshots notices, bulletin, inspections,
// inspection and callbacks go to the user guide.
//
//   export default async function (browser, { base, check, axe, shot, username, password })
import { readFileSync } from 'node:fs';
import { until, settled, text, submitDialog } from './lib.mjs';

// China's calendar month `offset` months back, as the pages count it.
function chinaMonth(offset) {
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export default async function (browser, { base, check, axe, shot, username, password }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const csp = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  // The API as this page's session reads it.
  const json = (path) => page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).json(), path);
  const lastMonth = chinaMonth(1);

  try {
    await page.goto(base + '/');
    await page.waitForURL('**/signin**');
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');

    // The monthly notice: last month's draft, its figures as the API counts them.
    await page.click('.el-menu-item:has-text("每月公示")');
    await page.waitForURL('**/notices**');
    await page.waitForSelector('.totals .direct-visits');
    check((await page.inputValue('#notice-month')) === lastMonth, `the notice opens on last month (${lastMonth})`);
    const draft = await json(`/api/v1/notice?region=149901&month=${lastMonth}`);
    const shown = await text(page, '.totals .direct-visits');
    check(draft.total.direct_visits > 0 && shown === String(draft.total.direct_visits),
      `the notice shows the API's direct visits (${shown} = ${draft.total.direct_visits})`);
    check((await text(page, '.totals .silent-count')) === String(draft.total.silent),
      `and its count of cadres with no direct contact (${draft.total.silent})`);
    const firstTownship = await page.$$eval('.townships .el-table__row:first-child td', (tds) => tds.map((td) => td.textContent?.trim()));
    check(firstTownship[0] === draft.townships[0].name && firstTownship[3] === String(draft.townships[0].direct_visits),
      `the township table matches the API (${firstTownship[0]}: ${firstTownship[3]} visits)`);
    check((await page.$$('.townships .el-table__row')).length === draft.townships.length,
      `every township is listed (${draft.townships.length})`);
    check((await text(page, '.state')).includes('草稿'), 'an unpublished notice says it is a draft');

    // Its PDF, as the county prints it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.downloads a:has-text("PDF")')]);
    const pdf = readFileSync(await download.path());
    check(pdf.subarray(0, 4).toString() === '%PDF' && pdf.length > 10_000, `the notice downloads as a PDF (${pdf.length} bytes)`);

    // Published: kept with the journal's root hash, listed with it.
    await page.click('.downloads button:has-text("发布公示")');
    await page.click('.el-message-box__btns button:has-text("发布公示")');
    await page.waitForSelector('.el-overlay-message-box', { state: 'hidden' });
    await page.waitForSelector('.notices [role=status]');
    const published = await json('/api/v1/public/notices?region=149901');
    const record = published.items.find((n) => n.month === lastMonth);
    check(/^[0-9a-f]{64}$/.test(record?.journal.hash ?? ''), `the notice is published with a root hash (${record?.journal.hash.slice(0, 12)}…)`);
    check((await text(page, '.notices [role=status]')).includes(record?.journal.hash ?? '?'), 'the page says the hash it was published with');
    check((await text(page, '.published')).includes(record?.journal.hash ?? '?'), 'the published list shows the notice with its hash');
    check((await text(page, '.state')).includes('已于') && !(await page.$('.downloads button')),
      'once published it says so, and offers no second publishing');
    const [kept] = await Promise.all([page.waitForEvent('download'), page.click('.published .el-table__row:first-child a:has-text("PDF")')]);
    check(readFileSync(await kept.path()).subarray(0, 4).toString() === '%PDF', 'a published notice downloads as a PDF from the list');
    await settled(page);
    await axe(page, 'notices');
    await shot(page, 'notices');

    // The bulletin: the townships ranked as the API ranks them, in a chart too.
    await page.click('.el-menu-item:has-text("情况通报")');
    await page.waitForURL('**/bulletin**');
    await page.waitForSelector('.areas .el-table__row');
    const bulletin = await json(`/api/v1/bulletin?region=149901&month=${lastMonth}`);
    const ranked = await page.$$eval('.areas .el-table__row', (rows) => rows.map((r) => r.querySelectorAll('td')[1]?.textContent?.trim()));
    check(ranked.length === bulletin.rankings.areas.length && ranked[0] === bulletin.rankings.areas[0].name,
      `the bulletin ranks the townships as the API does (first: ${ranked[0]})`);
    check(!!(await page.$('.chart canvas')), 'the ranking is drawn as a bar chart');
    check((await text(page, '.bulletin')).includes('本月未直接联系群众的干部'), 'the bulletin names the cadres with no direct contact');
    await settled(page);
    await axe(page, 'bulletin');
    await shot(page, 'bulletin');

    // An inspection, drawn by the published hash as its seed.
    await page.click('.el-menu-item:has-text("不打招呼督查")');
    await page.waitForURL('**/inspections');
    await page.waitForSelector('#draw-seed-notice option:nth-child(2)', { state: 'attached' });
    await page.selectOption('#draw-seed-notice', record?.journal.hash ?? '');
    check((await page.inputValue('#draw-seed')) === record?.journal.hash, 'the published hash is offered as the seed');
    await page.fill('#draw-villages', '1');
    await page.fill('#draw-households', '2');
    // Repeating the draw first shows the sample and keeps nothing.
    const before = (await json('/api/v1/inspections')).items.length;
    await page.click('.draw button:has-text("只复抽核对")');
    await page.waitForSelector('.repeated .el-table__row');
    const repeatedRows = await page.$$eval('.repeated .el-table__row', (rows) => rows.map((r) => r.querySelectorAll('td')[1]?.textContent?.trim()));
    check(repeatedRows.length > 0 && (await json('/api/v1/inspections')).items.length === before,
      `"repeat only" lists ${repeatedRows.length} villages' households and opens no inspection`);
    await settled(page);
    await axe(page, 'inspections');
    await shot(page, 'inspections');
    await page.click('.draw button[type=submit]');
    await page.waitForURL(/\/inspections\/I[0-9a-f]+/);
    await page.waitForSelector('.checks .el-table__row');
    const id = page.url().split('/').pop();
    const opened = await json(`/api/v1/inspections/${id}`);
    const rows = (await page.$$('.checks .el-table__row')).length;
    check(opened.state === 'open' && opened.seed === record?.journal.hash && rows === opened.figures.households && rows > 0,
      `the inspection is open with ${rows} households drawn by the seed`);
    check((await text(page, '.awareness')) === '—', 'no awareness rate before any household is checked');
    const drawnHouseholds = opened.checks.map((c) => c.household).sort().join('、');
    const shownHouseholds = repeatedRows.flatMap((r) => r.split('、')).sort().join('、');
    check(drawnHouseholds === shownHouseholds, 'the inspection drew exactly the households the repeat showed');
    const firstRow = await text(page, '.checks .el-table__row:nth-child(1)');
    check(firstRow.includes(opened.checks[0].head_name) && firstRow.includes(opened.checks[0].village_name),
      `each sampled household is shown by its head's and village's names (${opened.checks[0].head_name})`);

    // Two households checked from the desk: one knows its cadre, one does not.
    async function checkRow(n, knows, visits, findings) {
      await page.click(`.checks .el-table__row:nth-child(${n}) button:has-text("核查")`);
      await page.selectOption('#check-knows', knows);
      await page.selectOption('#check-visits', visits);
      await page.selectOption('#check-satisfaction', knows === 'yes' ? 'satisfied' : 'unsatisfied');
      if (findings) {
        await page.fill('#check-findings', findings);
        await page.check('#check-task');
      }
      await submitDialog(page, '.check');
    }
    await checkRow(1, 'yes', 'yes');
    check(await until(page, async () => (await text(page, '.awareness')) === '100.0%'), 'one household knows its cadre: awareness 100.0%');
    await checkRow(2, 'no', 'no', '群众不知道联系干部,登记的走访未发生');
    check(await until(page, async () => (await text(page, '.awareness')) === '50.0%'), 'the second does not: awareness 50.0%');
    const checked = await json(`/api/v1/inspections/${id}`);
    check(checked.figures.awareness_rate === 0.5 && checked.figures.tasks === 1,
      `the API counts the same (awareness ${checked.figures.awareness_rate}, ${checked.figures.tasks} task made)`);
    await page.click('.actions button:has-text("结束督查")');
    await page.click('.el-message-box__btns button:has-text("结束督查")');
    await page.waitForSelector('.el-overlay-message-box', { state: 'hidden' });
    await until(page, async () => (await text(page, '.summary')).startsWith('已结束'));
    check((await text(page, '.summary')).startsWith('已结束') && !(await page.$('.checks button')),
      'closed: the inspection says so and offers no more checks');
    check((await text(page, '.awareness')) === '50.0%', 'the awareness rate stands after closing');
    await settled(page);
    await axe(page, 'inspection');
    await shot(page, 'inspection');

    // Last month's callback list, drawn by the same seed; two calls.
    await page.click('.el-menu-item:has-text("回访核验")');
    await page.waitForURL('**/callbacks');
    await page.waitForSelector('#callbacks-seed-notice option:nth-child(2)', { state: 'attached' });
    await page.selectOption('#callbacks-seed-notice', record?.journal.hash ?? '');
    await page.fill('#callbacks-share', '2');
    await page.click('.draw button[type=submit]');
    await page.waitForSelector('.draw [role=status]');
    const list = await json(`/api/v1/callbacks?region=149901&month=${lastMonth}`);
    const pendingRows = (await page.$$('.callbacks .el-table__row')).length;
    check(list.items.length > 0 && pendingRows === list.items.length,
      `the callback list is drawn (${list.items.length} visits, all to call)`);
    const first = await text(page, '.callbacks .el-table__row:first-child td');
    await page.fill('.callbacks .el-table__row:first-child input', '户主确认干部上门');
    await page.click('.callbacks .el-table__row:first-child button:has-text("属实")');
    await page.waitForSelector('section > [role=status]');
    check((await text(page, 'section > [role=status]')).includes(first), `one click records the call (${first} 属实)`);
    check(await until(page, async () => (await page.$$('.callbacks .el-table__row')).length === pendingRows - 1),
      'the called visit leaves the list to call');
    const second = await text(page, '.callbacks .el-table__row:first-child td');
    await page.click('.callbacks .el-table__row:first-child button:has-text("否认")');
    await until(page, async () => (await text(page, 'section > [role=status]')).includes(second));
    const after = await json(`/api/v1/callbacks?region=149901&month=${lastMonth}`);
    const byVisit = Object.fromEntries(after.items.map((c) => [c.visit, c]));
    check(byVisit[first]?.outcome === 'confirmed' && byVisit[first]?.note === '户主确认干部上门' && byVisit[second]?.outcome === 'denied',
      'the API keeps both outcomes, the note with the first');
    const denier = after.cadres.find((c) => c.cadre === byVisit[second]?.cadre);
    check(denier?.denied === 1 && (await text(page, '.cadres')).includes('否认率'),
      `the denying household's cadre is counted (denial rate ${denier?.denial_rate})`);
    await page.click('.query .el-radio-button:has-text("全部")');
    await until(page, async () => (await page.$$('.callbacks .el-table__row')).length === list.items.length);
    check(!!(await page.$('.callbacks .outcome-denied')) && !!(await page.$('.callbacks .outcome-confirmed')),
      'the whole list shows the outcomes recorded');
    await settled(page);
    await axe(page, 'callbacks');
    await shot(page, 'callbacks');
    check(csp.length === 0, `no CSP violations on the oversight pages (${csp.join(' | ')})`);
  } finally {
    await context.close();
  }
}
