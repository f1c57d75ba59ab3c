import { applyMutation, createDashboard, type Dashboard } from '@pulseboard/model';
import type { EventMessage, ServerMessage } from '@pulseboard/protocol';

/** A dashboard `ops` with widgets a and b, at version 2, epoch e1. */
export function opsDashboard(): Dashboard {
  let doc = createDashboard({ id: 'ops', title: 'Ops', now: '2026-01-01T00:00:00.000Z' });
  for (const id of ['a', 'b']) {
    doc = applyMutation(doc, 'addWidget', { widget: { id, type: 'stat', title: id.toUpperCase() } }, { clientId: 'seed-client', mutationId: 1 }).doc;
  }
  return { ...doc, version: 2 };
}

/** Plays the server's log of one dashboard: applies mutations and yields the events. */
export class FakeDashboardLog {
  doc: Dashboard;
  epoch = 'e1';

  constructor(doc: Dashboard = opsDashboard()) {
    this.doc = doc;
  }

  subscribed(): ServerMessage {
    return { type: 'subscribed', topic: `dashboard:${this.doc.id}`, epoch: this.epoch, offset: this.doc.version, recovered: false, snapshot: this.doc };
  }

  /** Applies a mutation the way the server does and returns its event (null when not applied). */
  apply(clientId: string, mutationId: number, name: string, args: unknown, actor?: string): EventMessage | null {
    const outcome = applyMutation(this.doc, name, args, { clientId, mutationId, ...(actor ? { actor } : {}) });
    if (outcome.status !== 'applied' && outcome.status !== 'conflict') return null;
    const offset = this.doc.version + 1;
    const ts = Date.now();
    this.doc = { ...outcome.doc, version: offset, updatedAt: new Date(ts).toISOString() };
    return {
      type: 'event',
      topic: `dashboard:${this.doc.id}`,
      epoch: this.epoch,
      offset,
      ts,
      data: { kind: 'mutation', clientId, mutationId, name, args, status: outcome.status, touched: outcome.touched, conflicts: outcome.conflicts, ...(actor ? { actor } : {}) },
    };
  }
}

/** A fetch stub answering from a table of handlers; records every request. */
export function fakeFetch(handler: (method: string, path: string, init: RequestInit) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: Array<{ method: string; path: string; headers: Record<string, string>; body: unknown }> = [];
  const fn = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ method, path: url.pathname, headers, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const answer = handler(method, url.pathname, init);
    return new Response(answer.status === 304 || answer.status === 204 ? null : JSON.stringify(answer.body ?? null), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  }) as typeof fetch;
  return { fetch: fn, calls };
}
