// The cadre's phone app (/m/): my households and a visit in three taps,
// my tasks, my appeals — and all of it usable without signal (the service
// worker keeps the app, IndexedDB keeps the data and the visits to send).
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { registerSW } from 'virtual:pwa-register';
import './vant.css';
import './theme.css';
import App from './App.vue';
import { whenSessionEnds } from './api';
import { i18n } from './i18n';
import { router } from './router';
import { useOutbox } from './stores/outbox';
import { useSession } from './stores/session';

const app = createApp(App).use(createPinia()).use(i18n);
const session = useSession();
const outbox = useOutbox();

// The session ended under the app (30 minutes idle is common in the
// field): keep every queued visit, and ask to sign in again.
whenSessionEnds(() => {
  session.ended();
  outbox.stopped = 'signin';
  const here = router.currentRoute.value;
  if (here.name !== 'signin') {
    void router.push({ name: 'signin', query: here.fullPath === '/' ? {} : { redirect: here.fullPath } });
  }
});

async function whenOnline() {
  // Started without signal: find out who the server thinks we are now.
  if (session.offline) {
    await session.load();
    if (!session.user) {
      session.expired = true;
      await router.push({ name: 'signin' });
      return;
    }
  }
  if (session.user) await outbox.flush();
}

window.addEventListener('online', () => void whenOnline());
// A weak signal often comes back without an online event, and some browsers
// (Chromium 150 for a page the service worker opened offline) send none at
// all: look every ten seconds while a visit waits or the data shown is the
// saved copy, and when the phone is picked up again. Nothing goes out while
// the browser says it is offline.
let lastTry = 0;
function tryAgain() {
  if (!navigator.onLine || outbox.sending || !(outbox.pending.length || session.offline)) return;
  lastTry = Date.now();
  void whenOnline();
}
setInterval(tryAgain, 10_000);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && Date.now() - lastTry > 2_000) tryAgain();
});

app.use(router);
void router.isReady().then(async () => {
  await outbox.refresh().catch(() => undefined);
  if (session.user && !session.offline) void outbox.flush();
});
app.mount('#app');

// The app shell is kept by the service worker (scope /m/; vite.config.ts), so the
// app opens without signal once it has been opened with it.
if ('serviceWorker' in navigator) registerSW({ immediate: true });
