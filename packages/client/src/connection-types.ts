/** The connection's public shapes: its lifecycle states, snapshot and handle, and the WebSocket surface it needs. */
import type { ExternalStore } from './types.js';

/** The connection lifecycle; see the diagram in websocket-manager.ts. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed' | 'fatal';

/** Why the connection failed last; `closeCode` when the socket was closed with one. */
export interface ConnectionError {
  /**
   * `closed`, `connect_timeout`, `heartbeat_timeout`, `offline`, `lagging` (cut for not
   * keeping up; reconnecting at once), `unknown_topic_id` (the server sent events under a
   * topic id it never told this connection: reconnecting, resuming every topic), …; in the `fatal` state the server's close reason
   * (`unauthorized`, `token_revoked`, `token_expired`, `client_id_in_use`), or `fatal_close`.
   */
  code: string;
  message: string;
  closeCode?: number;
}

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Consecutive failed attempts since the last successful welcome. */
  attempt: number;
  lastError: ConnectionError | null;
  /** When the next automatic attempt is due (ms since epoch), while reconnecting. */
  nextRetryAt: number | null;
  /** Round trip of the last heartbeat. */
  latencyMs: number | null;
  connectionId: string | null;
  /** When the current connection got its welcome (ms since epoch). */
  connectedAt: number | null;
  /** Successful connections after the first one. */
  reconnects: number;
}

export interface ConnectionHandle extends ExternalStore<ConnectionSnapshot> {
  /** Skips the backoff wait (or leaves `fatal`/`offline`) and connects now. */
  reconnectNow(): void;
}

/** The minimal WebSocket surface the client uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;
