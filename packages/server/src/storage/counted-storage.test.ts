import { describe, expect, it } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import { countStorageReads, type StorageReadMethod } from './counted-storage.js';
import { MemoryStorage } from './memory-storage.js';

describe('countStorageReads', () => {
  it('counts each read call by method and passes writes and results through unchanged', async () => {
    const reads: StorageReadMethod[] = [];
    const storage = countStorageReads(new MemoryStorage(), (method) => reads.push(method));
    await storage.createDashboard(createDashboard({ id: 'a', title: 'A', now: new Date(0).toISOString() }));
    expect(reads).toEqual([]);
    expect(await storage.getDashboard('a')).toMatchObject({ id: 'a', version: 0 });
    await storage.getSnapshot('dashboard:a');
    await storage.readEvents('dashboard:a', 0, 10);
    expect(reads).toEqual(['getDashboard', 'getSnapshot', 'readEvents']);
    expect(storage.kind).toBe('memory');
  });
});
