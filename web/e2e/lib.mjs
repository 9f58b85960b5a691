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
