// The end-to-end run: Debian's chromium, headless, against a running
// `lianxin serve` with the built app. ./dev test starts the server and calls
//   node e2e/run.mjs BASE_URL USERNAME PASSWORD
// It signs in as the demo county admin, reads the dashboard and drills into
// a township, lists and searches households, sees a masked ID number,
// uploads a CSV with an error and reads it by row and column, previews the
// pairing and has a household explained, is sent to sign in when its session
// ends and comes back to the same page. Then, with the accounts and card
// ./dev test made (LIANXIN_E2E_ADMINS, LIANXIN_E2E_CADRE,
// LIANXIN_E2E_INSPECTOR, LIANXIN_E2E_CARD), the three admins' consoles
// (admins.mjs, 参数与字典 with them), the cadre's phone app (cadre.mjs), the inspector's view of it
// (inspector.mjs) and the household's page (household.mjs); and, as the
// county admin again, the oversight pages (oversight.mjs); and with a unit's head and the
// discipline office (LIANXIN_E2E_UNIT_HEAD, LIANXIN_E2E_DISCIPLINE) beside it, the
// 八项规定 ledger (ledger.mjs); and the registry's regions, units, orgs and
// cadres, browsed, edited and created (registry.mjs). axe-core checks each page, and
// screenshots go to e2e/screenshots/ (the user guide's come from there).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { closeDialog, makeChecks } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [base, username, password] = process.argv.slice(2);
if (!base || !username || !password) {
  console.error('usage: node e2e/run.mjs BASE_URL USERNAME PASSWORD');
  process.exit(2);
}
const { check, axe, shot, failures } = makeChecks(join(here, 'screenshots'));

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const cspErrors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  page.setDefaultTimeout(30_000);

  // Sign in.
  await page.goto(base + '/');
  await page.waitForURL('**/signin');
  await axe(page, 'signin');
  await shot(page, 'signin');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  // The admins' furniture is not the county admin's (三员分立).
  const countyMenu = await page.$$eval('.el-menu-item', (items) => items.map((item) => item.textContent?.trim()));
  check(!countyMenu.includes('在线用户') && !countyMenu.includes('服务监控'),
    `the county admin's menu offers neither online users nor server health (${countyMenu.join(', ')})`);

  // The dashboard: the county's townships, then one of them drilled into.
  await page.waitForSelector('.areas .el-table__row');
  const townships = await page.$$('.areas .el-table__row');
  check(townships.length > 1, `the dashboard lists the county's townships (${townships.length})`);
  check(/\d+(\.\d)?%/.test((await page.textContent('.cards'))?? ''), 'the coverage is given as a share');
  await page.waitForSelector('.flags dd', { timeout: 60_000 });
  check((await page.$$('.flags dd')).length === 3, 'the three phenomena are counted');
  await axe(page, 'dashboard');
  await shot(page, 'dashboard');
  const first = (await page.textContent('.areas .el-table__row a'))?.trim();
  await page.click('.areas .el-table__row a');
  await page.waitForURL(/region=\d{12}/);
  await page.waitForSelector('.trail a');
  for (let i = 0; i < 100 && !(await page.textContent('.trail'))?.includes(first ?? '?'); i++) await page.waitForTimeout(100);
  check((await page.textContent('.trail'))?.includes(first ?? '?'), `drilled into ${first}, its villages listed`);
  await page.click('.el-menu-item:has-text("农户")');
  await page.waitForURL('**/households');

  // Households: masked ID numbers, then a search.
  await page.waitForSelector('.el-table__row');
  const firstId = await page.textContent('.el-table__row .masked');
  check(/^\d{6}\*{8}[\dX]{4}$/.test(firstId?.trim() ?? ''), `masked ID number shown (${firstId?.trim()})`);
  const code = (await page.textContent('.el-table__row td'))?.trim() ?? '';
  check(/^\d{16}$/.test(code), `household code in the first row (${code})`);
  await axe(page, 'households');
  await shot(page, 'households');
  await page.fill('form[role=search] input', code);
  await page.click('form[role=search] button[type=submit]');
  // Polled from here: the page's CSP forbids the eval waitForFunction needs.
  for (let i = 0; i < 100 && (await page.$$('.el-table__row')).length !== 1; i++) await page.waitForTimeout(100);
  check((await page.textContent('.el-table__row td'))?.trim() === code, 'search finds the household by its code');

  // Its detail page.
  await page.click('.el-table__row a');
  await page.waitForSelector('.el-descriptions');
  check((await page.textContent('h1'))?.includes(code), 'household detail opens');
  check((await page.textContent('.el-descriptions'))?.includes('户主姓名'), 'the fields are named in Chinese');
  await axe(page, 'household');
  await shot(page, 'household');
  // A member's full ID number: asked with a reason; this account has no TOTP,
  // so the server refuses (and says why) rather than reveal it.
  await page.click('.members .el-table__row button');
  await page.fill('#reveal-reason', '核实家庭成员身份');
  await page.click('.el-dialog button[type=submit]');
  await page.waitForSelector('.el-dialog [role=alert]');
  check((await page.textContent('.el-dialog [role=alert]'))?.includes('totp'), 'a member reveal without TOTP is refused, saying why');
  await closeDialog(page);

  // Appeals: the open queue, one appeal's history and the steps this admin
  // may take; then an appeal taken on the phone for the household above.
  await page.click('.el-menu-item:has-text("诉求")');
  await page.waitForURL('**/appeals');
  await page.waitForSelector('.queue .el-table__row');
  check((await page.$$('.queue .el-table__row')).length > 0, 'the open appeals are queued');
  await page.click('.queue .el-table__row button');
  await page.waitForSelector('.detail .steps li');
  check((await page.$$('.detail .steps li')).length >= 1, "an appeal's history is shown step by step");
  await axe(page, 'appeal');
  await shot(page, 'appeal');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.el-drawer', { state: 'hidden' });
  await page.click('.bar button:has-text("受理诉求")');
  await page.fill('#file-household', code);
  await page.fill('#file-content', '村口路灯坏了一个月');
  await page.click('.file button[type=submit]');
  await page.waitForSelector('.detail .summary');
  const filed = (await page.textContent('.detail .summary')) ?? '';
  check(/A[0-9a-f]{16}/.test(filed) && filed.includes('已派单'), `an appeal is filed and dispatched at once (${filed.trim().slice(0, 60)})`);
  // A dispatcher may enter the handler's 签收 (a cadre without a phone).
  await page.selectOption('#appeal-action', 'sign');
  await page.click('.act button[type=submit]');
  await page.waitForSelector('.detail [role=status]');
  check((await page.textContent('.detail .summary'))?.includes('办理中'), 'signed for, it is being handled');
  check((await page.textContent('.detail .steps'))?.includes('签收'), 'the 签收 is in its history');
  await axe(page, 'appeals');
  await shot(page, 'appeals');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.el-drawer', { state: 'hidden' });

  // Import: a CSV whose second data row has a bad ID number.
  const csv = join(tmpdir(), `lianxin-e2e-${process.pid}.csv`);
  writeFileSync(
    csv,
    '户编号,所属村,户主姓名,户主身份证号,家庭人口,人均纯收入\n' +
      '1499010010019901,149901001001,测试甲,14990119700101011X,1,6000\n' +
      '1499010010019902,149901001001,测试乙,149901197001010,1,6000\n',
  );
  await page.click('text=导入');
  await page.waitForURL('**/import');
  await page.setInputFiles('#import-file', csv);
  await page.click('text=试导入');
  await page.waitForSelector('.problems .el-table__row');
  const problem = await page.$$eval('.problems .el-table__row', (rows) =>
    rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent?.trim())),
  );
  console.log('  problems:', JSON.stringify(problem));
  check(problem.some(([row, column]) => row === '3' && /head_id_number|身份证/.test(column ?? '')),
    'the bad ID number is reported at row 3, its column');
  await axe(page, 'import');
  await shot(page, 'import');

  // Pairing: preview, then explain the household found above.
  await page.click('text=结对');
  await page.waitForURL('**/pairing');
  // What the last run left uncovered is there before anything is computed.
  const last = await page.waitForSelector('h3:has-text("上次结对未覆盖")', { timeout: 10_000 }).catch(() => null);
  check(last !== null, 'the pairing page lists what the last run left uncovered');
  await page.click('text=预览');
  await page.waitForSelector('.summary', { timeout: 90_000 });
  check((await page.textContent('.summary'))?.includes('每户都有联系干部'), 'pairing preview shows its goals in words');
  await page.fill('.explain input', code);
  await page.click('.explain button');
  await page.waitForSelector('.explanation', { timeout: 90_000 });
  check((await page.textContent('.explanation'))?.includes(code), 'the household is explained');
  check((await page.$$('.explanation .rules li')).length >= 2, 'the explanation gives its reasons one by one');
  // Pin the cheapest alternative, with a reason.
  await page.click('.alternatives .el-table__row button');
  await page.fill('#pin-reason', '该干部住在本村,便于走访');
  await page.click('.el-dialog button[type=submit]');
  await page.waitForSelector('.el-dialog [role=status]');
  check((await page.textContent('.el-dialog [role=status]'))?.includes('下次结对'), 'an alternative is pinned with a reason');
  await closeDialog(page);
  await axe(page, 'pairing');
  await shot(page, 'pairing');

  // The session ends behind the page's back (an idle timeout, a sign-out in
  // another tab): the next call sends the user to sign in, and back here.
  const ended = await page.evaluate(async () => {
    const answer = await fetch('/api/v1/session', {
      method: 'DELETE',
      headers: { 'X-CSRF-Token': sessionStorage.getItem('lianxin.csrf') ?? '' },
      credentials: 'same-origin',
    });
    return answer.status;
  });
  check(ended === 200, `the session was ended server-side (${ended})`);
  await page.click('.explain button');
  await page.waitForURL(/\/signin\?.*redirect=(%2F|\/)pairing/);
  check((await page.textContent('[role=status]'))?.includes('重新登录'), 'an expired session asks to sign in again');
  await axe(page, 'signin-expired');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/pairing');
  await page.waitForSelector('.explain');
  check((await page.textContent('h1'))?.includes('结对'), 'signed in again, back on the page the session ended on');

  // English.
  await page.click('text=English');
  check((await page.textContent('h1'))?.includes('Pairing'), 'the English toggle switches the page');
  check(cspErrors.length === 0, `no CSP violations (${cspErrors.join(' | ')})`);

  // The three admins' consoles, the cadre's phone app and the household's
  // page (on a phone-sized screen), with the accounts and the card ./dev
  // test made for them.
  const shared = { base, check, axe, shot };
  if (process.env.LIANXIN_E2E_ADMINS) {
    // "sys:pw,sec:pw,aud:pw": the system admin, the security admin, the auditor.
    const [sysadmin, secadmin, auditor] = process.env.LIANXIN_E2E_ADMINS.split(',').map((pair) => {
      const [user, pass] = pair.split(':');
      return { username: user, password: pass };
    });
    await (await import('./admins.mjs')).default(browser, {
      ...shared, sysadmin, secadmin, auditor, countyAdmin: { username, password },
    });
  }
  if (process.env.LIANXIN_E2E_CADRE) {
    const [user, pass] = process.env.LIANXIN_E2E_CADRE.split(':');
    await (await import('./cadre.mjs')).default(browser, { ...shared, username: user, password: pass });
  }
  if (process.env.LIANXIN_E2E_INSPECTOR) {
    // The inspector on the phone; the county admin (this run's account) draws and closes.
    const [user, pass] = process.env.LIANXIN_E2E_INSPECTOR.split(':');
    await (await import('./inspector.mjs')).default(browser, {
      ...shared,
      admin: { username, password },
      username: user,
      password: pass,
    });
  }
  if (process.env.LIANXIN_E2E_CARD) {
    const [card, surname] = process.env.LIANXIN_E2E_CARD.split(':');
    await (await import('./household.mjs')).default(browser, { ...shared, card, surname });
  }
  // The notice, bulletin, inspections and callbacks, as the county admin.
  await (await import('./oversight.mjs')).default(browser, { ...shared, username, password });
  if (process.env.LIANXIN_E2E_UNIT_HEAD && process.env.LIANXIN_E2E_DISCIPLINE) {
    // The 八项规定 ledger: the county admin (this run's account), a unit's
    // head ("user:password:unit") and the discipline office.
    const [unitUser, unitPass, unit] = process.env.LIANXIN_E2E_UNIT_HEAD.split(':');
    const [disciplineUser, disciplinePass] = process.env.LIANXIN_E2E_DISCIPLINE.split(':');
    await (await import('./ledger.mjs')).default(browser, {
      ...shared,
      admin: { username, password },
      unitHead: { username: unitUser, password: unitPass, unit },
      discipline: { username: disciplineUser, password: disciplinePass },
    });
  }
  // The registry pages (登记库), as the county admin: last, since it edits a
  // unit and creates an org the pages before it count.
  const [readerUser, readerPass] = (process.env.LIANXIN_E2E_DISCIPLINE ?? ':').split(':');
  await (await import('./registry.mjs')).default(browser, {
    ...shared,
    username,
    password,
    reader: readerUser ? { username: readerUser, password: readerPass } : null,
  });
} finally {
  await browser.close();
}
console.log(failures() ? `${failures()} e2e check(s) failed` : 'e2e: all checks passed');
process.exit(failures() ? 1 : 0);
