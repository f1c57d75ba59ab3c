import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_EXPORT_FILE_BYTES } from '@pulseboard/model';
import type { AppDeps } from './app-deps.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { createErrorHandler, errorResponse } from './http-errors.js';
import { openApiRoutes } from './openapi.js';
import { smashingRoutes } from './smashing-routes.js';
import { sourceRoutes } from './source-routes.js';
import { createStaticHandler } from './static-files.js';
import { statusRoutes } from './status-routes.js';
import { streamRoutes } from './stream-routes.js';
import { shareRoutes } from './share-routes.js';
import { meRoutes, tokenRoutes } from './token-routes.js';

const IMPORT_PATH = '/api/dashboards/import';
/** A body up to this size is read whole with its headers; leaving it unread costs nothing. */
const SMALL_UNREAD_BODY_BYTES = 16 * 1024;

/**
 * The whole HTTP surface: /api (JSON), /metrics, the Smashing-compatible /widgets/:id and
 * the web app. docs/api.md documents every route.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.metrics.observeHttp(c.req.method, c.req.routePath || 'unmatched', c.res.status, performance.now() - started);
  });

  // An answer given before a large body was read (401, 404, 413, …): the server drains the rest
  // only briefly, then cuts the socket, so tell the client not to send its next request on it.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.raw.bodyUsed) return;
    const length = Number(c.req.header('content-length') ?? Number.NaN);
    if (!(length <= SMALL_UNREAD_BODY_BYTES)) c.res.headers.set('Connection', 'close');
  });

  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => errorResponse(c, 413, 'payload_too_large', `request body is larger than the limit of ${maxSize} bytes`),
    });
  const bodyLimitAll = limitTo(deps.config.bodyLimitBytes);
  // Every export must import again, whatever the body limit: the import takes at least a maximal export file.
  const bodyLimitImport = limitTo(Math.max(deps.config.bodyLimitBytes, MAX_EXPORT_FILE_BYTES));
  app.use('*', (c, next) => (c.req.method === 'POST' && c.req.path === IMPORT_PATH ? bodyLimitImport : bodyLimitAll)(c, next));

  app.route('/', statusRoutes(deps));
  app.route('/', openApiRoutes());
  app.route('/api/dashboards', shareRoutes(deps));
  app.route('/api/dashboards', dashboardRoutes(deps));
  app.route('/api/streams', streamRoutes(deps));
  app.route('/api/tokens', tokenRoutes(deps));
  app.route('/api/me', meRoutes(deps));
  app.route('/api/sources', sourceRoutes(deps));
  app.route('/widgets', smashingRoutes(deps));

  app.all('/api/*', (c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  const serveStatic = createStaticHandler(deps.config.webDir);
  app.get('*', serveStatic);

  app.onError(createErrorHandler(deps.log));
  app.notFound((c) => errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  return app;
}
