// The three admins' consoles (三员分立), end to end, each admin in its own
// browser context on the county's desktop (1280×800, zh-CN):
//   the system admin signs in (enrolling TOTP the first time, as the server
//   demands of the three admins), sees only its console, creates a township
//   admin — shown its one-time password, the account waiting for approval —
//   resets its password, disables and enables it;
//   the security admin approves what was asked, then changes the account's
//   roles and scope;
//   the auditor finds all of it in the audit log, filtered and paged.
// 服务监控: the system admin's health page shows what the API answers;
// 参数与字典: the system admin changes a pairing rule (the API keeps it over
// the file, a new version), is refused a negative one and a duplicate skill
// under the row named, is refused a save laid over someone else's, adds an
// appeal topic the public API lists at once, changes a need's weight and is
// told how many households were rescored, and resets each section; the
// auditor finds the changes in the audit log, and reads the page as the
// county admin does: no input, no button.
// 在线用户: the security admin sees the system admin's session (still open in
// its own context) and its own, marked, and signs the system admin out —
// whose next call is answered 401 and whose next page load is the sign-in.
// Each is refused the others' API and pages. axe checks every page; the
// screenshots admin-accounts, admin-security, admin-audit, admin-online,
// admin-health, settings-pairing, settings-needs and settings-error go to the
// user guide.
//
//   export default async function (browser, { base, check, axe, shot, sysadmin, secadmin, auditor, countyAdmin })
// where each admin is { username, password } and, if its TOTP is already
// enrolled, totpSecret (base32); a fresh account enrols here. countyAdmin
// ({ username, password }, no TOTP) reads 参数与字典 when given.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { settled, until, text } from './lib.mjs';

// RFC 6238 with the server's defaults (SHA-1, 6 digits, 30 s).
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export default async function (browser, { base, check, axe, shot, sysadmin, secadmin, auditor, countyAdmin }) {
  // A township admin no earlier run has made.
  const name = 'xz' + Date.now().toString(36).slice(-7);
  const township = '149901001000';
  const otherTownship = '149901002000';

  async function open(who) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const csp = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await signIn(page, who);
    return { context, page, csp };
  }

  // Username and password; then the TOTP enrolment the first time (the
  // secret is shown on the page), or the code once enrolled.
  async function signIn(page, who) {
    await page.goto(base + '/');
    await page.waitForURL('**/signin**');
    await page.fill('#username', who.username);
    await page.fill('#password', who.password);
    await page.click('button[type=submit]');
    let stage = '';
    await until(page, async () => {
      if (!page.url().includes('/signin')) stage = 'in';
      else if (await page.$('button:has-text("生成密钥")')) stage = 'enrol';
      else if (await page.$('#totp')) stage = 'code';
      else if (await page.$('#new-password')) stage = 'password';
      return stage !== '';
    });
    if (stage === 'enrol') {
      await page.click('button:has-text("生成密钥")');
      const secret = (await page.textContent('main code', { timeout: 10_000 }))?.trim() ?? '';
      check(/^[A-Z2-7]{16,}=*$/.test(secret), `${who.username} is shown a TOTP secret to enrol`);
      who.totpSecret = secret;
      await page.fill('#totp-code', totp(secret));
      await page.click('button[type=submit]');
    } else if (stage === 'code') {
      check(!!who.totpSecret, `${who.username} has enrolled TOTP: its secret must be given to sign in`);
      await page.fill('#totp', totp(who.totpSecret ?? ''));
      await page.click('button[type=submit]');
    } else if (stage === 'password') {
      check(false, `${who.username} must change its password first: add it with --no-force-change`);
    }
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 15_000 });
  }

  const menu = (page) => page.$$eval('.el-menu-item', (items) => items.map((item) => item.textContent?.trim()));

  // The answer's status to a call made from the page with its own session.
  const status = (page, method, path) =>
    page.evaluate(
      async ([method, path]) => {
        const answer = await fetch(path, {
          method,
          credentials: 'same-origin',
          headers: { 'X-CSRF-Token': sessionStorage.getItem('lianxin.csrf') ?? '', 'Content-Type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        return answer.status;
      },
      [method, path],
    );

  const confirmBox = async (page) => {
    await page.click('.el-message-box__btns .el-button--primary');
    await page.waitForSelector('.el-message-box', { state: 'hidden' });
  };

  // ── The system admin ──────────────────────────────────────────────────
  let sys;
  {
    const { context, page, csp } = await open(sysadmin);
    await page.waitForURL('**/accounts');
    check(JSON.stringify(await menu(page)) === JSON.stringify(['账号管理', '服务监控', '参数与字典']),
      `the system admin's menu holds its console, server health and the settings only (${(await menu(page)).join(', ')})`);
    await page.goto(base + '/online');
    await page.waitForURL('**/accounts');
    check(true, 'the system admin opening /online lands on its own console');
    check((await status(page, 'GET', '/api/v1/sessions')) === 403, 'the API refuses the system admin the online sessions (403)');
    await page.goto(base + '/households');
    await page.waitForURL('**/accounts');
    check(true, 'the system admin opening /households lands on its own console');
    check((await status(page, 'GET', '/api/v1/households')) === 403, 'the API refuses the system admin the households (403)');
    check((await status(page, 'GET', '/api/v1/audit')) === 403, 'the API refuses the system admin the audit log (403)');
    await page.waitForSelector('.accounts .el-table__row');
    await page.fill('.accounts-table .filters .q input', sysadmin.username);
    const own = `.accounts .el-table__row:has-text("${sysadmin.username}")`;
    await until(page, async () => (await page.$$('.accounts .el-table__row')).length === 1 && !!(await page.$(own)));
    check(!!(await page.$(own)), 'the account list finds an account by its name');
    check((await text(page, own)).includes('由本机操作员管理'),
      'an admin\'s own account offers no buttons: the local operator keeps it');

    // A township admin: its roles and scope wait for the security admin.
    await page.click('button:has-text("新建账号")');
    await page.waitForSelector('#account-username');
    await page.fill('#account-username', name);
    await page.fill('#account-name', '测试乡镇管理员');
    await page.click('.el-dialog:visible .el-checkbox:has-text("乡镇管理员")');
    await page.fill('#account-scope-code', township);
    await axe(page, 'admin-accounts-create');
    await page.click('.el-dialog:visible button[type=submit]');
    await page.waitForSelector('.otp');
    await page.waitForSelector('#account-username', { state: 'hidden' });
    const otp = (await page.textContent('.otp'))?.trim() ?? '';
    check(otp.length >= 12, `the new account's one-time password is shown once (${otp.length} characters)`);
    check((await text(page, '.slip')).includes('待安全管理员批准'), 'the slip says the roles wait for the security admin');
    await axe(page, 'admin-accounts-password');
    await shot(page, 'admin-accounts-password');
    await page.click('.slip button:has-text("已交给本人")');
    await page.waitForSelector('.otp', { state: 'detached' });
    const row = `.accounts .el-table__row:has-text("${name}")`;
    await page.waitForSelector(row);
    check((await text(page, row)).includes('待审批:授权'), 'the new account is marked as awaiting approval');
    check((await text(page, row)).includes('无角色'), 'the new account has no role until approved');
    check((await text(page, '.waiting')).includes(`授予角色:乡镇管理员;数据范围:区划 ${township}`),
      'the request is listed under "awaiting the security admin"');
    check((await status(page, 'POST', `/api/v1/users/${name}/approve`)) === 403,
      'the API refuses the system admin approving its own request (403)');

    // A password reset: a new one-time password, which also waits.
    await page.click(`${row} button:has-text("重置密码")`);
    await confirmBox(page);
    await page.waitForSelector('.otp');
    const reset = (await page.textContent('.otp'))?.trim() ?? '';
    check(reset.length >= 12 && reset !== otp, 'a reset shows a new one-time password');
    check((await text(page, '.slip')).includes('旧密码照常可用'), 'the reset waits for approval, the old password holding');
    await page.click('.slip button:has-text("已交给本人")');
    await page.waitForSelector('.otp', { state: 'detached' });
    await until(page, async () => (await text(page, row)).includes('待审批:重置密码'));
    check((await text(page, row)).includes('待审批:重置密码'), 'the reset is marked as awaiting approval');

    // Disabled, then enabled again.
    await page.click(`${row} button:has-text("停用")`);
    await confirmBox(page);
    await until(page, async () => (await text(page, row)).includes('已停用'));
    check((await text(page, row)).includes('已停用'), 'the account is disabled');
    await page.click(`${row} button:has-text("启用")`);
    await confirmBox(page);
    await until(page, async () => !(await text(page, row)).includes('已停用'));
    check(!(await text(page, row)).includes('已停用'), 'and enabled again');

    await page.fill('.accounts-table .filters .q input', '');
    await page.locator('.accounts-table .filters .q input').blur();
    await until(page, async () => (await page.$$('.accounts .el-table__row')).length > 1);
    await axe(page, 'admin-accounts');
    await shot(page, 'admin-accounts');

    // 服务监控: the page shows what the API answers, nothing hard-coded.
    await page.click('.el-menu-item:has-text("服务监控")');
    await page.waitForURL('**/health');
    await page.waitForSelector('.health .journal code');
    const health = await page.evaluate(async () => (await fetch('/api/v1/system/health')).json());
    check(Number.isInteger(health.database?.schema_version) && /^[0-9a-f]{16,}$/.test(health.database?.journal_head ?? ''),
      `the health API answers a schema version and a journal hash (${health.database?.schema_version})`);
    check((await text(page, '.health .schema')) === String(health.database.schema_version),
      `the health page shows the API's schema version (${await text(page, '.health .schema')})`);
    check((await text(page, '.health .journal code')) === health.database.journal_head,
      'the health page shows the API\'s journal hash, in full');
    check(/\d+ 天 \d+ 小时 \d+ 分钟/.test(await text(page, '.health .uptime')), 'the uptime reads in days, hours and minutes');
    check((await text(page, '.health .sessions')).includes(`${health.sessions_online} 个`),
      `the online session count is the API's (${health.sessions_online})`);
    check(/\d+(\.\d)? MB/.test(await text(page, '.health .memory')) && (await text(page, '.health .memory')).includes(`线程 ${health.process.threads} 个`),
      'the process memory in MB and its threads');
    check((await text(page, '.health .load')).includes('15 分钟'), 'the host load over 1, 5 and 15 minutes');
    const disk = await text(page, '.health .disk');
    check(health.host.disk_total_bytes ? /剩余 [\d.]+ GB \/ 共 [\d.]+ GB/.test(disk) : disk.includes('PostgreSQL'),
      `the disk card says what is free (${disk})`);
    await axe(page, 'admin-health');
    await shot(page, 'admin-health');

    // 参数与字典: the rules and dictionaries over lianxin.toml.
    await settingsAsSysadmin(page, { base, check, axe, shot, username: sysadmin.username });
    check(csp.length === 0, `no CSP violations on the system admin's console (${csp.join(' | ')})`);
    // The system admin stays signed in: the security admin signs it out below.
    sys = { context, page };
  }

  // ── The security admin ────────────────────────────────────────────────
  {
    const { context, page, csp } = await open(secadmin);
    await page.waitForURL('**/security');
    check(JSON.stringify(await menu(page)) === JSON.stringify(['安全管理', '在线用户']),
      `the security admin's menu holds its console and online users only (${(await menu(page)).join(', ')})`);
    check((await status(page, 'GET', '/api/v1/system/health')) === 403, 'the API refuses the security admin the server health (403)');
    check((await status(page, 'POST', '/api/v1/users')) === 403, 'the API refuses the security admin creating accounts (403)');
    check((await status(page, 'GET', '/api/v1/audit')) === 403, 'the API refuses the security admin the audit log (403)');
    check((await status(page, 'GET', '/api/v1/households')) === 403, 'the API refuses the security admin the households (403)');
    check((await status(page, 'GET', '/api/v1/users')) === 200, 'the security admin reads the account list');

    const request = `.approvals .el-table__row:has-text("${name}")`;
    await page.waitForSelector(request);
    const asked = await text(page, request);
    check(asked.includes(`授予角色:乡镇管理员;数据范围:区划 ${township}`) && asked.includes('重置密码'),
      'the queue shows both requests for the account, in words');
    check(asked.includes(sysadmin.username), 'and who asked');
    await axe(page, 'admin-security');
    await shot(page, 'admin-security');

    await page.click(`${request} button:has-text("批准")`);
    await confirmBox(page);
    await page.waitForSelector('p[role=status]:has-text("已批准")');
    await until(page, async () => !(await page.$(request)));
    check(!(await page.$(request)), 'once approved the request leaves the queue');

    await page.fill('.accounts-table .filters .q input', name);
    const row = `.accounts .el-table__row:has-text("${name}")`;
    await until(page, async () => (await page.$$('.accounts .el-table__row')).length === 1);
    check((await text(page, row)).includes('乡镇管理员') && (await text(page, row)).includes(`区划 ${township}`),
      'the approved roles and scope hold');

    // Another township, and the inspector's role besides.
    await page.click(`${row} button:has-text("设置角色")`);
    await page.waitForSelector('#grant-scope-code');
    await page.click('.el-dialog:visible .el-checkbox:has-text("督查员")');
    await page.fill('#grant-scope-code', otherTownship);
    await axe(page, 'admin-security-roles');
    await shot(page, 'admin-security-roles');
    await page.click('.el-dialog:visible button[type=submit]');
    await page.waitForSelector('p[role=status]:has-text("现为")');
    await until(page, async () => (await text(page, row)).includes(otherTownship));
    const now = await text(page, row);
    check(now.includes('督查员') && now.includes(`区划 ${otherTownship}`), `roles and scope changed (${now})`);

    // 在线用户: the system admin's session (open since its part above) and
    // this one, marked and offered no sign-out.
    await page.goto(base + '/health');
    await page.waitForURL('**/security');
    check(true, 'the security admin opening /health lands on its own console');
    await page.click('.el-menu-item:has-text("在线用户")');
    await page.waitForURL('**/online');
    const sysRow = `.sessions .el-table__row:has-text("${sysadmin.username}")`;
    const ownRow = `.sessions .el-table__row.current`;
    await page.waitForSelector(sysRow);
    const listed = await page.evaluate(async () => (await (await fetch('/api/v1/sessions')).json()).items);
    const sysSessions = listed.filter((s) => s.username === sysadmin.username);
    check(sysSessions.length >= 1, `the API lists the system admin's session (${sysSessions.length})`);
    check(listed.filter((s) => s.current).map((s) => s.username).join() === secadmin.username,
      'the API marks one session as the caller\'s own: the security admin\'s');
    check((await page.$$('.sessions .el-table__row')).length === listed.length, `the page lists every session (${listed.length})`);
    const sysRoles = await text(page, `${sysRow} td:nth-child(3)`);
    check(sysRoles === '系统管理员', `the system admin's roles in words (${sysRoles})`);
    check(!!(await page.$(`${sysRow} button:has-text("强制下线")`)), 'the system admin\'s session can be signed out');
    const ownText = await text(page, ownRow);
    check(ownText.includes(secadmin.username) && ownText.includes('本人当前会话'), `the security admin's own row is marked (${ownText})`);
    check(!(await page.$(`${ownRow} button`)), 'and offers no sign-out');
    await axe(page, 'admin-online');
    await shot(page, 'admin-online');

    // 强制下线, asked first; the list read again without it.
    const before = sysSessions.length;
    await page.locator(`${sysRow} button:has-text("强制下线")`).first().click();
    check((await text(page, '.el-message-box')).includes(sysadmin.username), 'the confirmation names the account');
    await confirmBox(page);
    await page.waitForSelector('p[role=status]:has-text("已强制")');
    await until(page, async () => (await page.$$(sysRow)).length === before - 1);
    check((await page.$$(sysRow)).length === before - 1, 'the signed-out session leaves the list');
    check((await status(sys.page, 'GET', '/api/v1/system/health')) === 401, 'the system admin\'s next API call is answered 401');
    await sys.page.goto(base + '/health');
    await sys.page.waitForSelector('#username');
    check(/\/signin\?.*redirect=(%2F|\/)health/.test(sys.page.url()), `the system admin's next page load lands on the sign-in (${sys.page.url()})`);
    await sys.context.close();
    check(csp.length === 0, `no CSP violations on the security admin's console (${csp.join(' | ')})`);
    await context.close();
  }

  // ── The auditor ───────────────────────────────────────────────────────
  {
    const { context, page, csp } = await open(auditor);
    await page.waitForURL('**/audit');
    check(JSON.stringify(await menu(page)) === JSON.stringify(['审计日志', '参数与字典']),
      `the auditor's menu holds its console and the settings (read) only, no online users or server health (${(await menu(page)).join(', ')})`);
    check((await status(page, 'GET', '/api/v1/sessions')) === 403 && (await status(page, 'GET', '/api/v1/system/health')) === 403,
      'the API refuses the auditor the online sessions and the server health (403)');
    check((await status(page, 'GET', '/api/v1/users')) === 403, 'the API refuses the auditor the account list (403)');
    check((await status(page, 'POST', `/api/v1/users/${name}/disable`)) === 403, 'the API refuses the auditor disabling an account (403)');
    check((await status(page, 'GET', '/api/v1/households')) === 403, 'the API refuses the auditor the households (403)');
    await page.waitForSelector('.log .el-table__row');

    // What the security admin did to the account.
    await page.fill('#audit-actor', secadmin.username);
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/actor=/);
    const rows = () => page.$$eval('.log .el-table__row', (trs) => trs.map((tr) => tr.textContent?.replace(/\s+/g, ' ') ?? ''));
    await until(page, async () => (await rows()).length > 0 && (await rows()).every((r) => r.includes(secadmin.username)));
    const bySec = await rows();
    check(bySec.length > 0 && bySec.every((r) => r.includes(secadmin.username)), `filtered by actor: ${bySec.length} events, all by ${secadmin.username}`);
    check(bySec.some((r) => r.includes('批准') && r.includes(name) && r.includes('重置密码')), 'the approval is logged, with what it approved');
    check(bySec.some((r) => r.includes('修改角色') && r.includes(name) && r.includes('督查员')), 'the roles change is logged, in words');
    check(bySec.some((r) => r.includes('修改数据范围') && r.includes(otherTownship)), 'the scope change is logged');
    check(bySec.some((r) => r.includes('结束会话') && r.includes(sysadmin.username)), 'the forced sign-out is logged, with whose session');

    // What the system admin asked for, by action.
    await page.fill('#audit-actor', '');
    await page.click('.filters .action');
    await page.click('.el-select-dropdown__item:visible:has-text("新建账号")');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/action=user_create/);
    await until(page, async () => (await rows()).every((r) => r.includes('新建账号')) && (await rows()).some((r) => r.includes(name)));
    const created = (await rows()).find((r) => r.includes(name)) ?? '';
    check(created.includes(sysadmin.username) && created.includes('乡镇管理员') && created.includes('待审批') && created.includes('成功'),
      `the account's creation is logged as asked, awaiting approval (${created})`);
    const disabled = await (async () => {
      await page.goto(base + `/audit?action=user_disable&actor=${sysadmin.username}`);
      await page.waitForSelector('.log .el-table__row');
      return (await rows()).some((r) => r.includes(name));
    })();
    check(disabled, 'the disabling is logged, found by a link with its filters');

    // 登录日志 and 操作日志 leave as files, with the filters the list has.
    await page.goto(base + `/audit?actor=${sysadmin.username}`);
    await page.waitForSelector('.log .el-table__row');
    const sysEvents = await page.evaluate(async (who) =>
      (await (await fetch(`/api/v1/audit?limit=1000&actor=${who}`)).json()).items, sysadmin.username);
    const loginActions = ['sign_in', 'sign_out', 'session_expire', 'session_revoke', 'lockout'];
    async function downloaded(selector) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
    }
    const operations = await downloaded('.exports .export-operation-csv');
    const lines = operations.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter((l) => l);
    const expected = sysEvents.filter((e) => !loginActions.includes(e.action)).map((e) => String(e.seq)).reverse();
    check(operations.name === 'operation-log.csv' && lines[0].startsWith('序号,时间,操作人')
      && lines.slice(1).map((l) => l.split(',')[0]).join(' ') === expected.join(' ')
      && lines.slice(1).every((l) => l.split(',')[2] === sysadmin.username),
    `the operation log of ${sysadmin.username} downloads as CSV, oldest first, the API's ${expected.length} events`);
    const logins = await downloaded('.exports .export-login-xlsx');
    check(logins.name === 'login-log.xlsx' && logins.bytes.subarray(0, 2).toString() === 'PK',
      `the login log downloads as XLSX (${logins.bytes.length} bytes)`);
    const exports = await page.evaluate(async () =>
      (await (await fetch('/api/v1/audit?action=audit_export&limit=10')).json()).items);
    check(exports.length >= 2 && exports[0].target === 'login' && exports[1].target === 'operation',
      'each export is itself in the audit log');

    // Nothing since a time to come; then the log a page at a time.
    await page.goto(base + '/audit?since=2099-01-01T00:00');
    await page.waitForSelector('.log .el-table__empty-text');
    const future = await until(page, async () => (await text(page, '.log')).includes('没有符合条件的记录'));
    check(future, `no events since a time to come (${future ? '' : (await text(page, '.log')).slice(0, 120)})`);
    const total = await page.evaluate(async () => (await (await fetch('/api/v1/audit?limit=1000')).json()).items.length);
    await page.goto(base + '/audit?limit=20');
    await page.waitForSelector('.log .el-table__row');
    const first = await rows();
    check(first.length === Math.min(20, total), `the first page holds ${first.length} of ${total} events`);
    if (total > 20) {
      await page.click('.pager button:has-text("下一页")');
      await until(page, async () => (await text(page, '.pager')).includes('第 2 页'));
      const second = await rows();
      check(second.length > 0 && !second.some((r) => first.includes(r)), 'the next page holds older events');
      await page.click('.pager button:has-text("上一页")');
      await until(page, async () => (await text(page, '.pager')).includes('第 1 页'));
      check((await rows())[0] === first[0], 'and back to the newest');
    }

    // The system admin's changes of 参数与字典, as the API and the page list them.
    const changes = await page.evaluate(
      async (actor) => (await (await fetch(`/api/v1/audit?action=settings_change&actor=${actor}&limit=200`)).json()).items,
      sysadmin.username,
    );
    check(['pairing', 'appeals', 'needs'].every((target) => changes.some((c) => c.target === target)),
      `the API logs the settings changes by section (${changes.map((c) => `${c.target}: ${c.detail}`).join(' | ')})`);
    check(changes.some((c) => c.target === 'needs' && /rescored \d+/.test(c.detail)), 'with how many households a change rescored');
    await page.goto(base + `/audit?action=settings_change&actor=${sysadmin.username}`);
    await page.waitForSelector('.log .el-table__row');
    await until(page, async () => (await rows()).length === changes.length);
    const logged = await rows();
    check(logged.length === changes.length && logged.every((r) => r.includes('修改参数与字典')),
      `the audit log page lists the ${changes.length} settings changes, in words`);
    check(logged.some((r) => r.includes('needs') && /重新计算 \d+ 户的富裕难度/.test(r)), 'a needs change says how many households it rescored');
    check(logged.some((r) => r.includes('pairing') && r.includes('恢复为配置文件')), 'a reset says so');

    // 参数与字典 itself: read only.
    await settingsAsReader(page, { base, check, axe, who: 'the auditor' });

    await page.goto(base + '/audit');
    await page.waitForSelector('.log .el-table__row');
    await axe(page, 'admin-audit');
    await shot(page, 'admin-audit');
    check(csp.length === 0, `no CSP violations on the auditor's console (${csp.join(' | ')})`);
    await context.close();
  }

  // ── The county admin: 参数与字典, read only ───────────────────────────
  if (countyAdmin) {
    const { context, page, csp } = await open(countyAdmin);
    check((await menu(page)).includes('参数与字典'), 'the county admin\'s menu offers 参数与字典');
    await settingsAsReader(page, { base, check, axe, who: 'the county admin' });
    await shot(page, 'settings-readonly');
    check(csp.length === 0, `no CSP violations on the county admin's settings page (${csp.join(' | ')})`);
    await context.close();
  }
}

// ── 参数与字典 ───────────────────────────────────────────────────────────
// The page's sections as the API answers them, read with the page's own
// session; a write made from the page as another admin's would be.
const sections = async (page) => (await page.evaluate(async () => (await fetch('/api/v1/settings')).json())).sections;
const sectionOf = async (page, name) => (await sections(page)).find((s) => s.section === name);
const write = (page, method, path, body) =>
  page.evaluate(
    async ([method, path, body]) => {
      const answer = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': sessionStorage.getItem('lianxin.csrf') ?? '', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: answer.status, body: await answer.json() };
    },
    [method, path, body],
  );

async function openTab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`.section-${name}`);
}

// A save of the needs rescores every household of the demo county in one
// write: about 10 s on the sanitized debug build ./dev test runs, nearer
// Playwright's default 30 s than a busy CI machine allows.
const SAVE_TIMEOUT = 120_000;

// Clicks a tab's button and waits for the API's answer to it.
async function submit(page, name, button, method = 'PUT') {
  const path = method === 'PUT' ? `/api/v1/settings/${name}` : `/api/v1/settings/${name}/reset`;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === path,
      { timeout: SAVE_TIMEOUT }),
    page.click(`.section-${name} ${button}`),
  ]);
  return { status: response.status(), body: await response.json() };
}

// 恢复为配置文件, confirmed; the section as the API then answers it.
async function resetTab(page, name) {
  await page.click(`.section-${name} .reset`);
  await page.waitForSelector('.el-message-box');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/v1/settings/${name}/reset`,
      { timeout: SAVE_TIMEOUT }),
    page.click('.el-message-box__btns .el-button--primary'),
  ]);
  await page.waitForSelector('.el-message-box', { state: 'hidden' });
  await page.waitForSelector(`.section-${name} .done`);
  return { status: response.status(), body: await response.json() };
}

// The system admin on 参数与字典: a parameter changed, refused, overtaken by
// someone else's save and reset; a skill refused as a duplicate; an appeal
// topic added (and listed by the public API at once); a need's weight
// changed, the households rescored as the API says. Everything changed is
// reset at the end: the parts of the run after this one use the defaults.
export async function settingsAsSysadmin(page, { base, check, axe, shot, username }) {
  await page.click('.el-menu-item:has-text("参数与字典")');
  await page.waitForURL('**/settings**');
  await page.waitForSelector('.settings .el-tabs__item');
  check((await text(page, '.settings .intro')).includes('lianxin.toml'), 'the page says the rules are kept over lianxin.toml');
  const tabs = await page.$$eval('.settings .el-tabs__item', (items) => items.map((item) => item.textContent?.trim()));
  check(JSON.stringify(tabs) === JSON.stringify(['技能字典', '需求标签', '诉求办理', '富裕难度', '结对规则', '走访', '考核', '八项规定']),
    `a tab per section, in plain words (${tabs.join(', ')})`);

  // 结对规则: contact_load as the API answers it.
  await openTab(page, 'pairing');
  const before = await sectionOf(page, 'pairing');
  const row = '.section-pairing .key-contact_load';
  const input = '.section-pairing input[aria-label="每名干部最多联系户数"]';
  check((await page.inputValue(input)) === String(before.values.contact_load),
    `the pairing tab shows contact_load as the API answers it (${before.values.contact_load})`);
  check((await text(page, `${row} .file`)) === String(before.file.contact_load), 'and the file\'s value beside it');
  check((await text(page, `${row} .key`)) === 'contact_load', 'the row names its key beside its words');
  check(!(await page.$(`${row}.changed`)), 'a value the console never changed is not marked');
  await settled(page);
  await axe(page, 'settings-pairing');

  // A negative load: refused under its row with the API's words, nothing kept.
  await page.fill(input, '-1');
  await page.press(input, 'Tab');
  const refused = await submit(page, 'pairing', '.save');
  check(refused.status === 400 && refused.body.error?.field === 'values.contact_load',
    `the API refuses a negative contact_load, naming the field (${refused.status} ${refused.body.error?.field})`);
  await page.waitForSelector(`${row} .refusal`);
  check((await text(page, `${row} .refusal`)) === refused.body.error.message,
    `the refusal is shown under its row in the API's words (${await text(page, `${row} .refusal`)})`);
  check((await text(page, '.section-pairing .refused')).includes(refused.body.error.message), 'and in an alert above the table');
  check((await sectionOf(page, 'pairing')).version === before.version, 'nothing was saved (the version is unchanged)');
  await page.$eval('.section-pairing .bar', (bar) => bar.scrollIntoView());
  await settled(page, { top: false });
  await axe(page, 'settings-error');
  await shot(page, 'settings-error');

  // One more household per cadre: saved, version + 1, kept over the file, marked.
  const more = before.values.contact_load + 1;
  await page.fill(input, String(more));
  await page.press(input, 'Tab');
  check((await text(page, `${row} .marks`)).includes('未保存'), 'a change not yet saved is marked so');
  const saved = await submit(page, 'pairing', '.save');
  await page.waitForSelector('.section-pairing .done');
  const after = await sectionOf(page, 'pairing');
  check(saved.status === 200 && after.values.contact_load === more && after.stored?.contact_load === more && after.version === before.version + 1,
    `the API keeps the new contact_load over the file (${after.values.contact_load}, version ${after.version}, stored ${JSON.stringify(after.stored)})`);
  check((await text(page, '.section-pairing .done')) === `已保存,第 ${after.version} 版。`, `the page says it is saved, its version (${await text(page, '.section-pairing .done')})`);
  check(!!(await page.$(`${row}.changed`)) && (await text(page, `${row} .marks`)) === '已修改', 'the row is marked as differing from the file');
  check((await page.inputValue(input)) === String(more) && (await text(page, `${row} .file`)) === String(after.file.contact_load),
    'the row holds the new value beside the file\'s');
  check((await text(page, '.section-pairing .last')).includes(`第 ${after.version} 版,${username} 于`), 'who saved it, and when');
  check(!(await page.$('.section-pairing .refusal')), 'the refusal is gone');
  await settled(page);
  await axe(page, 'settings-pairing-saved');
  await shot(page, 'settings-pairing');

  // Someone else saves first: this page's save is refused, not laid over theirs.
  const theirs = await write(page, 'PUT', '/api/v1/settings/pairing', { values: { contact_load: more + 1 }, version: after.version });
  check(theirs.status === 200, `another admin saves the pairing rules meanwhile (${theirs.status})`);
  await page.fill(input, String(more + 2));
  await page.press(input, 'Tab');
  const stale = await submit(page, 'pairing', '.save');
  check(stale.status === 409 && stale.body.error?.reason === 'setting_stale', `the API refuses the stale save (${stale.status})`);
  await page.waitForSelector('.section-pairing .stale');
  check((await text(page, '.section-pairing .stale')).includes('别人在您之前保存了这一页'), 'the page says plainly someone else saved first');
  check((await sectionOf(page, 'pairing')).values.contact_load === more + 1, 'their value stands');
  await page.click('.section-pairing .stale .reload');
  await until(page, async () => (await page.inputValue(input)) === String(more + 1));
  check((await page.inputValue(input)) === String(more + 1) && !(await page.$('.section-pairing .stale')),
    'reading again shows their value');

  // Back to the file.
  const reset = await resetTab(page, 'pairing');
  const file = await sectionOf(page, 'pairing');
  check(reset.status === 200 && file.stored === null && file.values.contact_load === file.file.contact_load && file.version === before.version + 3,
    `reset: the pairing rules follow the file again (contact_load ${file.values.contact_load}, version ${file.version})`);
  check((await page.inputValue(input)) === String(file.file.contact_load) && !(await page.$(`${row}.changed`)),
    'the row shows the file\'s value, unmarked');
  check((await text(page, '.section-pairing .done')).includes('已恢复为配置文件'), 'the page says it follows the file again');

  // 技能字典: a skill named twice is refused under its cell.
  await openTab(page, 'skills');
  const skills = await sectionOf(page, 'skills');
  const skillRows = '.section-skills .entries .el-table__body tr';
  check((await page.$$(skillRows)).length === skills.values.length, `the skills dictionary lists the API's ${skills.values.length} skills`);
  await page.click('.section-skills .add');
  const n = skills.values.length + 1;
  await page.fill(`.section-skills input[aria-label="名称(第 ${n} 行)"]`, skills.values[0].label);
  await page.fill(`.section-skills input[aria-label="同义词(第 ${n} 行)"]`, '重复一, 重复二');
  const duplicate = await submit(page, 'skills', '.save');
  check(duplicate.status === 400 && duplicate.body.error?.field === `values[${n - 1}].label`,
    `a duplicate skill is refused, its row named (${duplicate.body.error?.field})`);
  const cell = `${skillRows}:nth-child(${n}) .col-label .refusal`;
  await page.waitForSelector(cell);
  check((await text(page, cell)) === duplicate.body.error.message, `shown under that row's name (${await text(page, cell)})`);
  check((await sectionOf(page, 'skills')).version === skills.version, 'and the skills are not saved');
  await settled(page);
  await axe(page, 'settings-skills-error');
  await page.click(`.section-skills .remove[aria-label="删除第 ${n} 行"]`);
  check((await page.$$(skillRows)).length === skills.values.length && !(await page.$('.section-skills .unsaved')),
    'the row deleted again, nothing is left unsaved');

  // 诉求办理: a topic added is offered to the public at once.
  await openTab(page, 'appeals');
  const appeals = await sectionOf(page, 'appeals');
  const topics = appeals.values.topics.length;
  await page.click('.section-appeals .add');
  const code = 'e2e' + Date.now().toString(36).slice(-5);
  await page.fill(`.section-appeals input[aria-label="代码(第 ${topics + 1} 行)"]`, code);
  await page.fill(`.section-appeals input[aria-label="名称(第 ${topics + 1} 行)"]`, '电商物流');
  const added = await submit(page, 'appeals', '.save');
  check(added.status === 200 && added.body.values.topics.some((t) => t.code === code), `the topic ${code} is saved`);
  const open = await (await fetch(base + '/api/v1/public/topics')).json();
  check(open.items.some((t) => t.code === code && t.label === '电商物流'), 'the public topic list (no sign-in) offers it at once');
  await page.waitForSelector('.section-appeals .done');
  await settled(page);
  await axe(page, 'settings-appeals');
  await resetTab(page, 'appeals');
  const gone = await (await fetch(base + '/api/v1/public/topics')).json();
  check(!gone.items.some((t) => t.code === code), 'reset: the topic is gone from the public list');

  // 需求标签: a need's weight changed rescores the households.
  await openTab(page, 'needs');
  const needs = await sectionOf(page, 'needs');
  const weight = '.section-needs input[aria-label="难度加分(第 1 行)"]';
  check((await page.inputValue(weight)) === String(needs.values[0].difficulty_weight),
    `the first need's weight is the API's (${needs.values[0].label} ${needs.values[0].difficulty_weight})`);
  await page.fill(weight, String(needs.values[0].difficulty_weight + 5));
  await page.press(weight, 'Tab');
  const rescored = await submit(page, 'needs', '.save');
  await page.waitForSelector('.section-needs .done');
  check(rescored.status === 200 && rescored.body.rescored > 0, `the API rescored the households (${rescored.body.rescored})`);
  check((await text(page, '.section-needs .done')).includes(`已重新计算 ${rescored.body.rescored} 户的富裕难度`),
    `the page says how many households were rescored (${await text(page, '.section-needs .done')})`);
  check((await sectionOf(page, 'needs')).values[0].difficulty_weight === needs.values[0].difficulty_weight + 5, 'the new weight is in force');
  await settled(page);
  await axe(page, 'settings-needs');
  await shot(page, 'settings-needs');
  const back = await resetTab(page, 'needs');
  check(back.status === 200 && back.body.stored === null && back.body.rescored > 0
    && (await text(page, '.section-needs .done')).includes(`已重新计算 ${back.body.rescored} 户`),
    'reset: the needs follow the file again, the households rescored once more');
  check((await sections(page)).every((s) => s.stored === null), 'every section follows the file again, for the rest of the run');
}

// Those who read 参数与字典 (the county admin, the auditor): every value,
// no input, no button; the API refuses them a change.
export async function settingsAsReader(page, { base, check, axe, who }) {
  await page.goto(base + '/settings?tab=pairing');
  await page.waitForSelector('.section-pairing .key-contact_load');
  const pairing = await sectionOf(page, 'pairing');
  check((await text(page, '.section-pairing .key-contact_load .value')) === String(pairing.values.contact_load),
    `${who} reads contact_load as the API answers it (${pairing.values.contact_load})`);
  check((await page.$$('.settings .save, .settings .reset, .settings .add')).length === 0, `${who} is offered no save, reset or add button`);
  check((await page.$$('.settings input, .settings textarea')).length === 0, `${who} is offered no input`);
  check((await text(page, '.settings .readonly')).includes('系统管理员'), `${who} is told the system admin changes them`);
  const refused = await write(page, 'PUT', '/api/v1/settings/pairing', { values: { contact_load: 1 }, version: pairing.version });
  check(refused.status === 403, `the API refuses ${who} a change (${refused.status})`);
  await openTab(page, 'needs');
  check((await page.$$('.section-needs .entries .el-table__body tr')).length === (await sectionOf(page, 'needs')).values.length,
    `${who} reads every need`);
  await settled(page);
  await axe(page, `settings-readonly (${who})`);
}
