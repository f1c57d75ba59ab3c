/**
 * Registers the app-shell service worker (public/sw.js) in production builds, so the app
 * opens offline and shows its queued edits. Never in development: Vite serves modules.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((error: unknown) => console.warn('service worker registration failed', error));
  });
}
