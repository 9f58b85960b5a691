// The card's code and the head's surname: where they come from (the QR
// code's fragment, or typed) and where they are kept (this visit only).
//
// The QR code opens https://HOST/h/#CODE. A fragment never reaches the
// server's logs or another site's Referer; the code then travels only in
// request bodies (public_api.hpp).

// Crockford base 32 as include/lianxin/cards.hpp spells it: no I, L, O, U;
// O is read as 0 and I or L as 1, case, spaces and hyphens ignored.
const ALPHABET = /^[0-9A-HJKMNP-TV-Z]{16}$/;

// The code as the server will read it, or null when it cannot be one —
// caught here so a typo costs no request of the few a minute allowed.
export function normalizeCode(typed: string): string | null {
  const code = typed
    .toUpperCase()
    .replace(/[\s\-‐-―－]/g, '') // hyphens of every width a phone keyboard offers
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return ALPHABET.test(code) ? code : null;
}

// "T32RVSHNCR2T9HD2" → "T32R-VSHN-CR2T-9HD2", as the card prints it.
export function formatCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

export interface CardKey {
  code: string;
  surname: string;
}

// sessionStorage, not localStorage: the pair is a key to the household's
// appeals, and a shared or borrowed phone must forget it with the page.
const KEY = 'lianxin.h.card';

export function loadKey(): CardKey | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<CardKey> | null;
    return saved && typeof saved.code === 'string' && typeof saved.surname === 'string'
      ? { code: saved.code, surname: saved.surname }
      : null;
  } catch {
    return null;
  }
}

export function saveKey(key: CardKey | null): void {
  try {
    if (key) sessionStorage.setItem(KEY, JSON.stringify(key));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage refused: the key lives in memory for this page only
  }
}

// The code in the address's fragment, if any, taken out of the address at
// once: a shared link or a screenshot of the address bar then carries no code.
export function takeCodeFromAddress(): string | null {
  const raw = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  if (!raw) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return normalizeCode(raw) ?? raw;
}
