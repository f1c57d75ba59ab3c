import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';

/** Shown when apps/web/dist is missing, so `pulseboard start` without a build still explains itself. */
export const MISSING_BUILD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pulseboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Pulseboard is running</h1>
<p>The web app has not been built yet. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it) and reload this page.</p>
<p>The HTTP API is available under <code>/api</code>; see docs/api.md.</p>
</body></html>
`;

/** Requests the web app never answers with a file: source maps and the precompressed copies themselves. */
const NOT_SERVED = /\.(?:map|br|gz|zst)$/i;

/** Types `serveStatic` may not know or types without a charset. */
const CHARSET_TYPES = /^(?:text\/|application\/(?:javascript|json|manifest\+json))/;

/** Cache and safety headers of every file served. */
function withHeaders(res: Response, pathname: string): Response {
  const headers = res.headers;
  headers.set('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  headers.set('X-Content-Type-Options', 'nosniff');
  const type = headers.get('Content-Type') ?? '';
  if (CHARSET_TYPES.test(type) && !type.includes('charset')) headers.set('Content-Type', `${type}; charset=utf-8`);
  // Caches must keep the encodings apart, also for a response that went out uncompressed.
  if (!headers.has('Vary')) headers.set('Vary', 'Accept-Encoding');
  return res;
}

/**
 * Serves the web app's build with `@hono/node-server`'s serveStatic: the brotli or gzip copy
 * written at build time when the client accepts it (`precompressed`), Vite's hashed files
 * under /assets cached for a year (immutable), everything else revalidated; unknown paths
 * without an extension fall back to index.html (client-side routes). Source maps are not
 * served.
 */
export function createStaticHandler(webDir: string) {
  const root = path.resolve(webDir);
  const options = { root, precompressed: true } as const;
  const files = serveStatic(options);
  const index = serveStatic({ ...options, path: 'index.html' });
  const noFile = async (): Promise<void> => {};

  return async (c: Context): Promise<Response> => {
    const pathname = c.req.path;
    if (!NOT_SERVED.test(pathname)) {
      const found = await files(c, noFile);
      if (found) return withHeaders(found, pathname);
    }
    if (path.extname(pathname) !== '') return c.text('Not Found', 404);
    const page = await index(c, noFile);
    if (page) return withHeaders(page, pathname);
    return c.html(MISSING_BUILD_HTML, 200);
  };
}
