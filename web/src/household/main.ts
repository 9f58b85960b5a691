// The household's page (/h/), the one a contact card's QR code opens
// (https://HOST/h/#CODE). Its own light entry — Vue and these few files,
// no Vant, no vue-i18n, nothing of the admin's or the cadre's — so it opens
// on a weak network in a phone's in-app browser: BENCHMARKS.md B6 allows
// 60 KiB gzipped for all it loads.
import { createApp } from 'vue';
import './household.css';
import App from './App.vue';
import { takeCodeFromAddress } from './card';

const fromQr = takeCodeFromAddress();
history.replaceState({ screen: 'enter' }, '');
// Another card's address opened in this same tab changes only the fragment,
// which loads nothing: start again from it.
addEventListener('hashchange', () => location.reload());
createApp(App, { fromQr }).mount('#app');
