import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { PREACT_ALIASES } from './preact-aliases';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `npm run dev` (the server) listens; the dev server proxies the API there. */
const API_TARGET = process.env.PULSEBOARD_API ?? 'http://127.0.0.1:3000';

/** Files the server may send precompressed: text, and big enough for compression to pay. */
const PRECOMPRESS = /\.(js|mjs|css|html|svg|json|webmanifest)$/;
const PRECOMPRESS_MIN_BYTES = 1024;

/**
 * Writes a `.br` and a `.gz` twin next to each text file of the build; the server's
 * serveStatic sends one to a client that accepts it (packages/server/src/http/static-files.ts).
 * In writeBundle, once the chunks are final: Vite rewrites them in generateBundle (the lazy
 * chunks' preload lists), so twins made earlier would differ from the files they stand for.
 */
function precompress(): Plugin {
  return {
    name: 'pulseboard:precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? path.join(root, 'dist');
      for (const file of Object.values(bundle)) {
        if (!PRECOMPRESS.test(file.fileName) || file.fileName.startsWith('.vite/')) continue;
        const source = file.type === 'chunk' ? file.code : file.source;
        const bytes = Buffer.from(source);
        if (bytes.length < PRECOMPRESS_MIN_BYTES) continue;
        const target = path.join(dir, file.fileName);
        writeFileSync(`${target}.br`, brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }));
        writeFileSync(`${target}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

/** What src/sw.js says where the build's asset list goes. */
const SERVICE_WORKER_PLACEHOLDER = 'PULSEBOARD_BUILD';

/**
 * Writes the app-shell service worker, dist/sw.js, from src/sw.js with the build's asset
 * list and version in place of PULSEBOARD_BUILD: every file under assets/ but the source maps,
 * and a version hashed from their names (content-hashed, so any change of any asset makes a
 * new worker, which precaches the new files and deletes the old build's cache). In
 * generateBundle, where every chunk and stylesheet has its final name.
 */
function serviceWorker(): Plugin {
  return {
    name: 'pulseboard:service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle)
        .filter((name) => name.startsWith('assets/') && !name.endsWith('.map'))
        .sort();
      const version = createHash('sha256').update(assets.join('\n')).digest('hex').slice(0, 16);
      const template = readFileSync(path.join(root, 'src/sw.js'), 'utf8');
      const places = template.split(SERVICE_WORKER_PLACEHOLDER).length - 1;
      if (places !== 1) this.error(`src/sw.js must name ${SERVICE_WORKER_PLACEHOLDER} exactly once, where the asset list goes (found ${places})`);
      const build = JSON.stringify({ version, assets: assets.map((name) => `./${name}`) });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: template.replace(SERVICE_WORKER_PLACEHOLDER, build) });
    },
  };
}

/** The web app: root apps/web, built into apps/web/dist (the server serves that folder). */
export default defineConfig({
  root,
  base: './',
  plugins: [serviceWorker(), precompress()],
  // JSX by Vite's own transform (automatic runtime, `react/jsx-runtime`: Preact's, through the aliases).
  // No React Fast Refresh (it needs React's renderer): in development an edited component reloads the page.
  oxc: { jsx: { runtime: 'automatic' } },
  // @pulseboard/* from their sources (the repository tsconfig's `paths`), not their dist/; React's API from Preact.
  resolve: { tsconfigPaths: true, alias: PREACT_ALIASES },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Written for debugging, not referenced from the bundles; the server does not serve them.
    sourcemap: 'hidden',
    chunkSizeWarningLimit: 1500,
    // .vite/manifest.json: which chunks the entry loads up front; scripts/check-web-bundle.mjs budgets them.
    manifest: true,
    // No modulepreload polyfill in the entry (0.25 KB gz for every viewer): browsers preload natively since
    // Chrome 66, Firefox 115 and Safari 17; in older ones a lazy chunk's own imports load after it, not beside it.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // A lazy part's chunk keeps its module's name (editor, LineWidget…); code shared between
      // chunks goes in `shared-*` (the bundler would name it after its first module).
      output: {
        chunkFileNames: (chunk) => (chunk.isDynamicEntry ? 'assets/[name]-[hash].js' : 'assets/shared-[hash].js'),
        // Everything the entry imports statically stays in the entry: one file for a viewer instead of a
        // dozen `shared-*` slivers (gzip compresses one stream better and each file costs a request).
        // `$initial` follows static imports, so a module the entry imports for a lazy part's sake
        // would come along: keep editor-only packages out of the viewer's import graph (useContainerWidth).
        codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] },
      },
    },
  },
  server: {
    proxy: {
      '/api': API_TARGET,
      '/widgets': API_TARGET,
      '/ws': { target: API_TARGET.replace(/^http/, 'ws'), ws: true },
    },
  },
});
