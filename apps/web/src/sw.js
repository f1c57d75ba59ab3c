/*
 * Pulseboard app-shell service worker: the page and every built asset open offline.
 *
 * The build (vite.config.ts, `serviceWorker()`) writes this file to dist/sw.js with the
 * placeholder below replaced by the build's asset list and a version made from their hashed
 * names, so each build is a new worker with a cache of its own:
 * - install: the shell and every asset go into the build's cache (`cache.addAll`), so every
 *   part of the app opens offline, not only those this browser happened to open online;
 * - activate: earlier builds' caches are deleted; navigation preload is turned on, so the
 *   browser sends a navigation's request while it starts this worker;
 * - navigations: network first (the preloaded response when there is one), the cached shell
 *   offline. Assets: cache first (their names change with their content), the network for
 *   anything not precached; where the browser has static routes, served from the cache by the
 *   browser itself (`addRoutes`), the worker not started for them. The API and the socket are never cached: live data and edits go
 *   through the client core and its offline queue.
 */
const BUILD = PULSEBOARD_BUILD;
const CACHE_PREFIX = 'pulseboard-';
const CACHE = `${CACHE_PREFIX}${BUILD.version}`;
const SHELL = ['./', './index.html', './favicon.svg'];

/** Where the build's hashed files are, as a URL pattern's pathname (the worker sits beside index.html). */
const ASSETS_PATHNAME = new URL('./assets/*', self.location).pathname;

self.addEventListener('install', (event) => {
  event.waitUntil(
    Promise.all([
      caches.open(CACHE).then((cache) => cache.addAll([...SHELL, ...BUILD.assets])),
      // Where the browser has static routes (Chromium 123+), the hashed files come straight
      // from this build's cache without starting the worker: no fetch event in a page load's path.
      typeof event.addRoutes === 'function'
        ? event.addRoutes([{ condition: { urlPattern: { pathname: ASSETS_PATHNAME }, requestMethod: 'GET' }, source: { cacheName: CACHE } }]).catch(() => undefined)
        : undefined,
    ]).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    Promise.all([
      caches.keys().then((keys) => Promise.all(keys.filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE).map((key) => caches.delete(key)))),
      self.registration.navigationPreload ? self.registration.navigationPreload.enable() : undefined,
    ]).then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws') || url.pathname.startsWith('/widgets/') || url.pathname === '/metrics') return;

  if (request.mode === 'navigate') {
    event.respondWith(
      Promise.resolve(event.preloadResponse)
        .then((preloaded) => preloaded || fetch(request))
        .then((response) => {
          // Keeps the offline shell as the server last sent it.
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put('./index.html', copy));
          }
          return response;
        })
        .catch(() => caches.match('./index.html').then((cached) => cached || Response.error())),
    );
    return;
  }

  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ||
        fetch(request).then((response) => {
          if (response.ok && (url.pathname.includes('/assets/') || SHELL.some((p) => url.pathname.endsWith(p.slice(1))))) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
