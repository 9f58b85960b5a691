// A short message after an action ("已保存"), spoken by screen readers: a
// live region of the app's own (Vant's toast is a nameless dialog, which
// axe rightly flags, and white on translucent black it can be hard to read).
import { ref } from 'vue';

export const toastMessage = ref('');
let timer: ReturnType<typeof setTimeout> | undefined;

export function say(message: string, ms = 2500): void {
  toastMessage.value = message;
  clearTimeout(timer);
  timer = setTimeout(() => (toastMessage.value = ''), ms);
}
