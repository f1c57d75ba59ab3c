import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

/** Shown when apps/web/dist is missing, so `pulseboard start` without a build still explains itself. */
export const MISSING_BUILD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pulseboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Pulseboard is running</h1>
<p>The web app has not been built yet. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it) and reload this page.</p>
<p>The HTTP API is available under <code>/api</code>; see docs/api.md.</p>
</body></html>
`;

/**
 * Serves the web app's build: files with their content type; Vite's hashed files under
 * /assets cached for a year (immutable), everything else revalidated; unknown paths without
 * an extension fall back to index.html (client-side routes).
 */
export function createStaticHandler(webDir: string) {
  const root = path.resolve(webDir);

  async function fileAt(relative: string): Promise<string | null> {
    const full = path.resolve(root, '.' + path.sep + relative);
    if (full !== root && !full.startsWith(root + path.sep)) return null;
    try {
      const info = await stat(full);
      return info.isFile() ? full : null;
    } catch {
      return null;
    }
  }

  return async (c: Context): Promise<Response> => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('Bad Request', 400);
    }
    if (pathname.includes('\0')) return c.text('Bad Request', 400);
    const isAsset = pathname.startsWith('/assets/');
    let file = pathname.endsWith('/') ? null : await fileAt(pathname);
    if (!file && !path.extname(pathname)) file = await fileAt('index.html');
    if (!file) {
      if (!(await fileAt('index.html'))) return c.html(MISSING_BUILD_HTML, pathname === '/' || !path.extname(pathname) ? 200 : 404);
      return c.text('Not Found', 404);
    }
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    c.header('Content-Type', type);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', isAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(body, 200);
  };
}
