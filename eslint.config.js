// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The layers (DESIGN.md §1, docs/architecture.md): each workspace may import only the
 * @pulseboard packages listed here, and only their public entry (no `/src/` or other deep
 * paths). Tests and test-helper folders (`testing/`) may also import @pulseboard/testing.
 */
const LAYERS = {
  'packages/model': [],
  'packages/protocol': ['model'],
  'packages/client': ['model', 'protocol'],
  'packages/react': ['model', 'protocol', 'client'],
  'apps/web': ['model', 'protocol', 'client', 'react'],
  'packages/server': ['model', 'protocol'],
  'packages/testing': ['model', 'protocol', 'client', 'server'],
  bench: ['model', 'protocol', 'client', 'react', 'server'],
};
const ALL_PACKAGES = ['model', 'protocol', 'client', 'react', 'server', 'testing', 'web'];
const TEST_FILES = ['**/*.test.{ts,tsx}', '**/testing/**/*.{ts,tsx}'];

/** `no-restricted-imports` options allowing `allowed` packages' public entries and nothing else. */
function layerRule(dir, allowed) {
  const forbidden = ALL_PACKAGES.filter((name) => !allowed.includes(name) && `packages/${name}` !== dir);
  return [
    'error',
    {
      patterns: [
        ...(forbidden.length > 0
          ? [{ group: forbidden.map((name) => `@pulseboard/${name}`), message: `${dir} may import only ${allowed.map((n) => `@pulseboard/${n}`).join(', ') || 'no other @pulseboard package'} (layers: docs/architecture.md).` }]
          : []),
        { group: ['@pulseboard/*/**'], message: 'Import a package by its name (its public src/index.ts), not its internals.' },
        { regex: '^(\\.\\./)+((packages|apps)/)?(model|protocol|client|react|server|testing|web)/src/', message: 'Import another workspace by its package name, not by a relative path into its src/.' },
      ],
    },
  ];
}

const layerConfigs = [
  ...Object.entries(LAYERS).flatMap(([dir, allowed]) => [
    { files: [`${dir}/**/*.{ts,tsx}`], rules: { 'no-restricted-imports': layerRule(dir, allowed) } },
    {
      files: TEST_FILES.map((glob) => `${dir}/${glob}`),
      rules: { 'no-restricted-imports': layerRule(dir, [...allowed, 'testing']) },
    },
  ]),
  // The CLI's client commands are a client of the server: `pulseboard push` uses the Pusher.
  { files: ['packages/server/src/cli.ts'], rules: { 'no-restricted-imports': layerRule('packages/server', [...LAYERS['packages/server'], 'client']) } },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'apps/web/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...layerConfigs,
  // The service worker's source: the build replaces PULSEBOARD_BUILD with its asset list (apps/web/vite.config.ts).
  { files: ['apps/web/src/sw.js'], languageOptions: { globals: { ...globals.serviceworker, PULSEBOARD_BUILD: 'readonly' } } },
  {
    files: ['packages/react/**/*.{ts,tsx}', 'apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
