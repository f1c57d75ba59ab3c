import { describe, expect, it } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import type { Principal } from './auth.js';
import { MemoryStorage } from './storage/memory-storage.js';
import { StreamAccess } from './stream-access.js';

const T0 = Date.UTC(2026, 0, 1);

function principal(scopes: Principal['scopes']): Principal {
  return { tokenId: 't', name: 't', role: 'scoped', kind: 'token', scopes };
}

async function setup() {
  const storage = new MemoryStorage();
  for (const id of ['ops', 'hr']) await storage.createDashboard(createDashboard({ id, title: id, now: new Date(T0).toISOString() }));
  let n = 0;
  const mutate = (dashboardId: string, name: string, args: unknown) => storage.applyMutation({ clientId: 'c1', mutationId: ++n, dashboardId, name, args }, T0);
  await mutate('ops', 'addWidget', { widget: { id: 'cpu', type: 'stat', stream: 'ops.cpu' } });
  await mutate('hr', 'addWidget', { widget: { id: 'pay', type: 'stat', stream: 'hr.pay' } });
  return { storage, access: new StreamAccess(storage), mutate };
}

describe('StreamAccess', () => {
  it('lets a token read the streams of the dashboards it may view, its push and read prefixes, and nothing else', async () => {
    const { access } = await setup();
    const viewOps = principal({ view: ['ops'] });
    expect(await access.canRead(viewOps, 'ops.cpu')).toBe(true);
    expect(await access.canRead(viewOps, 'hr.pay')).toBe(false);
    expect(await access.canRead(principal({ edit: ['*'] }), 'hr.pay')).toBe(true);
    expect(await access.canRead(principal({ push: ['hr.'] }), 'hr.pay')).toBe(true);
    expect(await access.canRead(principal({ view: ['ops'], read: ['hr.'] }), 'hr.pay')).toBe(true);
    const readable = await access.readable(viewOps);
    expect(['ops.cpu', 'hr.pay', 'other'].filter(readable)).toEqual(['ops.cpu']);
  });

  it('follows widget changes and deletions, whatever it cached before', async () => {
    const { storage, access, mutate } = await setup();
    const viewAll = principal({ view: ['*'] });
    expect(await access.canRead(viewAll, 'ops.cpu')).toBe(true);
    await mutate('ops', 'updateWidget', { id: 'cpu', set: { stream: 'ops.mem' } });
    expect(await access.canRead(viewAll, 'ops.cpu')).toBe(false);
    expect(await access.canRead(viewAll, 'ops.mem')).toBe(true);
    await storage.deleteDashboard('ops', T0);
    expect(await access.canRead(viewAll, 'ops.mem')).toBe(false);
    expect(await access.canRead(principal({ view: ['ops'] }), 'ops.mem')).toBe(false);
  });
});
