import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';

/** Shown when apps/web/dist is missing, so `pulseboard start` without a build still explains itself. */
export const MISSING_BUILD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pulseboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Pulseboard is running</h1>
<p>The web app has not been built yet. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it) and reload this page.</p>
<p>The HTTP API is available under <code>/api</code>; see docs/api.md.</p>
</body></html>
`;

/** Vite's content-hashed files never change under their name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** serveStatic's `next` when it finds no file: the handler below decides what comes instead. */
const NOTHING_FOUND = async (): Promise<void> => undefined;

/** Never served by name: source maps (not public) and the precompressed twins themselves. */
const NOT_SERVED = /\.(?:map|br|gz|zst)$/i;

function setCacheHeaders(c: Context): void {
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cache-Control', c.req.path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
}

/**
 * Serves the web app's build with `@hono/node-server`'s serveStatic: files with their
 * content type, a precompressed `.br`/`.gz` twin when the client accepts it (the build writes
 * them); Vite's hashed files under /assets cached for a year (immutable), everything else
 * revalidated; unknown paths without an extension fall back to index.html (client-side
 * routes); without a build, a page saying how to make one. Source maps are not served.
 */
export function createStaticHandler(webDir: string): MiddlewareHandler {
  const root = path.resolve(webDir);
  let serve: { files: MiddlewareHandler; shell: MiddlewareHandler } | null = null;
  // Made once the build exists (it may be built while the server runs).
  const handlers = () =>
    (serve ??= existsSync(root)
      ? {
          files: serveStatic({ root, precompressed: true, onFound: (_file, c) => setCacheHeaders(c) }),
          shell: serveStatic({ root, path: 'index.html', precompressed: true, onFound: (_file, c) => setCacheHeaders(c) }),
        }
      : null);

  return async (c: Context) => {
    const served = NOT_SERVED.test(c.req.path) ? null : handlers();
    if (served) {
      const file = await served.files(c, NOTHING_FOUND);
      if (file) return file;
      if (!path.extname(c.req.path)) {
        const shell = await served.shell(c, NOTHING_FOUND);
        if (shell) return shell;
      }
    }
    if (!existsSync(path.join(root, 'index.html'))) return c.html(MISSING_BUILD_HTML, c.req.path === '/' || !path.extname(c.req.path) ? 200 : 404);
    return c.text('Not Found', 404);
  };
}
