// vue-i18n for the cadre app: Chinese by default, English on request. The
// choice is kept on the phone, and the page's lang attribute follows it
// (screen readers pick their voice from it).
import { createI18n } from 'vue-i18n';
import { Locale as VantLocale } from 'vant';
import vantEn from 'vant/es/locale/lang/en-US';
import vantZh from 'vant/es/locale/lang/zh-CN';
import { messages, type Locale } from './messages';

const KEY = 'lianxin.cadre.lang';

function initial(): Locale {
  return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(KEY, locale);
  document.documentElement.lang = locale;
  // Vant's own words (dialog buttons) follow.
  if (locale === 'en') VantLocale.use('en-US', vantEn);
  else VantLocale.use('zh-CN', vantZh);
}

setLocale(initial());
