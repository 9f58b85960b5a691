// What every part of the end-to-end run shares: a named check that counts
// failures, axe-core on the page as it stands, and a screenshot for the
// user guide (e2e/screenshots/NAME.png).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const axeSource = readFileSync(join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export function makeChecks(shots) {
  mkdirSync(shots, { recursive: true });
  let failed = 0;
  function check(condition, what) {
    if (condition) {
      console.log(`ok   ${what}`);
    } else {
      failed++;
      console.log(`FAIL ${what}`);
    }
  }
  // axe goes in through the DevTools protocol (page.evaluate): the page's
  // CSP forbids inline scripts, so addScriptTag would be refused.
  async function axe(page, name) {
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations) {
      console.log(`  axe ${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
    }
    check(result.violations.length === 0, `axe: no violations on ${name}`);
  }
  async function shot(page, name) {
    await page.screenshot({ path: join(shots, `${name}.png`) });
  }
  return { check, axe, shot, failures: () => failed };
}

// Element Plus keeps a dialog in the page, hidden, once it has been opened:
// waiting for “.el-dialog hidden” would be met at once by an older one. These
// wait for the dialog that holds the form, and for the API's answer to it.
export async function submitDialog(page, form, method = 'POST') {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname.startsWith('/api/')),
    page.click(`${form} button[type=submit]`),
  ]);
  await page.waitForSelector(`.el-dialog:has(${form})`, { state: 'hidden' });
  return response;
}

// Escape closes the dialog on top; wait until none is shown.
export async function closeDialog(page) {
  await page.keyboard.press('Escape');
  const shown = () => page.evaluate(() => [...document.querySelectorAll('.el-dialog')].some((d) => d.getClientRects().length > 0));
  if (!(await until(page, async () => !(await shown())))) throw new Error('a dialog stayed open after Escape');
}

// Polls a condition (the page's CSP forbids the eval waitForFunction needs).
export async function until(page, condition, tries = 150) {
  for (let i = 0; i < tries; i++) {
    if (await condition()) return true;
    await page.waitForTimeout(100);
  }
  return false;
}

// Element Plus eases colours in over a fifth of a second: axe, measuring
// contrast, must see them once they stand. The screenshot shows the top
// unless `top` is false (a page scrolled to what it shows).
export async function settled(page, { top = true } = {}) {
  await page.mouse.move(0, 0);
  if (top) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(400);
}

// An element's text with its white space folded, as a reader sees it.
export const text = async (page, selector) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
