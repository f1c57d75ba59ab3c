/** Shapes shared by the bench's processes (orchestrator, server hosts, client fleet). */

/**
 * The servers under test: bare `ws` unbatched (one frame per update per client), bare `ws`
 * batched per event-loop tick and every 16 ms, Socket.IO batched every 16 ms, Pulseboard
 * (clients asking for the `event-rows` and `topic-ids` encodings, as @pulseboard/client does)
 * and, on request, Pulseboard with clients that do not (`pulseboard-events`: the `event` form)
 * and Pulseboard with a 16 ms flush window (`pulseboard-16ms`: `--ws-flush-window 16ms`, the
 * baseline's batching, against the default 4 ms).
 */
export const SERVER_KINDS = ['ws', 'ws-tick', 'ws-16ms', 'socketio', 'pulseboard-events', 'pulseboard-16ms', 'pulseboard'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What runs unless --servers says otherwise. */
export const DEFAULT_SERVER_KINDS: ServerKind[] = ['ws', 'ws-tick', 'ws-16ms', 'socketio', 'pulseboard'];

/** A Pulseboard server (whatever encoding its clients ask for). */
export function isPulseboard(kind: ServerKind): boolean {
  return kind === 'pulseboard' || kind === 'pulseboard-events' || kind === 'pulseboard-16ms';
}

/** The baseline of the headline ratio (Pulseboard ÷ this): bare ws batching every 16 ms. */
export const HEADLINE_BASELINE: ServerKind = 'ws-16ms';

/** Human names for tables. */
export const SERVER_LABELS: Record<ServerKind, string> = {
  ws: 'ws unbatched',
  'ws-tick': 'ws batched/tick',
  'ws-16ms': 'ws batched/16ms',
  socketio: 'Socket.IO batched/16ms',
  'pulseboard-events': 'Pulseboard (event form)',
  'pulseboard-16ms': 'Pulseboard, 16 ms window',
  pulseboard: 'Pulseboard',
};

/** Speaks the Pulseboard protocol over plain WebSocket (everything but Socket.IO). */
export function speaksPulseboardProtocol(kind: ServerKind): boolean {
  return kind !== 'socketio';
}

/** What a server host reports once it listens. */
export interface ServerInfo {
  kind: ServerKind;
  /** HTTP base URL. */
  url: string;
  /** What clients connect to: ws://…/ws, or the Socket.IO base URL. */
  wsUrl: string;
  port: number;
  /** Bearer token with push and view rights (Pulseboard only). */
  token?: string | undefined;
  pid: number;
}

export interface HostStats {
  cpu: NodeJS.CpuUsage;
  elu: { idle: number; active: number };
  memory: NodeJS.MemoryUsage;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The fleet's account of what its clients received since the last `reset`. */
export interface FleetReport {
  clients: number;
  /** Events received, all clients together. */
  received: number;
  /** Fewest and most events any one client received. */
  minPerClient: number;
  maxPerClient: number;
  /** Frames received (a batched frame counts once). */
  frames: number;
  /** Events whose offset was <= the last one seen on that topic by that client. */
  duplicates: number;
  /** Events whose offset skipped ahead (count of skipped offsets). */
  missing: number;
  latency: LatencySummary | null;
  /** Sockets that closed without being asked to, by close code. */
  unexpectedCloses: Record<string, number>;
  /** First few `error` messages from the server. */
  errors: string[];
  /** The fleet's own CPU time over the same span (ms). */
  cpuMs: number;
  /** The fleet's event-loop utilisation over the span (the busiest fleet process): near 1, the clients, not the server, set the pace. */
  busy: number;
  /** Bytes of the frames received (UTF-8 payload), all clients together. */
  bytes: number;
  /** Raw publish-to-receive samples (ms), when asked for (merging several fleet processes). */
  samples?: Float64Array;
}
