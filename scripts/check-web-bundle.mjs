// Checks the web app's initial JavaScript (what every viewer and wallboard downloads before
// it shows a dashboard) against a budget. Walks Vite's manifest from the index.html entry
// through static `imports` only (lazy `dynamicImports` are loaded on demand and not counted),
// gzips each of those files as the server would send them, prints the list and the total,
// and exits 1 naming the chunks when the total is over the budget. Run after `npm run build:web`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The budget for the entry's JavaScript, gzipped (KB = 1,000 bytes, as Vite reports sizes):
 * issue 13's goal. The entry is 112.4 KB (2026-12-02), of which react-dom and scheduler are
 * about 64 and @pulseboard/client 15.5; zod and the mutators load with the editor
 * (apps/web/README.md, "What a viewer downloads").
 */
const INITIAL_JS_BUDGET_KB = 120;

const DIST = path.resolve(import.meta.dirname, '../apps/web/dist');
const MANIFEST = path.join(DIST, '.vite/manifest.json');

let manifest;
try {
  manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
} catch (error) {
  console.error(`check-web-bundle: cannot read ${path.relative(process.cwd(), MANIFEST)} (${error.code ?? error.message}); run \`npm run build:web\` first.`);
  process.exit(1);
}

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry && key.endsWith('index.html'));
if (!entryKey) {
  console.error('check-web-bundle: the manifest has no index.html entry.');
  process.exit(1);
}

// The entry and everything it imports statically, each chunk once.
const initial = [];
const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  const chunk = manifest[key];
  if (!chunk) throw new Error(`check-web-bundle: the manifest names ${key} but has no entry for it`);
  initial.push(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entryKey);

const sizes = initial
  .filter((file) => file.endsWith('.js'))
  .map((file) => ({ file, gzipBytes: gzipSync(readFileSync(path.join(DIST, file)), { level: 9 }).length }))
  .sort((a, b) => b.gzipBytes - a.gzipBytes);
const totalBytes = sizes.reduce((sum, s) => sum + s.gzipBytes, 0);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

console.log('Initial JavaScript of the web app (gzip -9):');
for (const s of sizes) console.log(`  ${kb(s.gzipBytes).padStart(9)}  ${s.file}`);
console.log(`  ${kb(totalBytes).padStart(9)}  total (budget ${INITIAL_JS_BUDGET_KB} KB)`);

if (totalBytes > INITIAL_JS_BUDGET_KB * 1000) {
  console.error(
    `check-web-bundle: the initial JavaScript is ${kb(totalBytes)} gzipped, over the ${INITIAL_JS_BUDGET_KB} KB budget. ` +
      `Chunks loaded before the first dashboard shows: ${sizes.map((s) => `${s.file} (${kb(s.gzipBytes)})`).join(', ')}. ` +
      'Load what a viewer does not need with React.lazy or import() (see apps/web/README.md).',
  );
  process.exit(1);
}
