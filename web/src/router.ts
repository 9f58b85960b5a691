import { createRouter, createWebHistory } from 'vue-router';
import { pagePath, pageRoles, useSession } from './session';
import { registryKinds } from './registry';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/signin', component: () => import('./views/SignIn.vue') },
    {
      path: '/',
      component: () => import('./views/Layout.vue'),
      children: [
        { path: '', redirect: '/dashboard' },
        { path: 'dashboard', component: () => import('./views/Dashboard.vue'), meta: { page: 'dashboard' } },
        { path: 'appeals', component: () => import('./views/Appeals.vue'), meta: { page: 'appeals' } },
        { path: 'households', component: () => import('./views/Households.vue'), meta: { page: 'households' } },
        { path: 'households/:id', component: () => import('./views/Household.vue'), meta: { page: 'households' } },
        ...registryKinds.map((kind) => ({
          path: 'registry/' + kind,
          component: () => import('./views/Registry.vue'),
          props: { kind },
          meta: { page: kind },
        })),
        { path: 'import', component: () => import('./views/Import.vue'), meta: { page: 'import' } },
        { path: 'exports', component: () => import('./views/Exports.vue'), meta: { page: 'exports' } },
        { path: 'pairing', component: () => import('./views/Pairing.vue'), meta: { page: 'pairing' } },
        { path: 'notices', component: () => import('./views/Notices.vue'), meta: { page: 'notices' } },
        { path: 'bulletin', component: () => import('./views/Bulletin.vue'), meta: { page: 'bulletin' } },
        { path: 'inspections', component: () => import('./views/Inspections.vue'), meta: { page: 'inspections' } },
        { path: 'inspections/:id', component: () => import('./views/Inspection.vue'), meta: { page: 'inspections' } },
        { path: 'callbacks', component: () => import('./views/Callbacks.vue'), meta: { page: 'callbacks' } },
        { path: 'ledger', component: () => import('./views/Ledger.vue'), meta: { page: 'ledger' } },
        { path: 'accounts', component: () => import('./views/Accounts.vue'), meta: { page: 'accounts' } },
        { path: 'security', component: () => import('./views/Security.vue'), meta: { page: 'security' } },
        { path: 'audit', component: () => import('./views/Audit.vue'), meta: { page: 'audit' } },
        { path: 'online', component: () => import('./views/Online.vue'), meta: { page: 'online' } },
        { path: 'health', component: () => import('./views/Health.vue'), meta: { page: 'health' } },
        { path: 'settings', component: () => import('./views/Settings.vue'), meta: { page: 'settings' } },
      ],
    },
  ],
});

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.loaded) await session.load();
  if (to.path === '/signin') return true;
  if (!session.user || session.mustChangePassword || session.mustEnrolTotp) {
    // Back to this page once signed in.
    const asked = to.redirectedFrom?.fullPath ?? to.fullPath;
    return asked === '/' ? '/signin' : { path: '/signin', query: { redirect: to.fullPath } };
  }
  const page = to.meta.page as string | undefined;
  if (page && !session.can(page)) {
    // The first page this user may open; none at all: back to signing in.
    const first = Object.keys(pageRoles).find((p) => session.can(p));
    return first ? pagePath(first) : '/signin';
  }
  return true;
});
