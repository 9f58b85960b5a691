import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/dist/index.css';
import './theme.css';
import App from './App.vue';
import { setCsrf, whenSessionEnds } from './api';
import { i18n } from './i18n';
import { router } from './router';
import { useSession } from './session';

const app = createApp(App).use(createPinia()).use(i18n).use(router);
whenSessionEnds(() => {
  useSession().user = null;
  setCsrf(null);
  const here = router.currentRoute.value;
  if (here.path !== '/signin') {
    void router.push({ path: '/signin', query: { redirect: here.fullPath, expired: '1' } });
  }
});
app.mount('#app');
