/**
 * Runs the fuzz generators against a real server: WebSocket frames over several
 * connections (reconnecting after every close) and HTTP requests with some concurrency.
 * Every answer is classified (answer-classes.ts); after each batch of frames a marker
 * publish must be answered, so a stuck connection shows up as a violation too.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { Feature, PROTOCOL_VERSION, ServerFrameDecoder, type ServerMessage } from '@pulseboard/protocol';
import { classifyClose, classifyHttp, classifyMessage, Tally } from './answer-classes.js';
import { FUZZ_DASHBOARD } from './fuzz-values.js';
import { anyRequest, type FuzzRequest, type TokenKind } from './http-requests.js';
import { anyFrame, withMutationId, type FuzzFrame } from './ws-frames.js';

/** Where to fuzz: the server's base URL and the secrets of the tokens the requests may carry. */
export interface FuzzTarget {
  url: string;
  tokens: Record<Exclude<TokenKind, 'none'>, string>;
}

export interface FuzzOptions {
  seed: number;
  frames: number;
  requests: number;
  /** Concurrent WebSocket connections (default 8) and HTTP requests in flight (default 8). */
  connections?: number;
  concurrency?: number;
  /** Frames sent before each marker (default 50). */
  batch?: number;
  /** Longest wait for a marker's answer before the connection counts as stuck (default 20 s). */
  markerTimeoutMs?: number;
}

export interface FuzzReport {
  frames: number;
  requests: number;
  /** Frames sent per generator kind, requests per route. */
  sent: Tally;
  /** Answers per class; `VIOLATION` counts the broken rules. */
  answers: Tally;
}

/** Values the generators make, `count` of them, the same for the same seed. */
function* generate<T>(arb: fc.Arbitrary<T>, seed: number, count: number): Generator<T> {
  const CHUNK = 500;
  for (let done = 0, chunk = 0; done < count; chunk++) {
    const n = Math.min(CHUNK, count - done);
    yield* fc.sample(arb, { seed: seed + chunk * 7919, numRuns: n });
    done += n;
  }
}

/** Creates the dashboard the fuzzers edit, and a view-only and a push-only token. */
export async function prepareTarget(url: string, adminToken: string): Promise<FuzzTarget> {
  const call = async (method: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };
  for (const id of [FUZZ_DASHBOARD, 'fuzz-other', 'fuzz-deletable']) await call('POST', '/api/dashboards', { id, title: id });
  const view = await call('POST', '/api/tokens', { name: 'fuzz view', scopes: { view: [FUZZ_DASHBOARD] } });
  const push = await call('POST', '/api/tokens', { name: 'fuzz push', scopes: { push: ['fuzz.'] } });
  return { url, tokens: { admin: adminToken, view: String(view.token), push: String(push.token), garbage: 'pb_garbage-token-that-does-not-exist' } };
}

/** A WebSocket connection that said hello and counts what it is answered. */
class FuzzConnection {
  readonly ws: WebSocket;
  readonly closed: Promise<void>;
  #waiting: { id: string; resolve: () => void } | null = null;
  #nextMutationId = 1;

  constructor(url: string, tally: Tally, context: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    // One per connection, as a client keeps it: topic ids are learnt anew on every connection.
    const decoder = new ServerFrameDecoder({ onUnknownId: (id) => tally.violation(`${context}: events under topic id ${id}, which the server never told this connection`) });
    this.ws.on('message', (data: Buffer) => {
      let messages: ServerMessage[];
      try {
        messages = decoder.decode(data.toString('utf8'));
      } catch {
        tally.violation(`${context}: a server frame that is not JSON`);
        return;
      }
      for (const m of messages) {
        if (m.type === 'welcome') this.#nextMutationId = m.lastMutationId + 1;
        if (m.type === 'error' && m.code === 'out_of_order' && typeof m.details?.expected === 'number') this.#nextMutationId = m.details.expected;
        const markerId = m.type === 'published' ? m.id : m.type === 'error' && m.ref?.type === 'publish' ? m.ref.id : undefined;
        if (this.#waiting && markerId === this.#waiting.id) {
          this.#waiting.resolve();
          continue;
        }
        // A marker dropped by the rate limiter is answered by the report naming it (contract C4).
        const droppedIds = m.type === 'error' && m.code === 'rate_limited' ? (m.details?.publishIds as unknown[] | undefined) : undefined;
        if (this.#waiting && droppedIds?.includes(this.#waiting.id)) this.#waiting.resolve();
        classifyMessage(m, tally, context);
      }
    });
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        if (code !== 1000 || reason.length > 0) classifyClose(code, reason.toString('utf8'), tally, context);
        this.#waiting?.resolve();
        resolve();
      });
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  nextMutationId(): number {
    return this.#nextMutationId++;
  }

  send(data: string | Buffer, binary = false): void {
    if (this.open) this.ws.send(data, { binary });
  }

  /** Sends a marker publish and resolves once it is answered or the connection closed; false after the timeout. */
  marker(id: string, timeoutMs: number): Promise<boolean> {
    if (!this.open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = null;
        resolve(false);
      }, timeoutMs);
      this.#waiting = {
        id,
        resolve: () => {
          clearTimeout(timer);
          this.#waiting = null;
          resolve(true);
        },
      };
      this.send(JSON.stringify({ type: 'publish', id, stream: 'fuzz.marker', value: 1 }));
    });
  }
}

/** Half the workers ask for the compact encodings the client core uses, so the server's both paths are fuzzed. */
const COMPACT_FEATURES = [Feature.EVENT_ROWS, Feature.TOPIC_IDS, Feature.TS_BASE];

async function openConnection(target: FuzzTarget, tally: Tally, context: string, clientId: string, features?: string[]): Promise<FuzzConnection> {
  const conn = new FuzzConnection(target.url, tally, context);
  await new Promise<void>((resolve) => {
    conn.ws.once('open', () => resolve());
    void conn.closed.then(() => resolve());
  });
  conn.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: target.tokens.admin, clientId, name: 'fuzz', ...(features ? { features } : {}) }));
  return conn;
}

/** Sends `frames` fuzzed frames over `connections` connections; returns what was sent and answered. */
export async function fuzzWebSocket(target: FuzzTarget, options: FuzzOptions, sent: Tally, answers: Tally): Promise<void> {
  const connections = options.connections ?? 8;
  const batch = options.batch ?? 50;
  const markerTimeoutMs = options.markerTimeoutMs ?? 20_000;
  const perWorker = Math.ceil(options.frames / connections);
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      const context = `ws worker ${worker} (seed ${options.seed})`;
      const clientId = `fuzz-${options.seed}-${worker}`;
      const features = worker % 2 === 1 ? COMPACT_FEATURES : undefined;
      let conn = await openConnection(target, answers, context, clientId, features);
      let pending: FuzzFrame[] = [];
      let markers = 0;
      const flush = async (): Promise<void> => {
        for (const frame of pending) {
          if (!conn.open) {
            await conn.closed;
            conn = await openConnection(target, answers, context, clientId, features);
          }
          conn.send(typeof frame.data === 'string' ? withMutationId(frame.data, () => conn.nextMutationId()) : frame.data, frame.binary);
        }
        pending = [];
        if (!(await conn.marker(`marker-${worker}-${++markers}`, markerTimeoutMs))) answers.violation(`${context}: marker ${markers} not answered within ${markerTimeoutMs} ms (stuck)`);
      };
      for (const frame of generate(anyFrame, options.seed * 1000 + worker, perWorker)) {
        sent.add(`frame ${frame.kind}`);
        pending.push(frame);
        if (pending.length >= batch) await flush();
      }
      await flush();
      conn.ws.close(1000);
      await conn.closed;
    }),
  );
}

async function send(target: FuzzTarget, request: FuzzRequest, answers: Tally, context: string): Promise<void> {
  const headers: Record<string, string> = {};
  if (request.token !== 'none') headers.authorization = `Bearer ${target.tokens[request.token]}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  const body = request.body?.replace('"__ADMIN__"', JSON.stringify(target.tokens.admin));
  try {
    const res = await fetch(target.url + request.path, { method: request.method, headers, ...(body === undefined || request.method === 'GET' ? {} : { body }) });
    classifyHttp(res.status, await res.text(), answers, `${context}: ${request.method} ${request.path.slice(0, 80)}`);
  } catch (error) {
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    answers.violation(`${context}: ${request.method} ${request.path.slice(0, 80)} failed: ${(error as Error).message} (${cause?.code ?? ''} ${cause?.message ?? ''})`);
  }
}

/** Sends `requests` fuzzed HTTP requests, `concurrency` at a time. */
export async function fuzzHttp(target: FuzzTarget, options: FuzzOptions, sent: Tally, answers: Tally): Promise<void> {
  const concurrency = options.concurrency ?? 8;
  const iterator = generate(anyRequest, options.seed, options.requests);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        sent.add(`request ${next.value.kind}`);
        await send(target, next.value, answers, `http (seed ${options.seed})`);
      }
    }),
  );
}

/** Runs both fuzzers against `target` at once. */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const sent = new Tally();
  const answers = new Tally();
  await Promise.all([fuzzWebSocket(target, options, sent, answers), fuzzHttp(target, options, sent, answers)]);
  return { frames: sent.total('frame '), requests: sent.total('request '), sent, answers };
}
