/**
 * What the built web app loads: the chunks of the entry (Vite's manifest, static imports
 * only) and the scripts a page actually requested, to check that a viewer or a wallboard
 * fetches nothing it does not need (the editor, react-grid-layout, uPlot, markdown).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './harness';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

const MANIFEST = path.join(REPO_ROOT, 'apps/web/dist/.vite/manifest.json');

const readManifest = () => JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, ManifestChunk>;

/** The file of the chunk a source module starts (`src/app/editor.ts` → `assets/editor-….js`). */
export function chunkOf(source: string): string {
  const chunk = readManifest()[source];
  if (!chunk) throw new Error(`${source} starts no chunk of the build (see ${MANIFEST})`);
  return chunk.file;
}

/** The files the index.html entry loads up front: itself and its static imports, recursively. */
export function initialScripts(): Set<string> {
  const manifest = readManifest();
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(Object.keys(manifest).find((key) => manifest[key]!.isEntry && key.endsWith('index.html'))!);
  return files;
}

/** Collects into `scripts` the path (`assets/x.js`) of every script `page` requests from now on. */
export function collectScripts(page: Page, scripts: string[] = []): string[] {
  page.on('request', (request) => {
    const file = new URL(request.url()).pathname.replace(/^\//, '');
    if (request.resourceType() === 'script' && file.startsWith('assets/')) scripts.push(file);
  });
  return scripts;
}

/** The requested scripts that are not part of the entry: chunks loaded on demand. */
export function lazyScripts(requested: readonly string[]): string[] {
  const initial = initialScripts();
  return [...new Set(requested)].filter((file) => !initial.has(file));
}
