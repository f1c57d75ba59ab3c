/**
 * Baselines: a bare `ws` server that speaks just enough of the Pulseboard protocol for the
 * bench (hello, subscribe, publish, ping): no validation, no storage, no backpressure. Each
 * update is serialised once. Unbatched (`batch: 'none'`) it sends ONE frame per update to
 * every subscriber; batched it queues the serialised events per socket and sends each
 * socket one frame (a JSON array, as Pulseboard does) per event-loop tick (`'tick'`) or
 * every N ms (a number), sockets with the same queue sharing one encoded frame. What a
 * careful hand-rolled fan-out costs; Pulseboard's figures are read as ratios against it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BaselineServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

interface TopicState {
  offset: number;
  subscribers: Set<WebSocket>;
}

/** How the baseline sends: one frame per update, or batched per tick or every N ms. */
export type BaselineBatching = 'none' | 'tick' | number;

const SEND_OPTIONS = { binary: false } as const;

/** Per-socket queues of serialised events, flushed together per tick or per interval. */
class Batcher {
  readonly #queues = new Map<WebSocket, string[]>();
  #scheduled = false;

  constructor(readonly mode: Exclude<BaselineBatching, 'none'>) {}

  enqueue(ws: WebSocket, text: string): void {
    const queue = this.#queues.get(ws);
    if (queue) queue.push(text);
    else this.#queues.set(ws, [text]);
    if (this.#scheduled) return;
    this.#scheduled = true;
    if (this.mode === 'tick') setImmediate(this.#flush);
    else setTimeout(this.#flush, this.mode);
  }

  forget(ws: WebSocket): void {
    this.#queues.delete(ws);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    let last: string[] | null = null;
    let lastData: Buffer | null = null;
    for (const [ws, queue] of this.#queues) {
      let data: Buffer;
      if (last !== null && lastData !== null && sameStrings(queue, last)) data = lastData;
      else {
        data = Buffer.from(queue.length === 1 ? (queue[0] as string) : `[${queue.join(',')}]`);
        last = queue;
        lastData = data;
      }
      if (ws.readyState === ws.OPEN) ws.send(data, SEND_OPTIONS);
    }
    this.#queues.clear();
  };
}

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const EPOCH = 'baseline';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Fan-out state shared by the WebSocket and HTTP sides. */
class Topics {
  #topics = new Map<string, TopicState>();
  readonly #batcher: Batcher | null;

  constructor(batching: BaselineBatching) {
    this.#batcher = batching === 'none' ? null : new Batcher(batching);
  }

  get(topic: string): TopicState {
    let state = this.#topics.get(topic);
    if (!state) {
      state = { offset: 0, subscribers: new Set() };
      this.#topics.set(topic, state);
    }
    return state;
  }

  /** Appends one point and sends its event, serialised once, to every subscriber. */
  publish(stream: string, ts: number, value: unknown): number {
    const topic = `stream:${stream}`;
    const state = this.get(topic);
    state.offset += 1;
    const text = JSON.stringify({ type: 'event', topic, epoch: EPOCH, offset: state.offset, ts, data: { ts, value } });
    const batcher = this.#batcher;
    if (batcher) {
      for (const ws of state.subscribers) batcher.enqueue(ws, text);
    } else {
      const frame = Buffer.from(text);
      for (const ws of state.subscribers) ws.send(frame, SEND_OPTIONS);
    }
    return state.offset;
  }

  unsubscribeAll(ws: WebSocket): void {
    for (const state of this.#topics.values()) state.subscribers.delete(ws);
    this.#batcher?.forget(ws);
  }
}

type Point = { ts?: number; value: unknown };

/** Starts the bare server on 127.0.0.1 (port 0 = any free port). */
export async function startBaselineWs(options: { port?: number; batch?: BaselineBatching } = {}): Promise<BaselineServer> {
  const topics = new Topics(options.batch ?? 'none');
  const http = createServer((req, res) => void handleHttp(topics, req, res));
  const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });

  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      let message: { type?: string; [key: string]: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      switch (message.type) {
        case 'hello':
          ws.send(
            JSON.stringify({
              type: 'welcome',
              protocol: 1,
              connectionId: 'c',
              clientId: message.clientId,
              lastMutationId: 0,
              heartbeatIntervalMs: 30_000,
              serverTime: Date.now(),
            }),
          );
          break;
        case 'subscribe': {
          const topic = String(message.topic);
          const state = topics.get(topic);
          state.subscribers.add(ws);
          ws.send(JSON.stringify({ type: 'subscribed', topic, epoch: EPOCH, offset: state.offset, recovered: true }));
          break;
        }
        case 'publish': {
          const stream = String(message.stream);
          const points: Point[] = Array.isArray(message.points) ? (message.points as Point[]) : [{ value: message.value }];
          let offset = 0;
          for (const point of points) offset = topics.publish(stream, point.ts ?? Date.now(), point.value);
          ws.send(JSON.stringify({ type: 'published', id: message.id, stream, offset }));
          break;
        }
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong', ts: Date.now() }));
          break;
        default:
          break;
      }
    });
    ws.on('close', () => topics.unsubscribeAll(ws));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/** POST /api/streams {streams: [{key, points: [{ts?, value}]}]}: the batch push, fanned out per point. */
async function handleHttp(topics: Topics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/api/streams') {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = (await readJson(req)) as { streams: Array<{ key: string; points: Point[] }> };
    const now = Date.now();
    let count = 0;
    for (const { key, points } of body.streams) {
      for (const point of points) {
        topics.publish(key, point.ts ?? now, point.value);
        count += 1;
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ points: count }));
  } catch (error) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
  }
}

/** Reads and parses a JSON request body (capped). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
