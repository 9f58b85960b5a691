// The household page's words, Chinese first, English second.
//
// Not vue-i18n: with Vue it comes to ~17 KiB gzipped of the 60 KiB the
// whole page may weigh (BENCHMARKS.md B6), for a few dozen phrases. A plain
// object does it: `en` must have exactly `zh`'s shape (the type checker
// says which phrase is missing), and a phrase with a value is a function.
//
// The words are plain on purpose (适老化): many heads of household are old,
// so "干部正在办理", not "办理中"; "反映问题", not "提交诉求".
import { computed, ref } from 'vue';

export type Lang = 'zh-CN' | 'en';

const zh = {
  brand: '连心卡',
  otherLanguage: 'English',
  otherLang: 'en' as Lang,
  back: '返回',
  loading: '正在打开,请稍等……',
  sending: '正在提交,请稍等……',
  enter: {
    title: '查看我的联系干部',
    lead: '请填写连心卡上的卡号和户主的姓。',
    code: '卡号(印在连心卡上)',
    codeHint: '16 位字母和数字,例如 T32R-VSHN-CR2T-9HD2,大小写都可以',
    codeFromQr: '卡号已从二维码读出,不用再填。',
    surname: '户主姓什么?',
    surnameHint: '只写姓就行,比如:王',
    submit: '查看',
    badCode: '卡号应是 16 位字母和数字,请对着连心卡核对',
    noSurname: '请写上户主的姓',
    privacy: '卡号和姓只留在这次打开的页面里,关掉页面就清除。',
  },
  home: {
    title: '我的联系干部',
    household: (name: string) => `户主:${name}`,
    contact: '联系干部',
    assistance: '帮扶干部',
    noContact: '暂时还没有安排联系干部,请问村委会。',
    call: '打电话',
    unit: (unit: string) => `单位:${unit}`,
    fileAppeal: '我要反映问题',
    myAppeals: '我反映过的问题',
    visits: '干部最近来过',
    visitsLead: '干部确实来过的,请点“确有其事”,帮我们核实。',
    noVisits: '还没有走访记录。',
    by: (name: string) => `来的人:${name}`,
    confirm: '确有其事',
    confirmed: '✓ 您已确认',
    signOut: '换一张卡',
    judge: '评议这位干部',
    judged: (level: string) => `今年您的评议:${level}`,
  },
  judge: {
    title: '评议干部',
    lead: (name: string) => `${name}今年联系您家做得怎么样?一年评一次,再评以最后一次为准。`,
    question: '您满意吗?',
    submit: '提交评议',
    need: '请选:您满意吗',
    thanks: '谢谢您的评议!',
  },
  appeal: {
    title: '反映问题',
    type: '您要做什么?',
    types: {
      inquiry: ['咨询', '问问政策,问怎么办事'],
      help: ['求助', '遇到困难,请干部帮忙'],
      complaint: ['投诉', '对办事、服务不满意'],
      report: ['举报', '反映违法违纪的事'],
      suggestion: ['建议', '给村里、政府提个主意'],
    } as Record<string, [string, string]>,
    topic: '是哪方面的事?',
    pickTopic: '请选择',
    content: '请说说是什么事',
    contentHint: '在哪里、什么时候、怎么回事,说清楚就好',
    urgency: '急不急?',
    urgencies: {
      general: ['不急', '按平常办'],
      urgent: ['比较急', '停水、停电这类事'],
      emergency: ['非常紧急', '有危险,马上要人来'],
    } as Record<string, [string, string]>,
    danger: '有人身危险,请先打 110 或 120。',
    submit: '提交',
    needType: '请选一项:您要做什么',
    needTopic: '请选:是哪方面的事',
    needContent: '请写上是什么事',
    tooLong: '写得太长了,请删短一些(最多约 1300 个字)',
  },
  filed: {
    title: '已收到您反映的问题',
    number: '您的问题编号',
    keep: '请记下这个编号,查问时用。',
    next: '接下来',
    toCadre: (name: string) => `已经转给您的联系干部 ${name},会尽快和您联系。`,
    toStaff: '已经转给工作人员,会尽快和您联系。',
    byDate: (date: string) => `最晚 ${date} 前答复您。`,
    follow: '办到哪一步,随时可以在“我反映过的问题”里看。',
    list: '看我反映过的问题',
    home: '回到首页',
  },
  list: {
    title: '我反映过的问题',
    none: '您还没有反映过问题。',
    received: (date: string) => `${date} 反映`,
    state: '现在:',
    states: {
      received: '已收到,正在安排人办',
      dispatched: '已交给干部,等干部接手',
      handling: '干部正在办理',
      replied: '干部已答复',
      closed: '已办完,请您评价',
      rated: '已办完,您已评价',
    } as Record<string, string>,
    deadline: (date: string) => `最晚 ${date} 前答复`,
    overdue: '已过了答复期限,我们会催办',
    reply: '干部的答复:',
    steps: '办理经过',
    actions: {
      file: '收到您的问题',
      dispatch: '交给干部',
      return: '退回,重新安排',
      sign: '干部接手',
      progress: '正在办理',
      extend: '延长期限',
      reply: '答复您',
      close: '办完',
      rate: '您评价',
      supervise: '催办',
    } as Record<string, string>,
    rate: '去评价',
    rated: '谢谢您的评价!',
    reopened: '您不满意,这件事会重新办理。',
    new: '反映新问题',
    satisfaction: {
      satisfied: '您评价:满意',
      basically_satisfied: '您评价:基本满意',
      unsatisfied: '您评价:不满意',
    } as Record<string, string>,
  },
  rate: {
    title: '评价这件事',
    solved: '问题解决了吗?',
    yes: '解决了',
    no: '没解决',
    satisfaction: '您满意吗?',
    levels: { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' } as Record<string, string>,
    reopen: '选“不满意”,这件事会重新办理。',
    note: '还想说的话(可以不写)',
    submit: '提交评价',
    needSolved: '请选:问题解决了吗',
    needSatisfaction: '请选:您满意吗',
  },
  errors: {
    card: '卡号或姓氏不对,请核对',
    busy: '请求太多,请一分钟后再试',
    network: '网络不好,没有连上,请稍后再试',
    server: '系统出了点问题,请稍后再试',
    invalid: '填写的内容有误,请检查后再试',
    conflict: '这件事现在还不能这样办,请刷新后再看',
  },
  // Visit kinds and topics: the server's labels are Chinese already; these
  // are the English ones, by code (a topic the county added keeps its label).
  visitKinds: {} as Record<string, string>,
  topics: {} as Record<string, string>,
  date: (y: number, m: number, d: number) => `${y ? y + '年' : ''}${m}月${d}日`, // y 0: this year
};

export type Dict = typeof zh;

const en: Dict = {
  brand: 'Contact card',
  otherLanguage: '中文',
  otherLang: 'zh-CN',
  back: 'Back',
  loading: 'Opening, please wait…',
  sending: 'Sending, please wait…',
  enter: {
    title: 'See my contact cadre',
    lead: 'Type the code on your contact card and the surname of the head of household.',
    code: 'Card code (printed on the card)',
    codeHint: '16 letters and digits, e.g. T32R-VSHN-CR2T-9HD2; any case',
    codeFromQr: 'The code was read from the QR code: no need to type it.',
    surname: 'Surname of the head of household',
    surnameHint: 'Just the surname, e.g. 王',
    submit: 'Open',
    badCode: 'A card code has 16 letters and digits: check it against the card',
    noSurname: 'Please type the surname',
    privacy: 'The code and surname stay only in this open page and are cleared when you close it.',
  },
  home: {
    title: 'My contact cadre',
    household: (name: string) => `Head of household: ${name}`,
    contact: 'Contact cadre',
    assistance: 'Assistance cadre',
    noContact: 'No contact cadre yet: please ask the village committee.',
    call: 'Call',
    unit: (unit: string) => `Unit: ${unit}`,
    fileAppeal: 'Report a problem',
    myAppeals: 'Problems I reported',
    visits: 'Recent visits',
    visitsLead: 'If a cadre really came, tap “It happened” to help us check.',
    noVisits: 'No visits recorded yet.',
    by: (name: string) => `Visited by ${name}`,
    confirm: 'It happened',
    confirmed: '✓ You confirmed it',
    signOut: 'Use another card',
    judge: 'Rate this cadre',
    judged: (level: string) => `Your rating this year: ${level}`,
  },
  judge: {
    title: 'Rate a cadre',
    lead: (name: string) => `How well did ${name} keep in touch with your household this year? Once a year; rating again replaces it.`,
    question: 'Are you satisfied?',
    submit: 'Send my rating',
    need: 'Please choose: are you satisfied',
    thanks: 'Thank you for your rating!',
  },
  appeal: {
    title: 'Report a problem',
    type: 'What would you like to do?',
    types: {
      inquiry: ['Ask', 'ask about a policy or how to get something done'],
      help: ['Ask for help', 'you have a difficulty and need a hand'],
      complaint: ['Complain', 'about a service or how something was handled'],
      report: ['Report wrongdoing', 'something against the law or the rules'],
      suggestion: ['Suggest', 'an idea for the village or the government'],
    },
    topic: 'What is it about?',
    pickTopic: 'Choose one',
    content: 'What happened?',
    contentHint: 'Where, when and what: in your own words',
    urgency: 'How urgent is it?',
    urgencies: {
      general: ['Not urgent', 'the usual way'],
      urgent: ['Quite urgent', 'no water, no power and the like'],
      emergency: ['Very urgent', 'there is danger, someone must come now'],
    },
    danger: 'If anyone is in danger, call 110 or 120 first.',
    submit: 'Send',
    needType: 'Choose what you would like to do',
    needTopic: 'Choose what it is about',
    needContent: 'Say what happened',
    tooLong: 'Too long: please shorten it',
  },
  filed: {
    title: 'We have your report',
    number: 'Its number',
    keep: 'Keep this number to ask about it.',
    next: 'What happens next',
    toCadre: (name: string) => `It has gone to your contact cadre, ${name}, who will get in touch.`,
    toStaff: 'It has gone to the staff, who will get in touch.',
    byDate: (date: string) => `You will have an answer by ${date} at the latest.`,
    follow: 'See how it is going any time under “Problems I reported”.',
    list: 'Problems I reported',
    home: 'Back to the start',
  },
  list: {
    title: 'Problems I reported',
    none: 'You have not reported any problem.',
    received: (date: string) => `Reported ${date}`,
    state: 'Now: ',
    states: {
      received: 'Received, being arranged',
      dispatched: 'Given to a cadre, waiting for them to take it',
      handling: 'A cadre is working on it',
      replied: 'The cadre has answered',
      closed: 'Done: please rate it',
      rated: 'Done, and you rated it',
    },
    deadline: (date: string) => `Answer due by ${date}`,
    overdue: 'Past its due date: we will chase it',
    reply: 'The answer: ',
    steps: 'What was done',
    actions: {
      file: 'Your report received',
      dispatch: 'Given to a cadre',
      return: 'Sent back to be rearranged',
      sign: 'A cadre took it',
      progress: 'Being worked on',
      extend: 'More time given',
      reply: 'Answered',
      close: 'Done',
      rate: 'You rated it',
      supervise: 'Chased up',
    },
    rate: 'Rate it',
    rated: 'Thank you for rating it!',
    reopened: 'You were not satisfied: it will be worked on again.',
    new: 'Report a new problem',
    satisfaction: {
      satisfied: 'You rated: satisfied',
      basically_satisfied: 'You rated: mostly satisfied',
      unsatisfied: 'You rated: not satisfied',
    },
  },
  rate: {
    title: 'Rate how it was handled',
    solved: 'Was the problem solved?',
    yes: 'Solved',
    no: 'Not solved',
    satisfaction: 'Are you satisfied?',
    levels: { satisfied: 'Satisfied', basically_satisfied: 'Mostly satisfied', unsatisfied: 'Not satisfied' },
    reopen: '“Not satisfied” sends it back to be worked on again.',
    note: 'Anything else to say (optional)',
    submit: 'Send my rating',
    needSolved: 'Say whether it was solved',
    needSatisfaction: 'Say whether you are satisfied',
  },
  errors: {
    card: 'The card code or the surname is wrong: please check them',
    busy: 'Too many tries: please try again in a minute',
    network: 'No connection: please try again later',
    server: 'Something went wrong on our side: please try again later',
    invalid: 'Something in the form is not right: please check it',
    conflict: 'This cannot be done now: please reload and look again',
  },
  visitKinds: {
    home_visit: 'Home visit',
    talk: 'Talk with villagers',
    reception: 'Reception day',
    stay: 'Stay in the village',
    shared_labour: 'Worked alongside',
    phone: 'Phone call',
    by_proxy: 'Visit by someone else',
  },
  topics: {
    roads: 'Roads',
    water: 'Drinking water',
    power: 'Electricity',
    housing: 'Housing safety',
    medical: 'Health care',
    education: 'Education',
    welfare: 'Social security',
    land: 'Land and forest',
    environment: 'Sanitation',
    farming: 'Farming',
    employment: 'Jobs',
    dispute: 'Disputes',
    security: 'Public safety',
    other: 'Other',
  },
  date: (y: number, m: number, d: number) =>
    `${d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]}${y ? ' ' + y : ''}`,
};

const KEY = 'lianxin.h.lang';

function saved(): Lang {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN'; // storage refused (some in-app browsers): Chinese
  }
}

export const lang = ref<Lang>(saved());
export const t = computed<Dict>(() => (lang.value === 'en' ? en : zh));

export function setLang(next: Lang): void {
  lang.value = next;
  document.documentElement.lang = next;
  document.title = t.value.brand;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // the choice lasts this visit only
  }
}
document.documentElement.lang = lang.value;
document.title = t.value.brand;

// "2026-12-08T23:59:59+08:00" or "2026-12-08" as the reader says a day. The
// server's times are China's wall clock: read as written, not through the
// phone's time zone.
// This year's days without the year, as people say them.
export function day(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  if (!m) return '';
  const year = Number(m[1]);
  return t.value.date(year === new Date().getFullYear() ? 0 : year, Number(m[2]), Number(m[3]));
}

// "2026-12-01T11:13:24+08:00" → the day and "11:13".
export function moment(iso: string): string {
  const hm = /T(\d{2}:\d{2})/.exec(iso);
  return day(iso) + (hm ? ' ' + hm[1] : '');
}

// When an answer is due: a day limit ends at the day's last second (say
// the day), an hour limit (2 h, 24 h) at a moment (say the time too).
export function due(iso: string): string {
  return /T23:59:59/.test(iso) ? day(iso) : moment(iso);
}

// "13399236536" → "133 9923 6536": easier to read aloud and check.
export function spacedPhone(phone: string): string {
  return /^1\d{10}$/.test(phone) ? `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` : phone;
}
