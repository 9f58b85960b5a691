// B6 (BENCHMARKS.md): what each entry costs a phone on a weak network,
// gzipped, from the build's manifest (dist/.vite/manifest.json) and the .gz
// files compress.mjs wrote beside each file:
//   - the cadre's entry (m/index.html): every JS file it loads, at once or
//     lazily (all of it is precached for offline use) — target < 250 KiB;
//   - the household's page (h/index.html): everything it loads, the page,
//     its JS and its CSS — target < 60 KiB.
// Prints one line each with PASS or FAIL, and exits 1 on a FAIL.
//   node scripts/budget.mjs [dist]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

function gz(file) {
  const path = join(dist, file);
  return existsSync(path + '.gz') ? statSync(path + '.gz').size : statSync(path).size;
}

// The files an entry loads: its chunk, what it imports, and (with `lazy`)
// what it imports dynamically; with their CSS.
function closure(key, lazy) {
  const files = new Set();
  const seen = new Set();
  const visit = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    const chunk = manifest[k];
    if (!chunk) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const next of chunk.imports ?? []) visit(next);
    if (lazy) for (const next of chunk.dynamicImports ?? []) visit(next);
  };
  visit(key);
  return [...files];
}

const kib = (bytes) => (bytes / 1024).toFixed(1);
let failed = 0;
function report(name, bytes, limitKib, detail) {
  const ok = bytes < limitKib * 1024;
  if (!ok) failed++;
  console.log(`B6 ${name}: ${kib(bytes)} KiB gzipped (target < ${limitKib} KiB) ${ok ? 'PASS' : 'FAIL'} — ${detail}`);
}

const cadreJs = closure('m/index.html', true).filter((f) => f.endsWith('.js'));
report('cadre entry JS', cadreJs.reduce((sum, f) => sum + gz(f), 0), 250, `${cadreJs.length} files`);
const household = ['h/index.html', ...closure('h/index.html', true)];
report('household page, all it loads', household.reduce((sum, f) => sum + gz(f), 0), 60, household.join(', '));
process.exit(failed ? 1 : 0);
