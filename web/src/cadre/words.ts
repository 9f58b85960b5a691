// The API's own labels are Chinese; in English, this app's words for the
// tokens it knows, the API's label for anything else (a county's topics).
import { useI18n } from 'vue-i18n';

export function useWords() {
  const { t, te, locale } = useI18n();
  return (group: string, token: string, apiLabel: string): string => {
    const key = group === 'topics' ? `topics.${token}` : `words.${group}.${token}`;
    return locale.value === 'en' && te(key) ? t(key) : apiLabel;
  };
}

/** An appeal state's colour: amber while it waits for the handler to accept it. */
export function stateMark(state: string): string {
  if (state === 'dispatched' || state === 'received') return 'soon';
  if (state === 'replied' || state === 'closed' || state === 'rated') return 'ok';
  return 'info';
}
