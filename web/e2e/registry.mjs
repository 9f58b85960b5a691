// The registry pages (登记库) on the county's desktop, end to end, as the
// demo county admin in its own browser context (1280×800, zh-CN):
//   for regions, units, orgs and cadres the list shows the API's first page
//   (GET /api/v1/{kind}?limit=20, read by this test) and a search narrows
//   it as the API does;
//   a cadre opens with its rank by the Chinese label src/domain/enum_tables.hpp
//   gives it (read here, not copied), its ID number masked;
//   a unit's staff number edited in the form, and the API has it;
//   a new org with a region of the wrong level is refused with the API's own
//   message under 所在区划, then, given a village, created (read back from the API).
// Then the discipline office (reader: it reads the registry, writes none of
// it, access.cpp) sees the units and a unit with no button to create or edit.
// axe checks every page; screenshots registry-KIND, registry-cadre,
// registry-unit-edit and registry-org-error go to e2e/screenshots/.
//
//   export default async function (browser, { base, check, axe, shot, username, password, reader })
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until, settled, text, closeDialog } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// An enumeration's rows {token, label} as the server's own table holds them.
function serverEnum(name) {
  const source = readFileSync(join(here, '..', '..', 'src', 'domain', 'enum_tables.hpp'), 'utf8');
  const block = source.match(new RegExp(`${name}\\[\\] = \\{([\\s\\S]*?)\\n\\};`))?.[1] ?? '';
  return [...block.matchAll(/\{\w+::\w+, "([^"]+)", "([^"]+)"/g)].map(([, token, label]) => ({ token, label }));
}

const menu = { regions: '区划', units: '单位', orgs: '党组织', cadres: '干部' };

export default async function (browser, { base, check, axe, shot, username, password, reader }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  // The API as this page's session reads and writes it.
  const call = (method, path, body) =>
    page.evaluate(
      async ([m, p, b]) => {
        const headers = { Accept: 'application/json' };
        if (m !== 'GET') headers['X-CSRF-Token'] = sessionStorage.getItem('lianxin.csrf') ?? '';
        if (b !== undefined) headers['Content-Type'] = 'application/json';
        const answer = await fetch(p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b), credentials: 'same-origin' });
        return { status: answer.status, json: await answer.json().catch(() => null) };
      },
      [method, path, body],
    );
  const json = async (path) => (await call('GET', path)).json;
  const rows = (selector = '.list .el-table__row') =>
    page.$$eval(selector, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));

  try {
    await page.goto(base + '/');
    await page.waitForURL('**/signin**');
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    check((await text(page, 'nav')).includes('登记库'), 'the menu groups the registry under 登记库');

    for (const kind of ['regions', 'units', 'orgs', 'cadres']) {
      await page.click(`.el-menu-item:text-is("${menu[kind]}")`);
      await page.waitForURL(`**/registry/${kind}`);
      const first = await json(`/api/v1/${kind}?limit=20`);
      const want = first.items.map((r) => [r.code, r.name]);
      await until(page, async () => (await rows()).length === want.length && (await rows())[0]?.[0] === want[0]?.[0]);
      const shown = (await rows()).map((r) => [r[0], r[1]]);
      check(want.length > 0 && JSON.stringify(shown) === JSON.stringify(want),
        `${kind}: the list shows the API's first page (${shown.length} of ${first.total}, ${shown[0]?.join(' ')})`);
      // A search by the name of a record further down the page.
      const term = first.items[Math.min(2, first.items.length - 1)].name;
      const found = await json(`/api/v1/${kind}?limit=20&q=${encodeURIComponent(term)}`);
      await page.fill('form[role=search] input', term);
      await page.click('form[role=search] button[type=submit]');
      const codes = found.items.map((r) => r.code);
      await until(page, async () => JSON.stringify((await rows()).map((r) => r[0])) === JSON.stringify(codes));
      check(found.total < first.total && JSON.stringify((await rows()).map((r) => r[0])) === JSON.stringify(codes),
        `${kind}: searching “${term}” narrows it as the API does (${codes.length} of ${first.total})`);
      await settled(page, { top: false });
      await axe(page, `registry-${kind}`);
      await shot(page, `registry-${kind}`);
    }

    // A cadre: its rank by the label of the server's table, its ID masked.
    const ranks = serverEnum('kRankRows');
    await page.fill('form[role=search] input', '');
    await page.click('form[role=search] button[type=submit]');
    const cadres = await json('/api/v1/cadres?limit=20');
    await until(page, async () => (await rows())[0]?.[0] === cadres.items[0].code);
    await page.click('.list .el-table__row:first-child button');
    await page.waitForSelector('.record .field-rank');
    const cadre = await json(`/api/v1/cadres/${cadres.items[0].code}`);
    const rank = ranks.find((r) => r.token === cadre.rank || r.label === cadre.rank);
    const shownRank = await text(page, '.record .field-rank');
    check(ranks.length === 5 && rank && shownRank === rank.label,
      `a cadre's rank is shown by its Chinese label (${cadre.rank} → ${shownRank})`);
    check(/\*{4}/.test(await text(page, '.record .field-id_number')), 'its ID number is shown masked');
    await page.click('.record .field-id_number button');
    await page.fill('#reveal-reason', '核实干部身份');
    await page.click('.el-dialog button[type=submit]');
    await page.waitForSelector('.el-dialog [role=alert]');
    check((await text(page, '.el-dialog [role=alert]')).includes('totp'), 'revealing it without TOTP is refused, saying why');
    await closeDialog(page);
    await settled(page, { top: false });
    await axe(page, 'registry-cadre');
    await shot(page, 'registry-cadre');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.record', { state: 'hidden' });

    // A unit's staff number, edited; the API has it.
    await page.click('.el-menu-item:text-is("单位")');
    await page.waitForURL('**/registry/units');
    const units = await json('/api/v1/units?limit=20');
    const unit = units.items[0];
    await until(page, async () => (await rows())[0]?.[0] === unit.code);
    await page.click('.list .el-table__row:first-child button');
    await page.waitForSelector('.record .edit');
    await page.click('.record .edit');
    await page.waitForSelector('#reg-staff');
    const staff = String(Number(unit.staff) + 3);
    await page.fill('#reg-staff', staff);
    await settled(page, { top: false });
    await axe(page, 'registry-unit-edit');
    await shot(page, 'registry-unit-edit');
    await page.click('.record-form button[type=submit]');
    await page.waitForSelector('.registry > [role=status]');
    const after = await json(`/api/v1/units/${unit.code}`);
    check(after.staff === staff && after.name === unit.name, `the unit's staff number is saved (${unit.staff} → ${after.staff})`);
    check((await text(page, '.record .field-staff')) === staff, 'and the record shows it');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.record', { state: 'hidden' });

    // A new org: a village branch placed in a township is refused, the
    // API's message under 所在区划; placed in a village it is created.
    const regions = (await json('/api/v1/regions?limit=200')).items;
    const township = regions.find((r) => r.level === '乡镇' || r.level === 'township');
    const village = regions.find((r) => r.level === '村' || r.level === 'village');
    await page.click('.el-menu-item:text-is("党组织")');
    await page.waitForURL('**/registry/orgs');
    await page.click('.registry .create');
    await page.waitForSelector('#reg-code');
    // Not "…E12345": the importer takes that for a number Excel mangled.
    const code = `${village.code}T${String(Date.now()).slice(-5)}`;
    const org = { code, name: `${village.name}测试党支部`, kind: 'village_branch', region_code: township.code };
    await page.fill('#reg-code', org.code);
    await page.fill('#reg-name', org.name);
    await page.selectOption('#reg-kind', org.kind);
    await page.fill('#reg-region_code', org.region_code);
    await page.click('.record-form button[type=submit]');
    await page.waitForSelector('#reg-region_code-error');
    const refused = await call('POST', '/api/v1/orgs', org);
    const under = await text(page, '#reg-region_code-error');
    check(refused.status === 400 && refused.json.error.field === 'region_code' && under === refused.json.error.message,
      `a village branch in a township is refused under 所在区划 with the API's message (${under})`);
    check((await call('GET', `/api/v1/orgs/${code}`)).status === 404, 'and nothing was created');
    await settled(page, { top: false });
    await axe(page, 'registry-org-error');
    await shot(page, 'registry-org-error');
    await page.fill('#reg-region_code', village.code);
    await page.click('.record-form button[type=submit]');
    await page.waitForSelector('.registry > [role=status]');
    const created = await call('GET', `/api/v1/orgs/${code}`);
    check(created.status === 200 && created.json.region_code === village.code && created.json.name === org.name,
      `in a village it is created (${code}, ${created.json?.kind})`);
    check(!(await page.$('#reg-region_code-error')), 'and the error is gone');
  } finally {
    await context.close();
  }
  if (reader) await readOnly(browser, { base, check, axe, reader });
}

// A role that reads the registry and may not write it: no 新建, no 编辑.
async function readOnly(browser, { base, check, axe, reader }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  try {
    await page.goto(base + '/signin');
    await page.fill('#username', reader.username);
    await page.fill('#password', reader.password);
    await page.click('button[type=submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    await page.click('.el-menu-item:text-is("单位")');
    await page.waitForURL('**/registry/units');
    await page.waitForSelector('.list .el-table__row');
    check(!(await page.$('.registry .create')), 'discipline: the units are listed with no button to create one');
    await page.click('.list .el-table__row:first-child button');
    await page.waitForSelector('.record .field-staff');
    check(!(await page.$('.record .edit')), 'discipline: a unit opens with no button to edit it');
    await settled(page, { top: false });
    await axe(page, 'registry-discipline-unit');
  } finally {
    await context.close();
  }
}
