import { fileURLToPath } from 'node:url';
import type { Alias } from 'vite';

/**
 * The web app runs on Preact through `preact/compat`, not on React: its code and its
 * libraries (react-grid-layout, react-markdown, @pulseboard/react) import `react` and
 * `react-dom`, and these aliases hand them Preact's implementation of the same API at build
 * time. A viewer's initial JS is then 57 KB gzipped instead of 116, and a share link shows its
 * first live value ~70–100 ms sooner (BENCHMARKS.md, "Session 9"). The TypeScript types stay
 * React's: the code is written, and type-checked, against React's API.
 *
 * Used by vite.config.ts (the build and dev server) and by vitest.config.ts's `web` project,
 * so the web app's tests render with what ships. @pulseboard/react's own tests keep React:
 * it is a library for React apps.
 */
export const PREACT_ALIASES: Alias[] = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
  // preact/compat with React's useSyncExternalStore semantics (src/react-on-preact.ts).
  { find: /^react$/, replacement: fileURLToPath(new URL('./src/react-on-preact.ts', import.meta.url)) },
];
