// The public API (include/lianxin/public_api.hpp) as the household's page
// calls it: no session, no cookie; the card's code and surname in every
// body. Its own few lines rather than the admin's api.ts, which brings the
// CSRF and sign-in handling this page has no use for.
import type { CardKey } from './card';

export type Whom = 'contact' | 'assistance';

export interface Cadre {
  name: string;
  title: string;
  unit: string | null;
  phone: string;
  rating: string | null; // this year's 民主评议 by the household, if any
}

export interface Visit {
  id: string;
  date: string;
  kind: string;
  kind_label: string;
  by: string | null;
  confirmed: boolean;
}

export interface CardView {
  household: { code: string; head_name: string };
  contact: Cadre | null;
  assistance: Cadre | null;
  recent_visits: Visit[];
}

export interface Topic {
  code: string;
  label: string;
}

export interface Step {
  action: string;
  action_label: string;
  at: string;
  note?: string;
}

export interface Appeal {
  id: string;
  type: string;
  type_label: string;
  topic: string;
  topic_label: string;
  content: string;
  state: string;
  state_label: string;
  received_at: string | null;
  deadline: string | null;
  overdue: boolean;
  reply: string;
  can_rate: boolean;
  solved: boolean | null;
  satisfaction: string | null;
  steps: Step[];
}

export interface NewAppeal {
  type: string;
  topic: string;
  content: string;
  urgency: string;
}

export interface Rating {
  solved: boolean;
  satisfaction: string;
  note?: string;
}

// What went wrong, by what the household can do about it: `code` is the
// API's stable error code (card_not_found, rate_limited, …) or "network".
export class PublicError extends Error {
  constructor(
    public status: number,
    public code: string,
  ) {
    super(code);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch('/api/v1/public/' + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new PublicError(0, 'network');
  }
  const json = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
  if (!response.ok) throw new PublicError(response.status, json?.error?.code ?? 'http_' + response.status);
  // An answer cut short on the way is a network failure too.
  if (json === null) throw new PublicError(0, 'network');
  return json as T;
}

export const publicApi = {
  topics: () => call<{ items: Topic[] }>('GET', 'topics').then((r) => r.items),
  card: (key: CardKey) => call<CardView>('POST', 'card', key),
  confirmVisit: (key: CardKey, id: string) =>
    call<{ id: string; confirmed: boolean }>('POST', `visits/${encodeURIComponent(id)}/confirm`, key),
  fileAppeal: (key: CardKey, appeal: NewAppeal) => call<Appeal>('POST', 'appeals', { ...key, ...appeal }),
  appeals: (key: CardKey) => call<{ items: Appeal[] }>('POST', 'appeals/list', key).then((r) => r.items),
  rateCadre: (key: CardKey, whom: Whom, satisfaction: string) =>
    call<{ whom: Whom; year: number; rating: string }>('POST', 'ratings', { ...key, whom, satisfaction }),
  rate: (key: CardKey, id: string, rating: Rating) =>
    call<Appeal>('POST', `appeals/${encodeURIComponent(id)}/rate`, { ...key, ...rating }),
};
