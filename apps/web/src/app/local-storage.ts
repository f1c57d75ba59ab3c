/**
 * The page's localStorage, or null where there is none (outside a browser) or the browser
 * refuses it (storage disabled: reading `localStorage` itself throws). Callers still catch
 * their own reads and writes: private modes throw on `setItem` when full or disabled.
 */
export function localStorageOrNull(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
