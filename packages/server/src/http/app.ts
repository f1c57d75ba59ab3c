import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
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

  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: (c) => errorResponse(c, 413, 'payload_too_large', `request body is larger than the limit of ${deps.config.bodyLimitBytes} bytes`),
    }),
  );

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
