import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (unit and integration tests, real servers on port 0, real SQLite,
 * PostgreSQL and Redis where the test needs them), `web` (the web app's, rendered with Preact
 * as it ships) and `e2e` (real Chromium through playwright-core, against a built web app).
 * `npm test` runs all three. All resolve @pulseboard/* to their sources through
 * tsconfig.json's `paths` (no build step).
 */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      // The web app's tests, with Preact as it ships: apps/web/vitest.config.ts.
      'apps/web/vitest.config.ts',
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/web/e2e/**/*.test.ts', 'e2e-embedding/*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
