// What the page knows during a visit and the few things it does.
//
// One screen at a time, no router: six screens do not need vue-router's
// weight (B6). Each step forward is a history entry, so the phone's own
// back button — which is what an older user reaches for — goes back a
// screen instead of leaving the page.
import { reactive } from 'vue';
import { publicApi, PublicError, type Appeal, type CardView, type NewAppeal, type Rating, type Topic, type Whom } from './api';
import { saveKey, type CardKey } from './card';
import { t } from './i18n';

export type Screen = 'enter' | 'home' | 'appeal' | 'filed' | 'list' | 'rate' | 'judge';

export const state = reactive({
  screen: 'enter' as Screen,
  key: null as CardKey | null,
  card: null as CardView | null,
  topics: null as Topic[] | null,
  appeals: null as Appeal[] | null,
  appealsAt: 0, // when they were fetched (Date.now())
  filed: null as Appeal | null, // the appeal just filed, for its receipt
  rating: null as Appeal | null, // the appeal being rated
  judging: null as Whom | null, // the cadre being rated for the year (民主评议)
  refusal: '', // why the card was refused, shown on the first screen
  notice: '', // what the last step did, shown on the next screen
});

// Screens that need something loaded first fall back to one that does not.
function reachable(screen: Screen): Screen {
  if (!state.card) return 'enter';
  if (screen === 'enter') return 'home';
  if (screen === 'filed' && !state.filed) return 'home';
  if (screen === 'rate' && !state.rating) return 'list';
  if (screen === 'judge' && !(state.judging && state.card[state.judging])) return 'home';
  return screen;
}

export function go(screen: Screen, replace = false): void {
  state.notice = '';
  state.screen = reachable(screen);
  if (replace) history.replaceState({ screen: state.screen }, '');
  else history.pushState({ screen: state.screen }, '');
}

// A notice for the screen that going back will show.
let carried = '';

addEventListener('popstate', (event) => {
  state.notice = carried;
  carried = '';
  state.screen = reachable((event.state as { screen?: Screen } | null)?.screen ?? 'enter');
});

// What to tell the household when a call fails. A refused card anywhere
// (a card revoked mid-visit) sends it back to the first screen to say so.
export function say(error: unknown): string {
  const e = t.value.errors;
  if (!(error instanceof PublicError)) return e.server;
  switch (error.code) {
    case 'card_not_found':
      forget(e.card);
      return e.card;
    case 'rate_limited':
      return e.busy;
    case 'network':
      return e.network;
    case 'conflict':
      return e.conflict;
    case 'invalid_input':
      return e.invalid;
    default:
      return error.status >= 500 ? e.server : e.invalid;
  }
}

// Opens the card: one request, which is also the check of code and surname.
export async function open(key: CardKey): Promise<void> {
  state.card = await publicApi.card(key);
  state.key = key;
  state.refusal = '';
  saveKey(key);
  go('home', true);
}

export function forget(refusal = ''): void {
  saveKey(null);
  Object.assign(state, { key: null, card: null, appeals: null, filed: null, rating: null, refusal });
  go('enter', true);
}

function key(): CardKey {
  if (!state.key) throw new PublicError(404, 'card_not_found');
  return state.key;
}

export async function confirmVisit(id: string): Promise<void> {
  await publicApi.confirmVisit(key(), id);
  const visit = state.card?.recent_visits.find((v) => v.id === id);
  if (visit) visit.confirmed = true;
}

export async function loadTopics(): Promise<Topic[]> {
  // The dictionary is public and unlimited, and it changes rarely: once a visit.
  state.topics ??= await publicApi.topics();
  return state.topics;
}

export async function fileAppeal(appeal: NewAppeal): Promise<void> {
  state.filed = await publicApi.fileAppeal(key(), appeal);
  state.appeals = null; // the list now has one more: fetched again when opened
  go('filed', true); // back from the receipt goes home, not to a form sent already
}

export async function loadAppeals(): Promise<void> {
  state.appeals = await publicApi.appeals(key());
  state.appealsAt = Date.now();
}

export function startRating(appeal: Appeal): void {
  state.rating = appeal;
  go('rate');
}

export async function rate(rating: Rating): Promise<void> {
  const target = state.rating;
  if (!target) return;
  const after = await publicApi.rate(key(), target.id, rating);
  // The answer has no steps; the list keeps the ones it had (one request fewer).
  Object.assign(target, { ...after, steps: target.steps });
  state.rating = null;
  carried = rating.satisfaction === 'unsatisfied' && after.state !== 'rated' ? t.value.list.reopened : t.value.list.rated;
  history.back(); // to the list, where the notice is read out
}

export function startJudging(whom: Whom): void {
  state.judging = whom;
  go('judge');
}

// 民主评议: this year's rating of one of the household's cadres; a second
// one the same year takes the first's place.
export async function judge(satisfaction: string): Promise<void> {
  const whom = state.judging;
  const cadre = whom ? state.card?.[whom] : null;
  if (!whom || !cadre) return;
  const kept = await publicApi.rateCadre(key(), whom, satisfaction);
  cadre.rating = kept.rating;
  state.judging = null;
  carried = t.value.judge.thanks;
  history.back(); // home, where the notice is read out
}
