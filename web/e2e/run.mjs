// The end-to-end run: Debian's chromium, headless, against a running
// `lianxin serve` with the built app. ./dev test starts the server and calls
//   node e2e/run.mjs BASE_URL USERNAME PASSWORD
// It signs in as the demo county admin, lists and searches households, sees
// a masked ID number, uploads a CSV with an error and reads it by row and
// column, previews the pairing and has a household explained, is sent to
// sign in when its session ends and comes back to the same page; axe-core
// checks each page, and screenshots go to e2e/screenshots/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const [base, username, password] = process.argv.slice(2);
if (!base || !username || !password) {
  console.error('usage: node e2e/run.mjs BASE_URL USERNAME PASSWORD');
  process.exit(2);
}
const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

// axe is added as a script element's text: the page's CSP forbids inline
// scripts, so it goes in through the DevTools protocol (addScriptTag would be refused).
async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  for (const v of result.violations) {
    console.log(`  axe ${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
  }
  check(result.violations.length === 0, `axe: no violations on ${name}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

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
  await page.keyboard.press('Escape');
  await page.waitForSelector('.el-dialog', { state: 'hidden' });

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
  await page.keyboard.press('Escape');
  await page.waitForSelector('.el-dialog', { state: 'hidden' });
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
} finally {
  await browser.close();
}
console.log(failures ? `${failures} e2e check(s) failed` : 'e2e: all checks passed');
process.exit(failures ? 1 : 0);
