import { writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsdown';
import type * as Model from '@pulseboard/model';

/** Writes model's export-file JSON Schema beside its build (published as a subpath). */
async function writeExportSchema(): Promise<void> {
  const model = (await import(new URL('./packages/model/dist/index.js', import.meta.url).href)) as typeof Model;
  await writeFile(new URL('./packages/model/dist/export-file.schema.json', import.meta.url), JSON.stringify(model.exportFileJsonSchema(), null, 2) + '\n');
}

/**
 * Builds the published packages (model, protocol, client, react) to ESM + .d.ts + source
 * maps in each package's dist/ (`npm run build:packages`). Dependencies and peers stay
 * external, so each package ships only its own code. Inside the monorepo nothing needs
 * this build: the `@pulseboard/source` export condition points tools at src/.
 */
export default defineConfig(
  ['model', 'protocol', 'client', 'react'].map((name) => ({
    name: `@pulseboard/${name}`,
    cwd: `packages/${name}`,
    entry: ['src/index.ts'],
    format: 'esm' as const,
    platform: 'neutral' as const,
    target: 'es2022',
    outDir: 'dist',
    fixedExtension: false,
    dts: true,
    sourcemap: true,
    clean: true,
    tsconfig: '../../tsconfig.build.json',
    ...(name === 'model' ? { onSuccess: writeExportSchema } : {}),
  })),
);
