import type { ClientMessage, ServerMessage } from '@pulseboard/protocol';
import type { WebSocketLike } from '../types.js';

/**
 * A scripted WebSocket for unit tests of the client logic: records what the client sends
 * and lets the test play the server (open, messages, close). Every instance is kept in
 * `FakeWebSocket.instances`, newest last.
 */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  static get last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error('no FakeWebSocket was created');
    return socket;
  }

  readonly url: string;
  readyState = 0;
  sent: ClientMessage[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { ...(code === undefined ? {} : { code }), ...(reason === undefined ? {} : { reason }) };
    this.readyState = 3;
  }

  /** How many of the four handlers are attached (leak checks). */
  get handlerCount(): number {
    return [this.onopen, this.onclose, this.onmessage].filter(Boolean).length;
  }

  // ---- the test plays the server -------------------------------------------------------

  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSend(...messages: ServerMessage[]): void {
    this.onmessage?.({ data: JSON.stringify(messages.length === 1 ? messages[0] : messages) });
  }

  /** A frame as the server wrote it (e.g. topic-ids messages, which are not ServerMessages). */
  serverSendText(text: string): void {
    this.onmessage?.({ data: text });
  }

  serverClose(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Opens and answers the hello with a welcome. */
  handshake(options: { lastMutationId?: number; heartbeatIntervalMs?: number; connectionId?: string } = {}): void {
    this.serverOpen();
    const hello = this.sent.find((m) => m.type === 'hello');
    if (!hello) throw new Error('the client sent no hello');
    this.serverSend({
      type: 'welcome',
      protocol: 1,
      connectionId: options.connectionId ?? `conn-${FakeWebSocket.instances.length}`,
      clientId: hello.clientId,
      lastMutationId: options.lastMutationId ?? 0,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
      serverTime: Date.now(),
    });
  }

  sentOfType<T extends ClientMessage['type']>(type: T): Array<Extract<ClientMessage, { type: T }>> {
    return this.sent.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }
}
