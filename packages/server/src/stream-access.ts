import { dashboardTopic } from '@pulseboard/protocol';
import { canAccessDashboard, canReadStreamByScope, type Principal } from './auth.js';
import type { Storage } from './storage/storage.js';

/** Most dashboards whose stream lists are kept; past it the cache starts over. */
const MAX_CACHED_DASHBOARDS = 10_000;

interface CachedStreams {
  /** `epoch:offset` of the dashboard when its streams were read: any change reads them again. */
  position: string;
  streams: ReadonlySet<string>;
}

/**
 * Who may read which stream: the admin every stream; a token those its push or `read`
 * prefixes match, and those the widgets of the dashboards it may view reference. Stream
 * lists are cached per dashboard and checked against its position, so no event (local or
 * from another node) is needed to keep them current.
 */
export class StreamAccess {
  readonly #storage: Storage;
  readonly #cache = new Map<string, CachedStreams>();

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** True when the principal may read `stream:<key>`. */
  async canRead(principal: Principal, key: string): Promise<boolean> {
    if (canReadStreamByScope(principal, key)) return true;
    // Fast path: a dashboard already known to show the key, checked to be still current.
    for (const [id, cached] of this.#cache) {
      if (cached.streams.has(key) && canAccessDashboard(principal, id, 'view') && (await this.#streamsOf(id)).has(key)) return true;
    }
    for (const id of await this.#viewableDashboards(principal)) {
      if ((await this.#streamsOf(id)).has(key)) return true;
    }
    return false;
  }

  /** A check for many keys at once (listings): the dashboards are read once. */
  async readable(principal: Principal): Promise<(key: string) => boolean> {
    if (principal.role === 'admin') return () => true;
    const referenced = new Set<string>();
    for (const id of await this.#viewableDashboards(principal)) for (const key of await this.#streamsOf(id)) referenced.add(key);
    return (key) => referenced.has(key) || canReadStreamByScope(principal, key);
  }

  async #viewableDashboards(principal: Principal): Promise<string[]> {
    const { view = [], edit = [] } = principal.scopes;
    if (view.includes('*') || edit.includes('*')) {
      return (await this.#storage.listDashboards()).map((d) => d.id).filter((id) => canAccessDashboard(principal, id, 'view'));
    }
    return [...new Set([...view, ...edit])];
  }

  /** The stream keys the widgets of a dashboard reference (empty for an unknown one). */
  async #streamsOf(dashboardId: string): Promise<ReadonlySet<string>> {
    const head = await this.#storage.getHead(dashboardTopic(dashboardId)).catch(() => null);
    if (!head) {
      this.#cache.delete(dashboardId);
      return new Set();
    }
    const position = `${head.epoch}:${head.offset}`;
    const cached = this.#cache.get(dashboardId);
    if (cached?.position === position) return cached.streams;
    const doc = await this.#storage.getDashboard(dashboardId);
    if (!doc) return new Set();
    const streams = new Set<string>();
    for (const widget of Object.values(doc.widgets)) if (widget.stream) streams.add(widget.stream);
    if (this.#cache.size >= MAX_CACHED_DASHBOARDS) this.#cache.clear();
    // Keyed by the document's own version: a write between getHead and getDashboard is read again next time.
    this.#cache.set(dashboardId, { position: `${head.epoch}:${doc.version}`, streams });
    return streams;
  }
}
