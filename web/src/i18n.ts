import { createI18n } from 'vue-i18n';

const messages = {
  'zh-CN': {
    app: '连心', language: 'English', signOut: '退出',
    signIn: { title: '登录', username: '用户名', password: '密码', totp: '动态口令', submit: '登录',
      totpNeeded: '请输入验证器上的 6 位动态口令', expired: '登录已过期或已在别处退出,请重新登录' },
    password: { title: '修改密码', hint: '首次登录须先修改密码', old: '原密码', new: '新密码', submit: '修改' },
    totp: { title: '绑定动态口令', hint: '请把下面的密钥加入手机验证器,再输入 6 位口令', secret: '密钥',
      start: '生成密钥', confirm: '确认' },
    fields: {
      household: { code: '户编号', village_code: '所属村', head_name: '户主姓名', head_id_number: '户主身份证号',
        phone: '联系电话', size: '家庭人口', income_per_capita: '人均纯收入(元)', housing: '住房状况',
        land_mu: '耕地面积(亩)', needs: '需求', address: '地址', difficulty: '富裕难度分', tier: '富裕难度' },
      member: { name: '姓名', relation: '与户主关系', id_number: '身份证号', birth_date: '出生日期', gender: '性别',
        education: '文化程度', labour: '劳动能力', health: '健康状况', disability: '残疾情况' },
    },
    menu: { households: '农户', import: '导入', exports: '导出与模板', pairing: '结对' },
    households: { title: '农户', search: '户编号、户主姓名或地址', searchButton: '查询', code: '户编号',
      head: '户主', idNumber: '身份证号', phone: '电话', village: '村', tier: '难度', more: '下一页', first: '第一页',
      reveal: '查看', reason: '查看理由', revealTitle: '查看完整号码', revealed: '完整号码', open: '详情' },
    household: { title: '农户详情', edit: '修改', save: '保存', cancel: '取消', saved: '已保存', members: '家庭成员' },
    import: { title: '导入', kind: '类别', file: '选择文件', dryRun: '试导入(不写入)', run: '导入',
      problems: '问题', row: '行', column: '列', message: '说明', ok: '共 {rows} 行:新增 {inserted},修改 {updated},不变 {unchanged}',
      dryOk: '试导入通过,未写入。' },
    exports: { title: '导出与模板', export: '导出(脱敏)', template: '导入模板' },
    pairing: { title: '结对', preview: '预览', run: '执行结对', explain: '说明一户', household: '户编号',
      summary: '结果摘要', runConfirm: '确定执行结对并写入?', done: '结对已写入',
      fields: { household: '户编号', village: '所属村', unit: '包村单位', contact: '联系干部', assistance: '包扶干部' },
      why: '结对理由', alternatives: '其他选择(代价由低到高)', kind: '结对类型', holder: '单位或干部', cost: '代价变化(分)',
      coverage: '少覆盖', note: '说明', action: '操作', pin: '锁定', pinTitle: '锁定这一结对',
      pinReason: '锁定理由(记入日志)', pinned: '已锁定,下次结对时生效',
      kinds: { unit_village: '单位包村', assistance: '包扶', contact: '联系户', contact_point: '联系点' } },
    kinds: { households: '农户', members: '家庭成员', cadres: '干部', units: '单位', orgs: '党组织', regions: '区划' },
  },
  en: {
    app: 'Lianxin', language: '中文', signOut: 'Sign out',
    signIn: { title: 'Sign in', username: 'Username', password: 'Password', totp: 'One-time code', submit: 'Sign in',
      totpNeeded: 'Enter the 6-digit code from your authenticator',
      expired: 'Your session has expired or was ended elsewhere: sign in again' },
    password: { title: 'Change password', hint: 'Change your password before the first use', old: 'Current password',
      new: 'New password', submit: 'Change' },
    totp: { title: 'Enrol TOTP', hint: 'Add this secret to your authenticator app, then enter its 6-digit code',
      secret: 'Secret', start: 'Make a secret', confirm: 'Confirm' },
    fields: {
      household: { code: 'Code', village_code: 'Village', head_name: 'Head of household',
        head_id_number: 'Head\'s ID number', phone: 'Phone', size: 'Members', income_per_capita: 'Income per head (yuan)',
        housing: 'Housing', land_mu: 'Farmland (mu)', needs: 'Needs', address: 'Address', difficulty: 'Difficulty score',
        tier: 'Difficulty' },
      member: { name: 'Name', relation: 'Relation to head', id_number: 'ID number', birth_date: 'Date of birth',
        gender: 'Gender', education: 'Education', labour: 'Labour capacity', health: 'Health', disability: 'Disability' },
    },
    menu: { households: 'Households', import: 'Import', exports: 'Exports & templates', pairing: 'Pairing' },
    households: { title: 'Households', search: 'Code, head of household or address', searchButton: 'Search',
      code: 'Code', head: 'Head', idNumber: 'ID number', phone: 'Phone', village: 'Village', tier: 'Difficulty',
      more: 'Next page', first: 'First page', reveal: 'Reveal', reason: 'Reason for revealing',
      revealTitle: 'Reveal the full number', revealed: 'Full number', open: 'Open' },
    household: { title: 'Household', edit: 'Edit', save: 'Save', cancel: 'Cancel', saved: 'Saved', members: 'Members' },
    import: { title: 'Import', kind: 'Kind', file: 'Choose a file', dryRun: 'Dry run (writes nothing)', run: 'Import',
      problems: 'Problems', row: 'Row', column: 'Column', message: 'Message',
      ok: '{rows} rows: {inserted} new, {updated} changed, {unchanged} unchanged', dryOk: 'Dry run passed; nothing written.' },
    exports: { title: 'Exports & templates', export: 'Export (masked)', template: 'Import template' },
    pairing: { title: 'Pairing', preview: 'Preview', run: 'Run the pairing', explain: 'Explain a household',
      household: 'Household code', summary: 'Summary', runConfirm: 'Run the pairing and write it?', done: 'Pairing written',
      fields: { household: 'Household', village: 'Village', unit: 'Unit holding the village', contact: 'Contact cadre',
        assistance: 'Assistance cadre' },
      why: 'Why', alternatives: 'Other choices (cheapest first)', kind: 'Pairing', holder: 'Unit or cadre',
      cost: 'Cost change (points)', coverage: 'Coverage lost', note: 'Note', action: 'Action', pin: 'Pin',
      pinTitle: 'Pin this pair', pinReason: 'Reason (journaled)', pinned: 'Pinned: the next run applies it',
      kinds: { unit_village: 'Unit ↔ village', assistance: 'Assistance', contact: 'Contact', contact_point: 'Contact point' } },
    kinds: { households: 'Households', members: 'Members', cadres: 'Cadres', units: 'Units', orgs: 'Party orgs',
      regions: 'Regions' },
  },
};

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem('lianxin.locale') || 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
});

document.documentElement.lang = String(i18n.global.locale.value);

export function toggleLocale(): void {
  const next = i18n.global.locale.value === 'zh-CN' ? 'en' : 'zh-CN';
  i18n.global.locale.value = next;
  localStorage.setItem('lianxin.locale', next);
  document.documentElement.lang = next;
}
