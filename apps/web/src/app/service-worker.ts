/**
 * How long after the page's `load` event the app-shell worker is registered. Its install
 * downloads the whole build into its cache, which on a first visit would compete with the
 * dashboard's first render for the CPU: registering at `load` made a cold load's first live
 * value ~10 % later here (BENCHMARKS.md, "Session 7").
 */
export const SERVICE_WORKER_DELAY_MS = 2_000;

/**
 * Registers the app-shell service worker (dist/sw.js, written by the build from src/sw.js)
 * in production builds, SERVICE_WORKER_DELAY_MS after the page has loaded, so the app opens
 * offline and shows its queued edits. Never in development: Vite serves modules.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    setTimeout(() => {
      navigator.serviceWorker.register('./sw.js').catch((error: unknown) => console.warn('service worker registration failed', error));
    }, SERVICE_WORKER_DELAY_MS);
  });
}
