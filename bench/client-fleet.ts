/**
 * The client fleet: a child process holding N WebSocket (or Socket.IO) clients, so the
 * clients never share the server's CPU timeline. Each client says hello, subscribes to the
 * given topics, then counts the events it receives, checks their offsets per topic
 * (duplicates, gaps), counts frames and bytes, and records publish-to-receive latency (each
 * update's value carries its send time, see payload.ts). With `perUpdate` (the fan-out scenario)
 * it also counts, per update (keyed by its send time), how many clients got it and the latest
 * receipt. The bench drives it over IPC: connect, reset, mark, progress, report, waitFor,
 * waitForUpdate, disconnect.
 */
import { performance } from 'node:perf_hooks';
import { Feature, ServerFrameDecoder } from '@pulseboard/protocol';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { assertFdRoom } from './lib/fd-limit.js';
import { sentAtOf } from './lib/payload.js';
import { emitEvent, nowMs, serveRequests, type ChildRequest } from './lib/rpc.js';
import { summarise } from './lib/stats.js';
import { isPulseboard, type FleetReport, type ServerKind } from './lib/types.js';

interface Client {
  index: number;
  ws: WebSocket | null;
  socket: Socket | null;
  received: number;
  /** Last offset seen per topic. */
  last: Map<string, number>;
}

interface IncomingMessage {
  type?: string;
  topic?: string;
  offset?: number;
  data?: { value?: unknown };
  code?: string;
  message?: string;
  heartbeatIntervalMs?: number;
}

const MAX_ERRORS_KEPT = 5;
const CONNECT_CONCURRENCY = 100;
const DEFAULT_HEARTBEAT_MS = 15_000;
/** Heartbeat pings go out in slices this often, so 10,000 clients do not ping in one burst. */
const HEARTBEAT_SLICE_MS = 100;

let clients: Client[] = [];
let closingOnPurpose = false;
let heartbeatTimer: NodeJS.Timeout | null = null;
let progressTimer: NodeJS.Timeout | null = null;

const counters = {
  received: 0,
  frames: 0,
  bytes: 0,
  duplicates: 0,
  missing: 0,
  errors: [] as string[],
  unexpectedCloses: {} as Record<string, number>,
  recordLatency: false,
  latency: new Float64Array(1 << 16),
  latencyCount: 0,
  cpuStart: process.cpuUsage(),
  eluStart: performance.eventLoopUtilization(),
  /** Per update (its send time): clients that got it, and the latest publish → receive (ms). Null unless asked for. */
  perUpdate: null as Map<number, UpdateTally> | null,
};

interface UpdateTally {
  count: number;
  maxLatency: number;
}

/**
 * The pending waitFor's deadline (0: none) and its early exit. A fleet flooded with more than
 * it can parse spends seconds per event-loop turn reading the sockets' kernel buffers, so its
 * timers fire far too late: each frame checks the deadline instead, and past it the fleet
 * stops reading (`frozen`) and answers with what it has parsed.
 */
let waitDeadline = 0;
let expireWait: () => void = () => {};
let frozen = false;
/**
 * Set by `reset` (steady): past it the fleet stops reading. The scenario's own waitFor arrives
 * over IPC, which a flooded fleet reads only after a turn through every socket's backlog, so the
 * deadline has to be known before the flood.
 */
let readDeadline = 0;

function freeze(): void {
  frozen = true;
  for (const client of clients) client.ws?.pause();
}

/** waitForUpdate callers, by the update's send time: called once every client has it. */
const updateWaiters = new Map<number, () => void>();

function tallyUpdate(sentAt: number, latency: number): void {
  const perUpdate = counters.perUpdate;
  if (!perUpdate) return;
  let tally = perUpdate.get(sentAt);
  if (!tally) {
    tally = { count: 0, maxLatency: 0 };
    perUpdate.set(sentAt, tally);
  }
  tally.count += 1;
  if (latency > tally.maxLatency) tally.maxLatency = latency;
  if (tally.count >= clients.length) updateWaiters.get(sentAt)?.();
}

function recordLatency(ms: number): void {
  if (counters.latencyCount === counters.latency.length) {
    const bigger = new Float64Array(counters.latency.length * 2);
    bigger.set(counters.latency);
    counters.latency = bigger;
  }
  counters.latency[counters.latencyCount++] = ms;
}

function onEvent(client: Client, message: IncomingMessage, receivedAt: number): void {
  const topic = message.topic ?? '';
  const offset = message.offset ?? 0;
  const last = client.last.get(topic) ?? offset - 1;
  if (offset <= last) {
    counters.duplicates += 1;
    return;
  }
  if (offset > last + 1) counters.missing += offset - last - 1;
  client.last.set(topic, offset);
  client.received += 1;
  counters.received += 1;
  if (counters.recordLatency) {
    const sentAt = sentAtOf(message.data?.value);
    if (sentAt !== undefined) {
      recordLatency(receivedAt - sentAt);
      tallyUpdate(sentAt, receivedAt - sentAt);
    }
  }
}

function onError(message: IncomingMessage): void {
  if (counters.errors.length < MAX_ERRORS_KEPT) counters.errors.push(`${message.code ?? '?'}: ${message.message ?? ''}`);
}

function onUnexpectedClose(code: number | string): void {
  if (closingOnPurpose) return;
  counters.unexpectedCloses[String(code)] = (counters.unexpectedCloses[String(code)] ?? 0) + 1;
}

interface ConnectOptions {
  kind: ServerKind;
  url: string;
  clients: number;
  topics: string[];
  token?: string;
  timeoutMs: number;
}

/** Opens a Pulseboard-protocol client (Pulseboard and the bare ws baseline speak it). */
function connectWs(index: number, options: ConnectOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = { index, ws: null, socket: null, received: 0, last: new Map() };
    const ws = new WebSocket(options.url, { perMessageDeflate: false });
    client.ws = ws;
    let pendingSubscriptions = options.topics.length;
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`client ${index}: not subscribed within ${options.timeoutMs} ms`)), options.timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const handle = (message: IncomingMessage, receivedAt: number): void => {
      switch (message.type) {
        case 'event':
          onEvent(client, message, receivedAt);
          break;
        case 'welcome':
          if (message.heartbeatIntervalMs) ensureHeartbeat(message.heartbeatIntervalMs);
          for (const topic of options.topics) ws.send(JSON.stringify({ type: 'subscribe', topic }));
          break;
        case 'subscribed':
          client.last.set(message.topic ?? '', message.offset ?? 0);
          pendingSubscriptions -= 1;
          if (pendingSubscriptions === 0 && !ready) {
            ready = true;
            clearTimeout(timer);
            resolve(client);
          }
          break;
        case 'ping':
          ws.send('{"type":"pong"}');
          break;
        case 'error':
          onError(message);
          if (!ready) fail(new Error(`client ${index}: server error ${message.code}: ${message.message}`));
          break;
        default:
          break;
      }
    };
    // Pulseboard's clients decode frames as @pulseboard/client does (a ServerFrameDecoder per
    // connection expands event-rows and topic-ids messages); the bare ws clients JSON.parse them.
    const pulseboard = isPulseboard(options.kind);
    const decoder = pulseboard ? new ServerFrameDecoder({ onUnknownId: (id) => onError({ code: 'unknown_topic_id', message: `client ${index}: events under topic id ${id}, never told` }) }) : null;
    const features = options.kind === 'pulseboard-events' ? {} : { features: [Feature.EVENT_ROWS, Feature.TOPIC_IDS, Feature.TS_BASE] };
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, token: options.token, clientId: `bench-${process.pid}-${index}`, ...features }));
    });
    ws.on('message', (data: Buffer) => {
      const receivedAt = nowMs();
      if (waitDeadline !== 0 && receivedAt > waitDeadline) expireWait();
      else if (readDeadline !== 0 && receivedAt > readDeadline && !frozen) freeze();
      const eventsBefore = counters.received + counters.duplicates;
      if (decoder !== null) {
        for (const message of decoder.decode(data.toString()) as IncomingMessage[]) handle(message, receivedAt);
      } else {
        const parsed = JSON.parse(data.toString()) as IncomingMessage | IncomingMessage[];
        if (Array.isArray(parsed)) for (const message of parsed) handle(message, receivedAt);
        else handle(parsed, receivedAt);
      }
      // Frames and bytes of events only: heartbeat pongs would dilute "events per frame" when events are few.
      if (counters.received + counters.duplicates > eventsBefore) {
        counters.frames += 1;
        counters.bytes += data.length;
      }
    });
    ws.on('error', (error) => {
      if (!ready) fail(new Error(`client ${index}: ${error.message}`));
    });
    ws.on('close', (code, reason) => {
      if (!ready) fail(new Error(`client ${index}: closed ${code} ${String(reason)} before subscribing`));
      else onUnexpectedClose(code);
    });
  });
}

/** Opens a Socket.IO client (WebSocket transport only, like the server). */
function connectSocketIo(index: number, options: ConnectOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = { index, ws: null, socket: null, received: 0, last: new Map() };
    const socket = io(options.url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: options.timeoutMs });
    client.socket = socket;
    let pendingSubscriptions = options.topics.length;
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`client ${index}: not subscribed within ${options.timeoutMs} ms`)), options.timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.disconnect();
      reject(error);
    };
    socket.on('connect', () => {
      for (const topic of options.topics) socket.emit('subscribe', topic);
    });
    socket.on('subscribed', (message: IncomingMessage) => {
      client.last.set(message.topic ?? '', message.offset ?? 0);
      pendingSubscriptions -= 1;
      if (pendingSubscriptions === 0 && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve(client);
      }
    });
    socket.on('events', (messages: IncomingMessage[]) => {
      counters.frames += 1;
      const receivedAt = nowMs();
      for (const message of messages) onEvent(client, message, receivedAt);
    });
    socket.on('connect_error', (error) => fail(new Error(`client ${index}: ${error.message}`)));
    socket.on('disconnect', (reason) => {
      if (ready) onUnexpectedClose(reason);
    });
  });
}

/**
 * Each client pings once per period (half the server's heartbeat, at most 7.5 s), the
 * clients spread over the period in slices: real clients' pings are not synchronised, and a
 * burst of 10,000 at once would land on whatever update is in flight.
 */
function ensureHeartbeat(intervalMs: number): void {
  if (heartbeatTimer) return;
  const periodMs = Math.max(1_000, Math.min(intervalMs || DEFAULT_HEARTBEAT_MS, DEFAULT_HEARTBEAT_MS) / 2);
  const slices = Math.max(1, Math.round(periodMs / HEARTBEAT_SLICE_MS));
  let slice = 0;
  heartbeatTimer = setInterval(() => {
    for (let i = slice; i < clients.length; i += slices) {
      const ws = clients[i]?.ws;
      if (ws?.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
    }
    slice = (slice + 1) % slices;
  }, HEARTBEAT_SLICE_MS);
  heartbeatTimer.unref();
}

async function connectAll(options: ConnectOptions): Promise<{ connected: number; ms: number }> {
  if (clients.length > 0) throw new Error(`fleet already holds ${clients.length} clients: disconnect first`);
  assertFdRoom(options.clients, `client fleet (pid ${process.pid})`);
  const startedAt = nowMs();
  closingOnPurpose = false;
  const open = options.kind === 'socketio' ? connectSocketIo : connectWs;
  const connected: Client[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.clients) {
      const index = next++;
      try {
        connected.push(await open(index, options));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, options.clients) }, worker));
  clients = connected.sort((a, b) => a.index - b.index);
  if (failures.length > 0) {
    await disconnectAll();
    throw new Error(`${failures.length} of ${options.clients} clients failed to connect to ${options.url}; first: ${failures[0]}`);
  }
  return { connected: clients.length, ms: nowMs() - startedAt };
}

async function disconnectAll(): Promise<void> {
  closingOnPurpose = true;
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  heartbeatTimer = null;
  const closes = clients.map(
    (client) =>
      new Promise<void>((resolve) => {
        if (client.socket) {
          client.socket.disconnect();
          resolve();
          return;
        }
        const ws = client.ws;
        if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
        if (frozen) {
          // Not reading: the close handshake could not complete.
          ws.terminate();
          return resolve();
        }
        // A client far behind still has its backlog to read before the server's close frame:
        // stop parsing it.
        ws.removeAllListeners('message');
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2_000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close();
      }),
  );
  await Promise.all(closes);
  clients = [];
  frozen = false;
}

function reset(recordLatencies: boolean, perUpdate: boolean, stopReadingAt: number): void {
  readDeadline = stopReadingAt;
  counters.received = 0;
  counters.frames = 0;
  counters.bytes = 0;
  counters.duplicates = 0;
  counters.missing = 0;
  counters.errors = [];
  counters.unexpectedCloses = {};
  counters.recordLatency = recordLatencies;
  counters.latencyCount = 0;
  counters.cpuStart = process.cpuUsage();
  counters.eluStart = performance.eventLoopUtilization();
  counters.perUpdate = recordLatencies && perUpdate ? new Map() : null;
  if (frozen) for (const client of clients) client.ws?.resume();
  frozen = false;
  for (const waiter of updateWaiters.values()) waiter();
  for (const client of clients) client.received = 0;
}

function minPerClient(): number {
  let min = Infinity;
  for (const client of clients) if (client.received < min) min = client.received;
  return clients.length === 0 ? 0 : min;
}

/** What the fleet reports; with `samples`, the raw latencies instead of their summary (to merge several fleets). */
function report(samples = false): FleetReport {
  let max = 0;
  for (const client of clients) if (client.received > max) max = client.received;
  const cpu = process.cpuUsage(counters.cpuStart);
  return {
    clients: clients.length,
    received: counters.received,
    minPerClient: minPerClient(),
    maxPerClient: max,
    frames: counters.frames,
    bytes: counters.bytes,
    duplicates: counters.duplicates,
    missing: counters.missing,
    latency: counters.latencyCount > 0 && !samples ? summarise(counters.latency.subarray(0, counters.latencyCount)) : null,
    ...(samples ? { samples: counters.latency.slice(0, counters.latencyCount) } : {}),
    unexpectedCloses: { ...counters.unexpectedCloses },
    errors: [...counters.errors],
    cpuMs: (cpu.user + cpu.system) / 1_000,
    busy: performance.eventLoopUtilization(counters.eluStart).utilization,
  };
}

/** Resolves once every client has received at least `perClient` events, or after `timeoutMs`. */
function waitFor(perClient: number, timeoutMs: number, samples: boolean): Promise<FleetReport & { complete: boolean; waitedMs: number }> {
  const startedAt = nowMs();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (complete: boolean): void => {
      clearTimeout(timer);
      waitDeadline = 0;
      resolve({ ...report(samples), complete, waitedMs: nowMs() - startedAt });
    };
    const check = (): void => {
      if (minPerClient() >= perClient) finish(true);
      else if (frozen || nowMs() - startedAt >= timeoutMs) finish(false);
      else timer = setTimeout(check, 10);
    };
    waitDeadline = startedAt + timeoutMs;
    expireWait = () => {
      freeze();
      finish(minPerClient() >= perClient);
    };
    check();
  });
}

/** Resolves once every client has the update sent at `sentAt` (needs reset with perUpdate), or after `timeoutMs`. */
function waitForUpdate(sentAt: number, timeoutMs: number): Promise<{ clients: number; count: number; maxLatency: number; complete: boolean }> {
  const result = (): { clients: number; count: number; maxLatency: number; complete: boolean } => {
    const tally = counters.perUpdate?.get(sentAt);
    const count = tally?.count ?? 0;
    return { clients: clients.length, count, maxLatency: tally?.maxLatency ?? NaN, complete: count >= clients.length };
  };
  if (!counters.perUpdate) return Promise.reject(new Error('waitForUpdate needs reset with perUpdate'));
  if (result().complete) return Promise.resolve(result());
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      updateWaiters.delete(sentAt);
      resolve(result());
    };
    const timer = setTimeout(done, timeoutMs);
    updateWaiters.set(sentAt, done);
  });
}

serveRequests(
  async (request: ChildRequest) => {
    switch (request.cmd) {
      case 'connect':
        return connectAll(request as unknown as ConnectOptions);
      case 'reset':
        reset(request.recordLatency === true, request.perUpdate === true, Number(request.stopReadingAt ?? 0));
        return null;
      case 'mark':
        return { at: nowMs(), received: counters.received };
      case 'progress': {
        if (progressTimer) clearInterval(progressTimer);
        progressTimer = null;
        const intervalMs = Number(request.intervalMs ?? 0);
        if (intervalMs > 0) {
          progressTimer = setInterval(() => emitEvent({ event: 'progress', received: counters.received, minPerClient: minPerClient() }), intervalMs);
        }
        return null;
      }
      case 'report':
        return report(request.samples === true);
      case 'waitFor':
        return waitFor(Number(request.perClient), Number(request.timeoutMs), request.samples === true);
      case 'waitForUpdate':
        return waitForUpdate(Number(request.sentAt), Number(request.timeoutMs));
      case 'disconnect':
        await disconnectAll();
        (globalThis as { gc?: () => void }).gc?.();
        return null;
      default:
        throw new Error(`unknown command ${request.cmd}`);
    }
  },
  () => disconnectAll(),
);
emitEvent({ event: 'ready' });
