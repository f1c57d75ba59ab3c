/**
 * One client living in the bench's own process: the publisher (publish with an ack per
 * update, so "as fast as the server accepts" is a window of unacknowledged publishes) and
 * the batch-push subscriber. Speaks the Pulseboard protocol (Pulseboard, bare ws) or
 * Socket.IO.
 */
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { ServerInfo } from './types.js';

export interface ProbeEvent {
  topic: string;
  offset: number;
  value: unknown;
}

interface Message {
  type?: string;
  id?: number;
  topic?: string;
  offset?: number;
  code?: string;
  message?: string;
  data?: { value?: unknown };
  ref?: { id?: number };
}

const OPEN_TIMEOUT_MS = 15_000;

export class ProbeClient {
  #ws: WebSocket | null = null;
  #socket: Socket | null = null;
  #nextId = 1;
  #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #subscribed = new Map<string, () => void>();
  #heartbeat: NodeJS.Timeout | null = null;
  /** Called for every event received. */
  onEvent: (event: ProbeEvent) => void = () => {};

  private constructor(readonly info: ServerInfo) {}

  static async open(info: ServerInfo, name: string): Promise<ProbeClient> {
    const probe = new ProbeClient(info);
    await probe.#open(name);
    return probe;
  }

  async #open(name: string): Promise<void> {
    if (this.info.kind === 'socketio') {
      const socket = io(this.info.wsUrl, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: OPEN_TIMEOUT_MS });
      this.#socket = socket;
      socket.on('events', (messages: Message[]) => {
        for (const message of messages) this.#handle(message);
      });
      socket.on('subscribed', (message: Message) => this.#handle(message));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(new Error(`${name}: cannot connect to ${this.info.wsUrl}: ${error.message}`)));
      });
      return;
    }
    const ws = new WebSocket(this.info.wsUrl, { perMessageDeflate: false });
    this.#ws = ws;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no welcome from ${this.info.wsUrl} within ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, token: this.info.token, clientId: `bench-${name}-${process.pid}` })));
      ws.once('error', (error) => reject(new Error(`${name}: ${error.message}`)));
      ws.once('close', (code, reason) => reject(new Error(`${name}: closed ${code} ${String(reason)} during hello`)));
      ws.on('message', (data) => {
        const parsed = JSON.parse(String(data)) as Message | Message[];
        for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
          if (message.type === 'welcome') {
            clearTimeout(timer);
            resolve();
          } else if (message.type === 'error' && !this.#pending.size && !this.#subscribed.size) {
            clearTimeout(timer);
            reject(new Error(`${name}: server error ${message.code}: ${message.message}`));
          }
          this.#handle(message);
        }
      });
    });
    ws.on('close', (code, reason) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`${name}: connection closed ${code} ${String(reason)}`));
      this.#pending.clear();
    });
    this.#heartbeat = setInterval(() => ws.send('{"type":"ping"}'), 5_000);
    this.#heartbeat.unref();
  }

  #handle(message: Message): void {
    switch (message.type) {
      case 'event':
        this.onEvent({ topic: message.topic ?? '', offset: message.offset ?? 0, value: message.data?.value });
        break;
      case 'subscribed':
        this.#subscribed.get(message.topic ?? '')?.();
        this.#subscribed.delete(message.topic ?? '');
        break;
      case 'published': {
        const pending = this.#pending.get(message.id ?? -1);
        this.#pending.delete(message.id ?? -1);
        pending?.resolve();
        break;
      }
      case 'ping':
        this.#ws?.send('{"type":"pong"}');
        break;
      case 'error': {
        const id = message.ref?.id;
        const pending = id === undefined ? undefined : this.#pending.get(id);
        if (pending && id !== undefined) {
          this.#pending.delete(id);
          pending.reject(new Error(`publish rejected: ${message.code}: ${message.message}`));
        } else if (message.code === 'rate_limited') {
          // The dropped message is not named: fail every publish in flight rather than hang.
          const error = new Error('the server rate-limited the publisher (lower PUBLISHER_RATE_PER_SEC in bench/lib/publisher-pool.ts)');
          for (const waiting of this.#pending.values()) waiting.reject(error);
          this.#pending.clear();
        }
        break;
      }
      default:
        break;
    }
  }

  /** Subscribes to the topics and resolves once every one is confirmed. */
  async subscribe(topics: string[]): Promise<void> {
    await Promise.all(
      topics.map(
        (topic) =>
          new Promise<void>((resolve) => {
            this.#subscribed.set(topic, resolve);
            if (this.#socket) this.#socket.emit('subscribe', topic);
            else this.#ws?.send(JSON.stringify({ type: 'subscribe', topic }));
          }),
      ),
    );
  }

  /** Publishes one value to a stream; resolves when the server acknowledges it. */
  publish(stream: string, value: unknown): Promise<void> {
    if (this.#socket) {
      const socket = this.#socket;
      return new Promise((resolve) => socket.emit('publish', { stream, value }, () => resolve()));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws?.send(JSON.stringify({ type: 'publish', id, stream, value }));
    });
  }

  async close(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#socket?.disconnect();
    const ws = this.#ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close();
      });
    }
  }
}
