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
// 在线用户: the security admin sees the system admin's session (still open in
// its own context) and its own, marked, and signs the system admin out —
// whose next call is answered 401 and whose next page load is the sign-in.
// Each is refused the others' API and pages. axe checks every page; the
// screenshots admin-accounts, admin-security, admin-audit, admin-online and
// admin-health go to the user guide.
//
//   export default async function (browser, { base, check, axe, shot, sysadmin, secadmin, auditor })
// where each admin is { username, password } and, if its TOTP is already
// enrolled, totpSecret (base32); a fresh account enrols here.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { until, text } from './lib.mjs';

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

export default async function (browser, { base, check, axe, shot, sysadmin, secadmin, auditor }) {
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
    check(JSON.stringify(await menu(page)) === JSON.stringify(['账号管理', '服务监控']),
      `the system admin's menu holds its console and server health only (${(await menu(page)).join(', ')})`);
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
    check(JSON.stringify(await menu(page)) === JSON.stringify(['审计日志']),
      `the auditor's menu holds its console only, no online users or server health (${(await menu(page)).join(', ')})`);
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
    const logged = await page.evaluate(async (who) =>
      (await (await fetch(`/api/v1/audit?limit=1000&actor=${who}`)).json()).items, sysadmin.username);
    const loginActions = ['sign_in', 'sign_out', 'session_expire', 'session_revoke', 'lockout'];
    async function downloaded(selector) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
    }
    const operations = await downloaded('.exports .export-operation-csv');
    const lines = operations.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter((l) => l);
    const expected = logged.filter((e) => !loginActions.includes(e.action)).map((e) => String(e.seq)).reverse();
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
    check((await text(page, '.log')).includes('没有符合条件的记录'), 'no events since a time to come');
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

    await page.goto(base + '/audit');
    await page.waitForSelector('.log .el-table__row');
    await axe(page, 'admin-audit');
    await shot(page, 'admin-audit');
    check(csp.length === 0, `no CSP violations on the auditor's console (${csp.join(' | ')})`);
    await context.close();
  }
}
