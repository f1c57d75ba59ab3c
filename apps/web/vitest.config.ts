import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { PREACT_ALIASES } from './preact-aliases';

/**
 * The `web` project of the repository's vitest.config.ts: the web app's unit tests, rendering
 * with Preact as the app ships (preact-aliases.ts), through @testing-library/preact.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { tsconfigPaths: true, alias: PREACT_ALIASES },
  test: {
    name: 'web',
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // ES-module React libraries run through the aliases, as the build bundles them (loaded as they
    // are, they would load React itself).
    server: { deps: { inline: [/\/react-markdown\//, /\/hast-util-to-jsx-runtime\//] } },
  },
});
