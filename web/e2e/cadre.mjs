// The cadre's phone app (/m/) on a phone-sized screen: sign in, my
// households (the most pressing first), a visit in at most three taps from
// the home page, my tasks (a progress report), my appeals (one filed from a
// visit, accepted and answered), and the offline path: the app opens
// without network once the service worker holds it, a visit logged
// offline waits as "待发送 1" and goes by itself when the network is back,
// and a visit the server refuses is kept as "未能发送" with the server's
// words until the cadre discards it. axe-core checks every page; the
// screenshots (cadre-*.png) illustrate the user guide.
//
// Called by run.mjs with the browser and the shared checks; the account
// must be a cadre's (scope cadre:…) with households and the password usable.

// A household code that is no cadre's here: the demo county's codes are
// 1499…, and village 999 of township 999 does not exist.
const FOREIGN_HOUSEHOLD = '1499999999990001';

function chinaToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// Polls `probe` (run in Node, not in the page: the CSP forbids the eval
// waitForFunction needs) until it returns something truthy.
async function until(probe, { timeout = 20_000, every = 100 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, every));
  }
}

// Waits for the short message after an action to go, so that screenshots
// show the page itself.
async function quiet(page) {
  await until(async () => (await page.textContent('.lx-toast'))?.trim() === '', { timeout: 5000 });
}

// Every control is at least 44×44 CSS pixels (links inside a sentence
// aside): buttons, links, selects, folded sections, the kind buttons and
// check boxes with their labels, and the input rows.
async function targets(page, check, name) {
  const small = await page.$$eval(
    'button, a[href], select, summary, input[type=date], label.lx-check, label.lx-kind, .van-field',
    (els) =>
      els
        .filter((e) => !e.closest('p'))
        .map((e) => ({ e, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.height > 0 && (r.width < 44 || r.height < 44))
        .map(({ e, r }) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
  check(small.length === 0, `cadre app: tap targets are at least 44 px on ${name}${small.length ? ' — ' + small.join('; ') : ''}`);
}

const text = async (page, selector) => ((await page.textContent(selector).catch(() => null)) ?? '').trim();

// What the server says about the cadre's households now (a second opinion
// to what the page shows).
async function serverHouseholds(page) {
  return page.evaluate(async () => {
    const answer = await fetch('/api/v1/me/households', { credentials: 'same-origin' });
    return answer.ok ? (await answer.json()).items : null;
  });
}

export default async function cadre(browser, { base, check, axe, shot, username, password }) {
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
  const today = chinaToday();
  const [, month, day] = today.split('-').map(Number);
  const todayLabel = `${month}月${day}日`;

  try {
    // ── Sign in ──────────────────────────────────────────────────────────
    await page.goto(base + '/m/');
    await page.waitForURL('**/m/signin**');
    await page.waitForSelector('#username');
    check((await page.getAttribute('html', 'lang')) === 'zh-CN', 'cadre app: the page is in Chinese (lang zh-CN)');
    check((await text(page, 'h1')) === '登录', 'cadre app: the sign-in page says 登录');
    await axe(page, 'cadre-signin');
    await targets(page, check, 'cadre-signin');
    await shot(page, 'cadre-signin');
    await page.fill('#password', 'wrong-password-1');
    await page.fill('#username', username);
    await page.tap('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    check((await page.url()).includes('/m/signin'), 'cadre app: a wrong password does not sign in, and says so');
    await page.fill('#password', password);
    await page.tap('button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/m/');
    const csrfKey = await page.evaluate(() => Object.keys(sessionStorage));
    check(csrfKey.includes('lianxin.cadre.csrf'), 'cadre app: the CSRF token is kept in sessionStorage under its own key');

    // ── My households ────────────────────────────────────────────────────
    await page.waitForSelector('.lx-hh');
    const rows = await page.$$eval('.lx-hh', (els) =>
      els.map((el) => ({
        code: el.dataset.household,
        due: el.dataset.due,
        overdue: el.dataset.overdue === 'true',
        text: el.textContent,
      })),
    );
    check(rows.length > 0, `cadre app: my households are listed (${rows.length})`);
    check(new Set(rows.map((r) => r.code)).size === rows.length, 'cadre app: each household appears once');
    const sorted = rows.every(
      (r, i) => i === 0 || (rows[i - 1].overdue && !r.overdue) || (rows[i - 1].overdue === r.overdue && rows[i - 1].due <= r.due),
    );
    check(sorted, 'cadre app: households are sorted overdue first, then by the date due');
    check(rows.every((r) => /逾期|应走访|前走访/.test(r.text)), 'cadre app: each household says in words when it is due');
    const server = await serverHouseholds(page);
    check(
      server && new Set(server.map((h) => h.household)).size === rows.length,
      'cadre app: the list holds every household the server gives',
    );
    await axe(page, 'cadre-home');
    await targets(page, check, 'cadre-home');
    await quiet(page);
    await shot(page, 'cadre-home');

    // ── A visit in at most three taps from the home page ─────────────────
    const first = rows[0].code;
    let taps = 0;
    await page.tap(`.lx-hh[data-household="${first}"] a`);
    taps++;
    await page.waitForURL(`**/m/visit/${first}`);
    await page.waitForSelector('.lx-kind');
    check(
      await page.isChecked('input[name=kind][value=home_visit]'),
      'cadre app: 入户走访 is already chosen when the visit page opens',
    );
    const kinds = await page.$$eval('input[name=kind]', (els) => els.map((e) => e.value));
    check(
      kinds.join() === 'home_visit,talk,reception,stay,shared_labour,phone,by_proxy',
      `cadre app: the seven kinds of visit are offered, home visit first (${kinds.join()})`,
    );
    check((await page.textContent('main')).includes('不算直接联系'), 'cadre app: phone calls and visits by proxy are said not to count as direct contact');
    const kindBox = await page.$eval('label.lx-kind', (el) => {
      const r = el.getBoundingClientRect();
      return { w: r.width, h: r.height };
    });
    check(kindBox.h >= 44 && kindBox.w >= 44, `cadre app: the kind buttons are big enough to tap (${Math.round(kindBox.w)}×${Math.round(kindBox.h)})`);
    await page.tap('label.lx-kind:has(input[value=talk])');
    taps++;
    await axe(page, 'cadre-visit');
    await targets(page, check, 'cadre-visit');
    await quiet(page);
    await shot(page, 'cadre-visit');
    await page.tap('.lx-savebar button[type=submit]');
    taps++;
    await page.waitForURL((url) => url.pathname === '/m/');
    check(taps <= 3, `cadre app: a visit is saved in ${taps} taps from the home page (at most 3)`);
    const lastShown = await until(async () => {
      const t = await text(page, `.lx-hh[data-household="${first}"] .lx-hh-last`);
      return t.includes(todayLabel) && t.includes('民情恳谈') ? t : '';
    });
    check(
      !!lastShown,
      `cadre app: the household's last visit is now today's talk (${await text(page, `.lx-hh[data-household="${first}"] .lx-hh-last`)})`,
    );
    const afterVisit = (await serverHouseholds(page))?.find((h) => h.household === first);
    check(
      afterVisit?.last_visit?.date === today && afterVisit?.last_visit?.kind === 'talk',
      'cadre app: the server has the visit, dated today',
    );
    check(!(await page.$('.lx-outbox')), 'cadre app: nothing waits in the queue after an online visit');

    // A visit whose promise becomes an appeal (for the appeals below).
    // A contact household: its appeals are routed to its contact cadre.
    const second = rows.find((r) => r.code !== first && r.text.includes('联系户'))?.code ?? first;
    await page.tap(`.lx-hh[data-household="${second}"] a`);
    await page.waitForSelector('.lx-kind');
    await page.tap('.lx-more summary');
    await page.fill('#visit-heard', '村口路灯坏了一个月,晚上看不见路');
    await page.fill('#visit-promised', '一周内联系供电所修好');
    await page.tap('label.lx-check:has-text("记为诉求")');
    await page.waitForSelector('#appeal-topic option[value=power]', { state: 'attached' });
    await page.selectOption('#appeal-topic', 'power');
    await axe(page, 'cadre-visit-details');
    await targets(page, check, 'cadre-visit-details');
    // The appeal's id, from the server's answer: this run's appeal, not an
    // earlier run's with the same words.
    const [logged] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/visits') && r.request().method() === 'POST'),
      page.tap('.lx-savebar button[type=submit]'),
    ]);
    const appealId = (await logged.json().catch(() => ({}))).appeal?.id ?? 'none';
    // Its own name goes with it, so a resend after a lost answer is found,
    // not recorded twice: the same body again is answered 200, repeated.
    const sentBody = logged.request().postDataJSON() ?? {};
    check(/^[0-9a-f]{32}$/.test(sentBody.client_id ?? ''), `cadre app: a visit carries its client_id (${sentBody.client_id})`);
    const again = await page.evaluate(async (body) => {
      const r = await fetch('/api/v1/visits', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('lianxin.cadre.csrf') ?? '' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      return { status: r.status, json: await r.json().catch(() => ({})) };
    }, sentBody);
    check(again.status === 200 && again.json.repeated === true && !again.json.appeal,
      `cadre app: the same visit sent again is found, not recorded twice (${again.status})`);
    check(logged.status() === 201 && appealId !== 'none', `cadre app: a visit can file what was heard as an appeal (${appealId})`);
    const mine = `.lx-appeal:has(a[href="/m/appeals/${appealId}"])`;
    await page.waitForURL((url) => url.pathname === '/m/');
    await quiet(page);

    // ── My tasks ─────────────────────────────────────────────────────────
    await page.tap('nav a[href="/m/tasks"]');
    await page.waitForURL('**/m/tasks');
    await page.waitForSelector('.lx-task, main .lx-card');
    const tasks = await page.$$('.lx-task');
    check(tasks.length > 0, `cadre app: my tasks are listed (${tasks.length})`);
    check((await text(page, 'h1')) === '我的任务', 'cadre app: the tasks page says 我的任务');
    await axe(page, 'cadre-tasks');
    await targets(page, check, 'cadre-tasks');
    await quiet(page);
    await shot(page, 'cadre-tasks');
    const openTask = await page.$('.lx-task:not(.done)');
    if (openTask) {
      const before = await openTask.$eval('.lx-task-pct', (el) => el.textContent ?? '');
      const was = Number(/(\d+)%/.exec(before)?.[1] ?? '0');
      // A different value every time, never 100 (that would close the task).
      const target = was <= 90 ? was + 5 : was - 10;
      await (await openTask.$('button')).tap();
      await page.fill('.lx-task-form input', String(target));
      await page.fill('.lx-task-form textarea', '已联系农技站上门指导');
      await axe(page, 'cadre-task-progress');
    await targets(page, check, 'cadre-task-progress');
      await page.tap('.lx-task-form button[type=submit]');
      const after = await until(async () => {
        const t = await text(page, '.lx-task:not(.done) .lx-task-pct');
        return t.includes(`${target}%`) ? t : '';
      });
      check(!!after, `cadre app: progress reported on a task (${was}% → ${target}%)`);
      check(
        (await text(page, '.lx-task:not(.done) .lx-task-note')).includes('已联系农技站上门指导'),
        'cadre app: the progress note is shown with the task',
      );
    } else {
      check(false, 'cadre app: the cadre has an open task to report progress on');
    }

    // ── My appeals ───────────────────────────────────────────────────────
    await page.tap('nav a[href="/m/appeals"]');
    await page.waitForURL('**/m/appeals');
    await page.waitForSelector('.lx-appeal');
    check((await page.getAttribute('.lx-switch button.on', 'aria-pressed')) === 'true', 'cadre app: open appeals are shown first');
    // The appeal says what was heard.
    const filed = await page.$(mine);
    check(!!filed, 'cadre app: the appeal filed from the visit is among my open appeals');
    check((await text(page, `${mine} .lx-appeal-content`)).includes('路灯坏了'), 'cadre app: the appeal says what was heard');
    check((await text(page, `${mine} .lx-appeal-due`)).includes('期限'), 'cadre app: an appeal shows its deadline');
    await axe(page, 'cadre-appeals');
    await targets(page, check, 'cadre-appeals');
    await quiet(page);
    await shot(page, 'cadre-appeals');
    await page.tap(`${mine} a`);
    await page.waitForURL('**/m/appeals/**');
    await page.waitForSelector('.lx-steps li');
    check((await page.$$('.lx-steps li')).length >= 2, 'cadre app: the appeal shows its steps (受理, 派单)');
    await page.waitForSelector('.lx-actions button:has-text("签收")');
    await axe(page, 'cadre-appeal');
    await targets(page, check, 'cadre-appeal');
    await shot(page, 'cadre-appeal');
    await page.tap('.lx-actions button:has-text("签收")');
    await until(async () => (await text(page, '.lx-card .lx-state')).includes('办理中'));
    check((await text(page, '.lx-card .lx-state')).includes('办理中'), 'cadre app: 签收 in one tap: the appeal is being handled');
    await page.tap('.lx-actions button:has-text("答复")');
    await page.fill('#appeal-note', '已联系供电所,路灯本周修好');
    await page.tap('.lx-act-form button[type=submit]');
    await until(async () => (await text(page, '.lx-card .lx-state')).includes('已答复'));
    check((await text(page, '.lx-card .lx-state')).includes('已答复'), 'cadre app: a reply with its note moves the appeal to 已答复');
    check((await page.textContent('.lx-steps')).includes('已联系供电所'), 'cadre app: the reply is among the steps');

    // ── Offline ──────────────────────────────────────────────────────────
    await page.goto(base + '/m/');
    await page.waitForSelector('.lx-hh');
    const installed = await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 15_000)),
      ]),
    );
    check(installed, 'cadre app: the service worker is installed (the app is kept for offline use)');
    // A phone offers to install the app only when its manifest names 192 and 512 px icons.
    const icons = await page.evaluate(async () => {
      const manifest = await (await fetch('/m/manifest.webmanifest')).json();
      const out = [];
      for (const icon of manifest.icons ?? []) {
        const r = await fetch(icon.src);
        out.push(`${icon.sizes} ${r.status} ${r.headers.get('content-type')}`);
      }
      return out;
    });
    check(
      icons.some((i) => i.startsWith('192x192 200 image/png')) && icons.some((i) => i.startsWith('512x512 200 image/png')),
      `cadre app: the manifest names its 192 and 512 px icons, and they load (${icons.join('; ')})`,
    );
    await page.reload(); // now under the service worker's control
    await page.waitForSelector('.lx-hh');
    check(await page.evaluate(() => !!navigator.serviceWorker.controller), 'cadre app: the service worker controls the page');
    await context.setOffline(true);
    const opened = await page
      .reload()
      .then(() => page.waitForSelector('.lx-hh', { timeout: 15_000 }))
      .then(
        () => true,
        () => false,
      );
    check(opened, 'cadre app: the app opens offline, with my households as last saved');
    if (!opened) return; // the rest needs the app offline (the context closes below)
    check((await text(page, '.lx-note.offline')).includes('没有网络'), 'cadre app: offline data is said to be offline data');
    const third = rows[2]?.code ?? first;
    await page.tap(`.lx-hh[data-household="${third}"] a`);
    await page.waitForSelector('.lx-kind');
    await page.tap('.lx-savebar button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/m/');
    await page.waitForSelector('.lx-outbox-count');
    check((await text(page, '.lx-outbox-count')).includes('待发送 1'), 'cadre app: a visit logged offline waits: 待发送 1 条');
    check(
      (await text(page, `.lx-hh[data-household="${third}"]`)).includes('待发送'),
      'cadre app: the household shows a visit waiting to be sent',
    );
    await axe(page, 'cadre-offline');
    await targets(page, check, 'cadre-offline');
    await quiet(page);
    await shot(page, 'cadre-offline');
    // Other pages still show their saved copies.
    await page.tap('nav a[href="/m/tasks"]');
    await page.waitForSelector('.lx-task');
    check((await text(page, '.lx-note.offline')).includes('没有网络'), 'cadre app: tasks show the saved copy offline, saying so');
    await page.tap('nav a[href="/m/"]');
    await page.waitForSelector('.lx-outbox-count');

    await context.setOffline(false);
    const gone = await until(async () => !(await page.$('.lx-outbox')));
    check(!!gone, 'cadre app: back online, the queued visit is sent by itself (queue empty)');
    const sentShown = await until(async () => {
      const t = await text(page, `.lx-hh[data-household="${third}"] .lx-hh-last`);
      return t.includes(todayLabel) && t.includes('入户走访') ? t : '';
    });
    check(
      !!sentShown,
      `cadre app: the visit sent from the queue is the household's last visit (${await text(page, `.lx-hh[data-household="${third}"] .lx-hh-last`)})`,
    );
    const afterQueue = (await serverHouseholds(page))?.find((h) => h.household === third);
    check(afterQueue?.last_visit?.date === today, 'cadre app: the server has the queued visit');
    check(!(await page.$('.lx-note.offline')), 'cadre app: back online, the data is fresh again');

    // ── The session ends while a visit waits ─────────────────────────────
    // (30 minutes idle is common in the field): the visit stays on the
    // phone, the cadre is asked to sign in again, and then it goes.
    const csrf = await page.evaluate(() => sessionStorage.getItem('lianxin.cadre.csrf'));
    await context.setOffline(true);
    const fourth = rows[3]?.code ?? first;
    await page.tap(`.lx-hh[data-household="${fourth}"] a`);
    await page.waitForSelector('.lx-kind');
    await page.tap('label.lx-kind:has(input[value=stay])');
    await page.tap('.lx-savebar button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/m/');
    await page.waitForSelector('.lx-outbox-count');
    // Ended from outside the page (as the server's idle timeout would).
    const ended = await context.request.delete(base + '/api/v1/session', { headers: { 'X-CSRF-Token': csrf ?? '' } });
    check(ended.status() === 200, `cadre app: the session was ended server-side (${ended.status()})`);
    await context.setOffline(false);
    await page.waitForURL('**/m/signin**');
    check((await text(page, 'main')).includes('登录已过期'), 'cadre app: a session ended while offline asks to sign in again');
    check((await text(page, '.lx-waiting')).includes('1 条走访待发送'), 'cadre app: the waiting visit is kept, and said to be');
    await axe(page, 'cadre-signin-again');
    await page.fill('#password', password);
    await page.tap('button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/m/');
    const resent = await until(async () => !(await page.$('.lx-outbox')) && (await page.$('.lx-hh')));
    check(!!resent, 'cadre app: signed in again, the waiting visit is sent');
    const afterSignIn = (await serverHouseholds(page))?.find((h) => h.household === fourth);
    check(
      afterSignIn?.last_visit?.date === today && afterSignIn?.last_visit?.kind === 'stay',
      'cadre app: the server has the visit that waited for the new sign-in',
    );

    // ── A visit the server refuses ───────────────────────────────────────
    await context.setOffline(true);
    await page.goto(`${base}/m/visit/${FOREIGN_HOUSEHOLD}`);
    await page.waitForSelector('.lx-kind');
    check((await page.textContent('main')).includes('不在您的联系户名单中'), 'cadre app: a household not on my list is said to be so');
    await page.tap('.lx-savebar button[type=submit]');
    await page.waitForURL((url) => url.pathname === '/m/');
    await page.waitForSelector('.lx-outbox-count');
    check((await text(page, '.lx-outbox-count')).includes('待发送 1'), 'cadre app: the visit for a foreign household waits offline');
    await context.setOffline(false);
    const failed = await until(async () => text(page, '.lx-failed'));
    check(failed.includes('未能发送 1'), 'cadre app: the refused visit is reported as 未能发送');
    check(failed.includes('not_found') && failed.includes(FOREIGN_HOUSEHOLD), `cadre app: with the server's message and the household (${failed.slice(0, 120)})`);
    check(!(await page.$('.lx-outbox')), 'cadre app: a refused visit no longer waits in the queue');
    const fresh = await until(async () => !(await page.$('.lx-note.offline')));
    check(!!fresh, 'cadre app: back online after starting offline, the saved copy gives way to fresh data');
    await axe(page, 'cadre-conflict');
    await targets(page, check, 'cadre-conflict');
    await quiet(page);
    await shot(page, 'cadre-conflict');
    await page.tap('.lx-failed button');
    await page.waitForSelector('.van-dialog__confirm');
    await page.tap('.van-dialog__confirm');
    const discarded = await until(async () => !(await page.$('.lx-failed')));
    check(!!discarded, 'cadre app: the cadre discards the refused visit');

    // ── English ──────────────────────────────────────────────────────────
    await page.tap('.lx-lang');
    await until(async () => (await text(page, 'h1')) === 'My households');
    check((await text(page, 'h1')) === 'My households', 'cadre app: the language switch turns the page English');
    check((await page.getAttribute('html', 'lang')) === 'en', 'cadre app: and the page says lang="en"');
    await axe(page, 'cadre-home-en');
    await page.tap('.lx-lang');
    await until(async () => (await text(page, 'h1')) === '我的联系户');
    check(cspErrors.length === 0, `cadre app: no CSP violations (${cspErrors.join(' | ')})`);
  } finally {
    // A crash above is the error worth seeing, not this one's.
    await context.close().catch(() => undefined);
  }
}
