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
      // Unwatched, a theme change would not bump the version: read the variables afresh next time.
      cachedVersion = -1;
    }
  };
}

/** A number that changes whenever the theme does. */
export function getThemeVersion(): number {
  return version;
}

/** The theme's variables read so far, for the theme `cachedVersion` names. */
const themeVars = new Map<string, string>();
let cachedVersion = -1;
let rootStyle: CSSStyleDeclaration | null = null;

/**
 * A theme variable (e.g. `--pb-series-1`, set on `:root`) as resolved now, or `fallback`.
 * Read once per theme: `getComputedStyle` after a DOM change recalculates the page's style,
 * so reading it per chart made a 40-widget board recalculate style once per line chart.
 */
export function readThemeVar(name: string, fallback: string): string {
  if (typeof getComputedStyle !== 'function' || typeof document === 'undefined') return fallback;
  if (cachedVersion !== version) {
    themeVars.clear();
    rootStyle = getComputedStyle(document.documentElement);
    cachedVersion = version;
  }
  let value = themeVars.get(name);
  if (value === undefined) {
    value = rootStyle?.getPropertyValue(name).trim() ?? '';
    themeVars.set(name, value);
  }
  return value || fallback;
}

/** `#rrggbb`/`#rgb` with an alpha (0–1) as `#rrggbbaa`; other colour syntaxes become transparent. */
export function withAlpha(color: string, alpha: number): string {
  const hex = color.trim().replace(/^#/, '');
  const full = /^[0-9a-f]{3}$/i.test(hex) ? hex.split('').map((c) => c + c).join('') : hex;
  if (!/^[0-9a-f]{6}$/i.test(full)) return 'transparent';
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255).toString(16).padStart(2, '0');
  return `#${full}${a}`;
}
