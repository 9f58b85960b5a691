import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session';
import Home from './views/Home.vue';
import SignIn from './views/SignIn.vue';
import Visit from './views/Visit.vue';

// Home, visit and sign-in come with the first load (the 3-tap path);
// the rest when first opened. The service worker keeps all of them.
// An inspector's account lands on its own pages (inspector/), loaded only
// by it: a cadre's phone never fetches them until the worker precaches them.
export const router = createRouter({
  history: createWebHistory('/m/'),
  routes: [
    { path: '/', name: 'home', component: Home },
    { path: '/signin', name: 'signin', component: SignIn },
    { path: '/visit/:household', name: 'visit', component: Visit, props: true },
    { path: '/tasks', name: 'tasks', component: () => import('./views/Tasks.vue') },
    { path: '/appeals', name: 'appeals', component: () => import('./views/Appeals.vue') },
    { path: '/appeals/:id', name: 'appeal', component: () => import('./views/Appeal.vue'), props: true },
    {
      path: '/inspections',
      name: 'inspections',
      component: () => import('./inspector/Inspections.vue'),
      meta: { inspector: true },
    },
    {
      path: '/inspections/:id',
      name: 'inspection',
      component: () => import('./inspector/Inspection.vue'),
      props: true,
      meta: { inspector: true },
    },
    {
      path: '/inspections/:id/:household',
      name: 'check',
      component: () => import('./inspector/Check.vue'),
      props: true,
      meta: { inspector: true },
    },
    { path: '/:rest(.*)', redirect: '/' },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.loaded) await session.load();
  // Signed in already: nothing to do there (unless the desktop must come first).
  if (to.name === 'signin') return session.user && !session.restricted ? { name: 'home' } : true;
  if (!session.user || session.restricted) {
    return { name: 'signin', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  }
  // Each role to its own pages: an inspector has no households, a cadre
  // may not see an inspection before it ends.
  if (to.name === 'home' && session.inspects) return { name: 'inspections' };
  if (to.meta.inspector && !session.inspects) return { name: 'home' };
  return true;
});
