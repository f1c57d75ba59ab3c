import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './child-server.js';

const PUBLISHED = ['model', 'protocol', 'client', 'react'];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

async function manifest(name: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, 'packages', name, 'package.json'), 'utf8')) as Manifest;
}

/** The packages a published package's shipped sources import (tests and test helpers excluded). */
async function importedPackages(name: string): Promise<Set<string>> {
  const dir = path.join(REPO_ROOT, 'packages', name, 'src');
  const found = new Set<string>();
  for (const file of await readdir(dir, { recursive: true })) {
    if (!/\.tsx?$/.test(file) || /\.test\.tsx?$|\.contract\.ts$/.test(file) || file.split(path.sep).includes('testing')) continue;
    const text = await readFile(path.join(dir, file), 'utf8');
    for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^'.][^']*)'/gm)) {
      const parts = specifier!.split('/');
      found.add(specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return found;
}

describe('published package manifests', () => {
  it('declare every package their sources import, as a dependency or a peer', async () => {
    for (const name of PUBLISHED) {
      const m = await manifest(name);
      const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
      const imported = await importedPackages(name);
      expect(imported.size, name).toBeGreaterThan(0);
      expect([...imported].filter((p) => !declared.has(p)), `${m.name} imports undeclared packages`).toEqual([]);
      expect([...declared].filter((p) => !imported.has(p)), `${m.name} declares packages it does not import`).toEqual([]);
    }
  });

  it('move in step: one version, internal dependencies pinned to it, none private', async () => {
    const manifests = await Promise.all(PUBLISHED.map(manifest));
    const version = manifests[0]!.version;
    for (const m of manifests) {
      expect(m.version, m.name).toBe(version);
      expect(m.private, m.name).toBeUndefined();
      for (const [dep, range] of Object.entries(m.dependencies ?? {})) if (dep.startsWith('@pulseboard/')) expect(range, `${m.name} → ${dep}`).toBe(version);
    }
  });

  it('keep React a peer (≥ 18) of @pulseboard/react and bring no react-dom', async () => {
    const react = await manifest('react');
    expect(react.peerDependencies).toEqual({ react: '>=18' });
    expect(react.dependencies?.react).toBeUndefined();
    expect(react.dependencies?.['react-dom']).toBeUndefined();
  });
});
