import * as z from 'zod/mini';
import {
  pointValueSchema,
  slugSchema,
  streamKeySchema,
  type Dashboard,
  type DashboardPatch,
  type FieldConflict,
  type MutationStatus,
  type PointValue,
} from '@pulseboard/model';
import { MAX_POINTS_PER_REQUEST } from './http.js';

// `/* @__PURE__ */` marks each `.check()` and `z.int()` call side-effect-free (zod/mini's other
// builders are marked already), so a bundle drops the schemas it does not use: a browser
// client ships none of the client → server message schemas.

/** A position in a topic's log. `epoch` changes only when the log is reset. */
export const positionSchema = z.object({
  epoch: /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(64)),
  offset: /* @__PURE__ */ z.int().check(z.gte(0)),
});
export type Position = z.infer<typeof positionSchema>;

const topicSchema = /* @__PURE__ */ z.string().check(z.maxLength(200), z.regex(/^(dashboard|stream):.+$/, 'must be "dashboard:<id>" or "stream:<key>"'));

const requestId = z.union([/* @__PURE__ */ z.string().check(z.maxLength(64)), /* @__PURE__ */ z.int()]);

const pointInput = z.object({ ts: z.optional(/* @__PURE__ */ z.int().check(z.gte(0))), value: pointValueSchema });

/** A client install's id: 8–64 of `A-Za-z0-9_-` (WebSocket `hello`, HTTP mutation batches). */
export const clientIdSchema = /* @__PURE__ */ z.string().check(z.minLength(8), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"'));

// ---- client → server ------------------------------------------------------------------

export const helloSchema = z.object({
  type: z.literal('hello'),
  protocol: /* @__PURE__ */ z.int(),
  token: z.optional(/* @__PURE__ */ z.string().check(z.maxLength(512))),
  /** Stable per client install (persisted with its offline queue). */
  clientId: clientIdSchema,
  /** Shown to others as the author of this client's edits. */
  name: z.optional(/* @__PURE__ */ z.string().check(z.maxLength(100))),
  /** Optional encodings the client understands (see `Feature`); unknown ones are ignored. */
  features: z.optional(/* @__PURE__ */ z.array(/* @__PURE__ */ z.string().check(z.maxLength(64))).check(z.maxLength(32))),
});

export const subscribeSchema = z.object({
  type: z.literal('subscribe'),
  topic: topicSchema,
  since: z.optional(positionSchema),
});

export const unsubscribeSchema = z.object({ type: z.literal('unsubscribe'), topic: topicSchema });

export const mutateSchema = z.object({
  type: z.literal('mutate'),
  dashboardId: slugSchema,
  mutationId: /* @__PURE__ */ z.int().check(z.gte(1)),
  name: /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(64)),
  args: z.unknown(),
});

export const publishSchema = /* @__PURE__ */ z
  .object({
    type: z.literal('publish'),
    id: z.optional(requestId),
    stream: streamKeySchema,
    value: z.optional(pointValueSchema),
    points: z.optional(/* @__PURE__ */ z.array(pointInput).check(z.minLength(1), z.maxLength(MAX_POINTS_PER_REQUEST))),
  })
  .check(z.refine((m) => (m.value === undefined) !== (m.points === undefined), 'give exactly one of "value" or "points"'));

export const pingSchema = z.object({ type: z.literal('ping'), ts: z.optional(z.number()) });
export const pongSchema = z.object({ type: z.literal('pong'), ts: z.optional(z.number()) });

/**
 * Who is here and what they do, relayed to the other viewers of the dashboard (not stored):
 * a live drag/resize preview (`widgetId`, `layout`), whether they are editing, which widget
 * they have selected. `join: true` announces a new viewer; the others answer with theirs.
 */
export const presenceSchema = z.object({
  type: z.literal('presence'),
  dashboardId: slugSchema,
  widgetId: z.nullable(/* @__PURE__ */ z.string().check(z.maxLength(64))),
  layout: z.nullable(z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() })),
  editing: z.optional(z.boolean()),
  selectedId: z.optional(z.nullable(/* @__PURE__ */ z.string().check(z.maxLength(64)))),
  join: z.optional(z.boolean()),
});

/** Schemas of every message a client may send, keyed by `type`. */
export const clientMessageSchemas = {
  hello: helloSchema,
  subscribe: subscribeSchema,
  unsubscribe: unsubscribeSchema,
  mutate: mutateSchema,
  publish: publishSchema,
  ping: pingSchema,
  pong: pongSchema,
  presence: presenceSchema,
} as const;

export type HelloMessage = z.infer<typeof helloSchema>;
export type SubscribeMessage = z.infer<typeof subscribeSchema>;
export type UnsubscribeMessage = z.infer<typeof unsubscribeSchema>;
export type MutateMessage = z.infer<typeof mutateSchema>;
export type PublishMessage = z.infer<typeof publishSchema>;
export type PingMessage = z.infer<typeof pingSchema>;
export type PongMessage = z.infer<typeof pongSchema>;
export type PresenceMessage = z.infer<typeof presenceSchema>;
export type ClientMessage =
  | HelloMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | MutateMessage
  | PublishMessage
  | PingMessage
  | PongMessage
  | PresenceMessage;

// ---- server → client ------------------------------------------------------------------

/** A point as stored in a stream's log. */
export interface StreamPointEvent {
  ts: number;
  value: PointValue;
}

/** What a `dashboard:<id>` event carries. */
export type DashboardEventData =
  | {
      kind: 'mutation';
      clientId: string;
      mutationId: number;
      name: string;
      args: unknown;
      status: Extract<MutationStatus, 'applied' | 'conflict'>;
      touched: string[];
      conflicts: FieldConflict[];
      actor?: string;
      /**
       * What the mutation changed. A receiver applies it to its confirmed state instead of
       * re-running the mutator (absent from events written before it existed: re-run then).
       */
      patch?: DashboardPatch;
    }
  /** The whole document was replaced (HTTP PUT, import): clients reset to `doc`. */
  | { kind: 'replace'; doc: Dashboard }
  | { kind: 'deleted' };

export interface StreamSnapshot {
  key: string;
  /** Latest (merged) value, or null when nothing was pushed yet. */
  latest: PointValue | null;
  latestTs: number | null;
  /** Retained history, oldest first, each with its offset. */
  history: Array<StreamPointEvent & { offset: number }>;
}

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  connectionId: string;
  clientId: string;
  /** The last mutation of this client the server has applied (0 if none). */
  lastMutationId: number;
  heartbeatIntervalMs: number;
  serverTime: number;
  /** The `hello.features` the server granted (present only when the hello asked for some). */
  features?: string[];
  /** With `ts-base` granted: the time (ms) the times in compact rows are counted from. */
  tsBase?: number;
}

export interface SubscribedMessage {
  type: 'subscribed';
  topic: string;
  /** The topic's position this answer is based on. */
  epoch: string;
  offset: number;
  /**
   * true: every event after `since.offset` follows in order (replayed, then live).
   * false: `snapshot` is the state at `offset`; live events after it follow.
   */
  recovered: boolean;
  snapshot?: Dashboard | StreamSnapshot;
  /** `topic-ids` connections only: the id the server's compact events use for this topic and epoch. */
  id?: number;
}

export interface EventMessage {
  type: 'event';
  topic: string;
  epoch: string;
  offset: number;
  /** Server time the event was committed (ms since epoch). */
  ts: number;
  data: DashboardEventData | StreamPointEvent;
}

export interface AckMessage {
  type: 'ack';
  dashboardId: string;
  mutationId: number;
  status: MutationStatus;
  /** The event offset, for applied and conflict results. */
  offset?: number;
  conflicts?: FieldConflict[];
  error?: { code: string; message: string };
}

export interface PublishedMessage {
  type: 'published';
  id?: string | number;
  stream: string;
  offset: number;
}

export interface UnsubscribedMessage {
  type: 'unsubscribed';
  topic: string;
}

export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
  /** What the error is about, when it is about one message: its type and id/topic/mutationId. */
  ref?: { type?: string; id?: string | number; topic?: string; mutationId?: number };
  /** Machine-readable specifics, e.g. `{expected}` (the next mutationId) for out_of_order. */
  details?: Record<string, unknown>;
}

export interface ServerPresenceMessage {
  type: 'presence';
  topic: string;
  clientId: string;
  name?: string;
  widgetId: string | null;
  layout: { x: number; y: number; w: number; h: number } | null;
  editing?: boolean;
  selectedId?: string | null;
  /** A new viewer: answer with your own presence. */
  join?: boolean;
  /** The viewer left (unsubscribed or disconnected). */
  gone?: boolean;
}

/**
 * Wire form of several events of one topic with consecutive offsets (only to a client that
 * asked for the `event-rows` feature): row i is the event at `offset + i`, `[ts, value]`
 * for a `stream:` topic (the point's own `ts` follows as a 3rd element when it differs from
 * the commit `ts`) and `[ts, data]` for a `dashboard:` topic. `parseServerFrame` expands it
 * into `event` messages, so consumers never see it.
 */
export interface EventRowsMessage {
  type: 'events';
  topic: string;
  epoch: string;
  /** Offset of the first row. */
  offset: number;
  rows: Array<[number, unknown] | [number, unknown, number]>;
}

export type ServerMessage =
  | WelcomeMessage
  | SubscribedMessage
  | UnsubscribedMessage
  | EventMessage
  | AckMessage
  | PublishedMessage
  | ErrorMessage
  | ServerPresenceMessage
  | { type: 'ping'; ts: number }
  | { type: 'pong'; ts: number };
