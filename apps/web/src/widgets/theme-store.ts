/**
 * Tells canvas-drawn widgets (uPlot) when the theme changes, since canvas colours do not
 * follow CSS variables by themselves: a counter bumped on a `prefers-color-scheme` change
 * or when `data-theme` on the root element changes.
 */
type Listener = () => void;

let version = 0;
const listeners = new Set<Listener>();
let teardown: (() => void) | null = null;

function notify(): void {
  version++;
  for (const listener of [...listeners]) listener();
}

function start(): () => void {
  const stops: Array<() => void> = [];
  if (typeof window !== 'undefined' && typeof window.matchMedia === 'function') {
    const query = window.matchMedia('(prefers-color-scheme: light)');
    query.addEventListener?.('change', notify);
    stops.push(() => query.removeEventListener?.('change', notify));
  }
  if (typeof document !== 'undefined' && typeof MutationObserver !== 'undefined') {
    const observer = new MutationObserver(notify);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    stops.push(() => observer.disconnect());
  }
  return () => stops.forEach((stop) => stop());
}

/** Subscribes to theme changes; the watchers run only while someone listens. */
export function subscribeTheme(listener: Listener): () => void {
  listeners.add(listener);
  teardown ??= start();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && teardown) {
      teardown();
      teardown = null;
    }
  };
}

/** A number that changes whenever the theme does. */
export function getThemeVersion(): number {
  return version;
}

/** Reads a CSS custom property as resolved on `el` (e.g. `--pb-series-1`), or `fallback`. */
export function readCssVar(el: Element, name: string, fallback: string): string {
  if (typeof getComputedStyle !== 'function') return fallback;
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

/** `#rrggbb`/`#rgb` with an alpha (0–1) as `#rrggbbaa`; other colour syntaxes become transparent. */
export function withAlpha(color: string, alpha: number): string {
  const hex = color.trim().replace(/^#/, '');
  const full = /^[0-9a-f]{3}$/i.test(hex) ? hex.split('').map((c) => c + c).join('') : hex;
  if (!/^[0-9a-f]{6}$/i.test(full)) return 'transparent';
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255).toString(16).padStart(2, '0');
  return `#${full}${a}`;
}
