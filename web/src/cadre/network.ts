// Whether the phone has a network, as the browser sees it (the online and
// offline events). A request may still fail with signal; api.ts tells that.
import { ref, watch } from 'vue';
import { useSession } from './stores/session';

export const online = ref(navigator.onLine);
window.addEventListener('online', () => (online.value = true));
window.addEventListener('offline', () => (online.value = false));

/**
 * Calls `reload` when the network is back and the server knows the cadre
 * again (a start without signal ends when main.ts has asked who is signed
 * in), if what the page shows is the saved copy (`stale`).
 */
export function whenBackOnline(stale: () => boolean, reload: () => void): void {
  const session = useSession();
  watch(
    () => online.value && !session.offline && !!session.user,
    (fresh) => {
      if (fresh && stale()) reload();
    },
  );
}
