/**
 * Baseline: a Socket.IO server (WebSocket transport only, no compression) broadcasting the
 * same updates to rooms named after the topics, batched: each topic's events of the last
 * 16 ms go out as one `events` message (an array). Socket.IO encodes a broadcast once and
 * writes it to every socket in the room: the off-the-shelf way to build this.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { readJson, type BaselineServer } from './baseline-ws.js';

type Point = { ts?: number; value: unknown };
const EPOCH = 'baseline';
/** Events of a topic are collected this long, then broadcast as one message. */
const BATCH_MS = 16;

/** Starts the Socket.IO server on 127.0.0.1 (port 0 = any free port). Clients connect to `url`. */
export async function startBaselineSocketIo(options: { port?: number } = {}): Promise<BaselineServer> {
  const offsets = new Map<string, number>();
  const pending = new Map<string, unknown[]>();
  let flushTimer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    flushTimer = null;
    for (const [topic, events] of pending) io.to(topic).emit('events', events);
    pending.clear();
  };

  const publish = (stream: string, ts: number, value: unknown): number => {
    const topic = `stream:${stream}`;
    const offset = (offsets.get(topic) ?? 0) + 1;
    offsets.set(topic, offset);
    const event = { type: 'event', topic, epoch: EPOCH, offset, ts, data: { ts, value } };
    const queued = pending.get(topic);
    if (queued) queued.push(event);
    else pending.set(topic, [event]);
    flushTimer ??= setTimeout(flush, BATCH_MS);
    return offset;
  };

  const http = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/streams') {
      res.writeHead(404).end();
      return;
    }
    readJson(req).then(
      (raw) => {
        const body = raw as { streams: Array<{ key: string; points: Point[] }> };
        const now = Date.now();
        let count = 0;
        for (const { key, points } of body.streams) {
          for (const point of points) {
            publish(key, point.ts ?? now, point.value);
            count += 1;
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ points: count }));
      },
      (error: unknown) => res.writeHead(400).end(String(error)),
    );
  });

  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  io.on('connection', (socket) => {
    socket.on('subscribe', (topic: string) => {
      void socket.join(topic);
      socket.emit('subscribed', { type: 'subscribed', topic, epoch: EPOCH, offset: offsets.get(topic) ?? 0, recovered: true });
    });
    socket.on('publish', (message: { stream: string; value?: unknown; points?: Point[] }, ack?: (reply: unknown) => void) => {
      const points = message.points ?? [{ value: message.value }];
      let offset = 0;
      for (const point of points) offset = publish(message.stream, point.ts ?? Date.now(), point.value);
      ack?.({ type: 'published', stream: message.stream, offset });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (flushTimer) clearTimeout(flushTimer);
        io.disconnectSockets(true);
        void io.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
