// The inspector's view of the phone app (/m/), 不打招呼督查: the county
// admin draws an inspection through the API; on a phone-sized screen the
// inspector signs in and lands on its own home (no cadre's menu), sees the
// inspection, its sampled households with their heads' and cadres' names,
// fills in one household's checklist and submits it — and the API has it,
// answer for answer. Then without network: the app opens from the phone,
// a checklist waits as "待发送 1" and goes by itself when the network is
// back; one that waits while the inspection is closed is reported as
// "未能发送" with the server's reason. axe-core checks every page; the
// screenshots (inspector-*.png) illustrate the user guide.
//
// Called by run.mjs with the browser, the shared checks, the county admin
// (who draws and closes) and the inspector's account (scope region:149901).

function chinaToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// Polls `probe` in Node (the page's CSP forbids the eval waitForFunction
// needs) until it returns something truthy.
async function until(probe, { timeout = 20_000, every = 100 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, every));
  }
}

const text = async (page, selector) => ((await page.textContent(selector).catch(() => null)) ?? '').trim();

// Waits for the short message after an action to go (for the screenshots).
async function quiet(page) {
  await until(async () => (await page.textContent('.lx-toast'))?.trim() === '', { timeout: 5000 });
}

// Every control is at least 44×44 CSS pixels (as in cadre.mjs), the
// answer buttons and the task switch's row among them.
async function targets(page, check, name) {
  const small = await page.$$eval(
    'button, a[href], select, summary, label.lx-answer, label.lx-switch-row, .van-field',
    (els) =>
      els
        .filter((e) => !e.closest('p'))
        .map((e) => ({ e, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.height > 0 && (r.width < 44 || r.height < 44))
        .map(({ e, r }) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
  check(small.length === 0, `inspector: tap targets are at least 44 px on ${name}${small.length ? ' — ' + small.join('; ') : ''}`);
}

// The county admin's API session, apart from the phone (its own context,
// so that the phone going offline does not cut it off).
async function adminApi(browser, base, { username, password }) {
  const context = await browser.newContext();
  const signIn = await context.request.post(base + '/api/v1/session', {
    data: { username, password },
    headers: { Origin: base },
  });
  const csrf = (await signIn.json().catch(() => ({}))).csrf_token ?? '';
  const call = async (method, path, data) => {
    const answer = await context.request.fetch(base + path, {
      method,
      data,
      headers: method === 'GET' ? {} : { 'X-CSRF-Token': csrf, Origin: base },
    });
    return { status: answer.status(), json: await answer.json().catch(() => null) };
  };
  return { context, ok: signIn.status() === 200 && !!csrf, call };
}

export default async function inspector(browser, { base, check, axe, shot, admin, username, password }) {
  const county = await adminApi(browser, base, admin);
  check(county.ok, 'inspector: the county admin signs in to the API');
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    serviceWorkers: 'allow',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const cspErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  const row = (code) => `.lx-sample[data-household="${code}"]`;
  const serverRow = async (id, code) =>
    (await county.call('GET', `/api/v1/inspections/${id}`)).json?.checks?.find((c) => c.household === code);

  try {
    // ── The county admin draws an inspection (one village, three households) ──
    const regions = await county.call('GET', '/api/v1/regions?region=149901&limit=50');
    const township = regions.json?.items?.find((r) => r.code.length === 12 && r.code.endsWith('000'))?.code;
    const drawn = await county.call('POST', '/api/v1/inspections', {
      region: township,
      month: chinaToday().slice(0, 7),
      seed: `e2e-${process.pid}-${Date.now()}`,
      villages: 1,
      households: 3,
    });
    const id = drawn.json?.id;
    const sample = drawn.json?.checks ?? [];
    check(drawn.status === 201 && sample.length === 3, `inspector: an inspection of ${township} is drawn, 3 households (${drawn.status} ${id})`);
    if (sample.length < 3) return;
    const [first, second, third] = sample.map((c) => c.household);
    // The names the phone should show, from the registry.
    const headOf = async (code) =>
      (await county.call('GET', `/api/v1/households?q=${code}&limit=5`)).json?.items?.find((h) => h.code === code)?.head_name;
    const cadreOf = async (code) => (await county.call('GET', `/api/v1/cadres/${code}`)).json?.name;

    // ── Sign in: the inspector lands on its own home ───────────────────────
    await page.goto(base + '/m/');
    await page.waitForURL('**/m/signin**');
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.tap('button[type=submit]');
    await page.waitForURL('**/m/inspections');
    check(true, 'inspector: signing in on the phone lands on the inspections, not on households');
    await page.waitForSelector(`.lx-insp[data-inspection="${id}"]`);
    check((await text(page, 'h1')) === '不打招呼督查', 'inspector: its home says 不打招呼督查');
    check(!(await page.$('nav.lx-nav')), "inspector: the cadre's menu (households, tasks, appeals) is not shown");
    const listed = await until(async () => {
      const t = await text(page, `.lx-insp[data-inspection="${id}"]`);
      return t.includes('已核查 0/3') ? t : '';
    });
    check(!!listed, `inspector: the open inspection is listed with its progress (${await text(page, `.lx-insp[data-inspection="${id}"]`)})`);
    await page.goto(base + '/m/');
    await page.waitForURL('**/m/inspections');
    check(true, "inspector: the cadre's home (/m/) sends the inspector to its own");
    await page.waitForSelector(`.lx-insp[data-inspection="${id}"]`);
    await axe(page, 'inspector-home');
    await targets(page, check, 'inspector-home');
    await shot(page, 'inspector-home');

    // ── The sampled households ────────────────────────────────────────────
    await page.tap(`.lx-insp[data-inspection="${id}"] a`);
    await page.waitForURL(`**/m/inspections/${id}`);
    await page.waitForSelector('.lx-sample');
    check((await page.$$('.lx-sample')).length === 3, 'inspector: the three sampled households are listed');
    const ready = await until(async () => page.$('.lx-insp-ready'));
    check(!!ready, 'inspector: the names are kept on the phone for use without signal');
    const head = await headOf(first);
    const cadreName = await cadreOf(sample[0].cadre);
    check(!!head && (await text(page, row(first))).includes(head), `inspector: a household is shown by its head's name (${head})`);
    check(
      !!cadreName && (await text(page, `${row(first)} .lx-sample-cadre`)).includes(cadreName),
      `inspector: with the contact cadre to ask about (${await text(page, `${row(first)} .lx-sample-cadre`)})`,
    );
    const village = (await county.call('GET', `/api/v1/regions/${sample[0].village}`)).json?.name;
    check(!!village && (await text(page, '.lx-village h2')).includes(village), `inspector: households are grouped under their village (${village})`);
    const states = await page.$$eval('.lx-sample', (els) => els.map((e) => e.dataset.state));
    check(states.every((s) => s === 'unchecked') && (await text(page, row(first))).includes('未核查'), 'inspector: none is checked yet, and each says so');
    await axe(page, 'inspector-inspection');
    await targets(page, check, 'inspector-inspection');
    await shot(page, 'inspector-inspection');

    // ── One household's checklist, online ─────────────────────────────────
    let taps = 0;
    await page.tap(`${row(first)} a`);
    taps++;
    await page.waitForURL(`**/m/inspections/${id}/${first}`);
    await page.waitForSelector('label.lx-answer');
    const named = await until(async () => (await text(page, '.lx-check-cadre')).includes(cadreName ?? '?'));
    check(!!named, `inspector: the checklist names the cadre to ask about (${await text(page, '.lx-check-cadre')})`);
    const logged = (await county.call('GET', `/api/v1/households/${first}/visits`)).json?.items ?? [];
    const loggedShown = await until(async () => {
      const t = await text(page, '.lx-check-who');
      return logged.length ? t.includes('登记的走访') && (await page.$$('.lx-check-logged li')).length === Math.min(5, logged.length) : t.includes('没有登记的走访');
    });
    check(!!loggedShown, `inspector: the visits logged for the household are listed to ask about (${logged.length})`);
    const answers = await page.$$eval('input[name=visits]', (els) => els.map((e) => e.value));
    check(answers.join() === 'yes,partly,no,none_logged', `inspector: the visits are answered yes, partly, no or none logged (${answers.join()})`);
    const satisfaction = await page.$$eval('input[name=satisfaction]', (els) => els.map((e) => e.value));
    check(
      satisfaction.join() === 'satisfied,basically_satisfied,unsatisfied',
      `inspector: satisfaction on the API's scale (${satisfaction.join()})`,
    );
    const box = await page.$eval('label.lx-answer', (el) => {
      const r = el.getBoundingClientRect();
      return { w: r.width, h: r.height };
    });
    check(box.h >= 56 && box.w >= 100, `inspector: the answers are big buttons (${Math.round(box.w)}×${Math.round(box.h)})`);
    const findings = '路灯仍未修好,联系干部只来过一次';
    await page.tap('label.lx-answer:has(input[name=knows][value=yes])');
    await page.tap('label.lx-answer:has(input[name=visits][value=partly])');
    await page.tap('label.lx-answer:has(input[name=satisfaction][value=basically_satisfied])');
    taps += 3;
    await page.fill('#check-findings', findings);
    await page.tap('label.lx-switch-row');
    taps++;
    check(await page.isChecked('input[name=task]'), 'inspector: "make it a task" is switched on');
    await axe(page, 'inspector-check');
    await targets(page, check, 'inspector-check');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'inspector-check');
    await page.tap('.lx-savebar button[type=submit]');
    taps++;
    await page.waitForURL(`**/m/inspections/${id}`);
    check(taps <= 6, `inspector: a checklist takes ${taps} taps from the inspection, besides typing the findings`);
    const marked = await until(async () => (await page.getAttribute(row(first), 'data-state')) === 'checked');
    check(!!marked && (await text(page, row(first))).includes('已核查'), 'inspector: the household is marked 已核查');
    const stored = await serverRow(id, first);
    check(
      stored?.checked === true &&
        stored.knows_cadre === true &&
        stored.visits === 'partly' &&
        stored.satisfaction === 'basically_satisfied' &&
        stored.findings === findings &&
        stored.checked_by === username,
      `inspector: the API has the checklist as entered (${JSON.stringify(stored && { ...stored, cadre: undefined, village: undefined })})`,
    );
    check(!!stored?.task && stored.task.includes(sample[0].cadre), `inspector: the finding became the cadre's task (${stored?.task})`);

    // ── Without network ────────────────────────────────────────────────────
    const installed = await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 15_000)),
      ]),
    );
    check(installed, 'inspector: the service worker is installed');
    await page.reload(); // now under the service worker's control
    await page.waitForSelector('.lx-insp-ready');
    await context.setOffline(true);
    const opened = await page
      .reload()
      .then(() => page.waitForSelector('.lx-sample', { timeout: 15_000 }))
      .then(
        () => true,
        () => false,
      );
    check(opened, 'inspector: the inspection opens without network, as last saved');
    if (!opened) return;
    check((await text(page, '.lx-note.offline')).includes('没有网络'), 'inspector: offline data is said to be offline data');
    check(!!head && (await text(page, row(first))).includes(head), 'inspector: the names are there without network');
    await page.tap(`${row(second)} a`);
    await page.waitForSelector('label.lx-answer');
    await page.tap('label.lx-answer:has(input[name=knows][value=no])');
    await page.tap('label.lx-answer:has(input[name=visits][value=no])');
    await page.tap('label.lx-answer:has(input[name=satisfaction][value=unsatisfied])');
    await page.tap('.lx-savebar button[type=submit]');
    await page.waitForURL(`**/m/inspections/${id}`);
    await page.waitForSelector('.lx-outbox-count');
    check((await text(page, '.lx-outbox-count')).includes('待发送 1'), 'inspector: a checklist filled in offline waits: 待发送 1 条');
    check((await text(page, '.lx-outbox')).includes('督查核查表'), 'inspector: the queue says what waits (a checklist)');
    check((await page.getAttribute(row(second), 'data-state')) === 'waiting', 'inspector: the household is marked as waiting to be sent');
    check((await serverRow(id, second))?.checked === false, 'inspector: the server does not have it yet');
    await axe(page, 'inspector-offline');
    await targets(page, check, 'inspector-offline');
    await quiet(page);
    await shot(page, 'inspector-offline');

    await context.setOffline(false);
    const gone = await until(async () => !(await page.$('.lx-outbox')), { timeout: 30_000 });
    check(!!gone, 'inspector: back online, the waiting checklist is sent by itself (queue empty)');
    const sent = await until(async () => (await page.getAttribute(row(second), 'data-state')) === 'checked');
    check(!!sent, 'inspector: and the household is marked 已核查');
    const stored2 = await serverRow(id, second);
    check(
      stored2?.checked === true && stored2.knows_cadre === false && stored2.visits === 'no' && stored2.satisfaction === 'unsatisfied' && !stored2.task,
      `inspector: the API has the checklist sent from the queue (${stored2?.visits}, ${stored2?.satisfaction})`,
    );
    check(!(await page.$('.lx-note.offline')), 'inspector: back online, the data is fresh again');

    // ── A checklist that waits while the inspection is closed ────────────
    await context.setOffline(true);
    await page.tap(`${row(third)} a`);
    await page.waitForSelector('label.lx-answer');
    await page.tap('label.lx-answer:has(input[name=knows][value=yes])');
    await page.tap('label.lx-answer:has(input[name=visits][value=yes])');
    await page.tap('.lx-savebar button[type=submit]');
    await page.waitForURL(`**/m/inspections/${id}`);
    await page.waitForSelector('.lx-outbox-count');
    const closed = await county.call('POST', `/api/v1/inspections/${id}/close`, {});
    check(closed.status === 200 && closed.json?.state === 'closed', `inspector: the county admin closes the inspection meanwhile (${closed.status})`);
    await context.setOffline(false);
    const failed = await until(async () => text(page, '.lx-failed'), { timeout: 30_000 });
    check(failed.includes('未能发送 1'), 'inspector: the refused checklist is reported as 未能发送');
    check(
      failed.includes('inspection_closed') && failed.includes('督查已经结束'),
      `inspector: with the server's reason, in words (${failed.slice(0, 140)})`,
    );
    check((await serverRow(id, third))?.checked === false, 'inspector: the closed inspection did not take it');
    await until(async () => (await text(page, '.lx-insp-summary + .lx-note.info')).includes('已经结束'));
    await axe(page, 'inspector-conflict');
    await targets(page, check, 'inspector-conflict');
    await quiet(page);
    await shot(page, 'inspector-conflict');
    await page.tap('.lx-failed button');
    await page.waitForSelector('.van-dialog__confirm');
    await page.tap('.van-dialog__confirm');
    check(!!(await until(async () => !(await page.$('.lx-failed')))), 'inspector: the inspector discards the refused checklist');

    // ── Home again: nothing open; English ─────────────────────────────────
    await page.tap('.lx-back');
    await page.waitForURL((url) => url.pathname === '/m/inspections');
    await until(async () => (await text(page, 'main')).includes('现在没有进行中的督查'));
    check(!(await page.$(`.lx-insp[data-inspection="${id}"]`)), 'inspector: a closed inspection is no longer among the open ones');
    await page.tap('.lx-lang');
    await until(async () => (await text(page, 'h1')) === 'Unannounced inspections');
    check((await text(page, 'h1')) === 'Unannounced inspections', 'inspector: the language switch turns the page English');
    await axe(page, 'inspector-home-en');
    await page.tap('.lx-lang');
    await until(async () => (await text(page, 'h1')) === '不打招呼督查');
    check(cspErrors.length === 0, `inspector: no CSP violations (${cspErrors.join(' | ')})`);
  } finally {
    await context.close().catch(() => undefined);
    await county.context.close().catch(() => undefined);
  }
}
