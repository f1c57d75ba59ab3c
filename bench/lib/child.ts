/**
 * Parent side of the bench's child processes (server hosts, client fleet): forks a
 * TypeScript entry through tsx, sends it requests over IPC and waits for the answers with a
 * timeout, and makes sure no child outlives the bench (exit, Ctrl-C, crash).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ChildEvent, ChildReply } from './rpc.js';

const require = createRequire(import.meta.url);
/** tsx's loader, resolved here so a child finds it whatever its working directory. */
const TSX_LOADER = require.resolve('tsx');
const STDERR_TAIL_BYTES = 8_192;

const live = new Set<BenchChild>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  // Children also exit on their own when the IPC channel closes (see rpc.ts).
  process.on('exit', () => {
    for (const child of live) child.kill('SIGTERM');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGTERM');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export interface SpawnOptions {
  /** Shown in errors: "server-host(pulseboard)". */
  name: string;
  args?: string[];
  /** Extra Node flags, e.g. --expose-gc. */
  nodeFlags?: string[];
  env?: Record<string, string>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One forked child speaking the bench's request/reply protocol (see rpc.ts). */
export class BenchChild {
  readonly name: string;
  readonly proc: ChildProcess;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #listeners = new Set<(event: ChildEvent) => void>();
  #stderrTail = '';
  #exited: Promise<number | null>;
  #exitCode: number | null | undefined;

  constructor(entry: string | URL, options: SpawnOptions) {
    installCleanup();
    this.name = options.name;
    const file = typeof entry === 'string' ? entry : fileURLToPath(entry);
    this.proc = fork(file, options.args ?? [], {
      execArgv: ['--import', TSX_LOADER, ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      // stdout is drained and dropped (servers may log per connection); stderr is kept for errors.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    live.add(this);
    this.proc.stdout?.resume();
    this.proc.stderr?.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${this.name}] ${chunk.toString()}`);
    });
    this.proc.on('message', (raw) => this.#onMessage(raw as ChildReply | ChildEvent));
    this.#exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        live.delete(this);
        this.#exitCode = code;
        const why = `${this.name} exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})${this.stderrHint()}`;
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(new Error(why));
          this.#pending.delete(id);
        }
        resolve(code);
      });
    });
    this.proc.on('error', (error) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`${this.name}: ${error.message}`));
    });
  }

  /** The last lines the child wrote to stderr, for error messages. */
  stderrHint(): string {
    const tail = this.#stderrTail.trim();
    return tail ? `\n--- last stderr of ${this.name} ---\n${tail.split('\n').slice(-20).join('\n')}` : '';
  }

  /** Sends a request and resolves with the child's result; rejects on its error, its exit or the timeout. */
  request<T>(message: { cmd: string } & Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.#exitCode !== undefined) return Promise.reject(new Error(`${this.name} is not running${this.stderrHint()}`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: no answer to "${message.cmd}" within ${timeoutMs} ms${this.stderrHint()}`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.proc.send({ ...message, id }, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new Error(`${this.name}: could not send "${message.cmd}": ${error.message}`));
      });
    });
  }

  /** Listens to the child's unsolicited events (progress reports); returns the unsubscribe. */
  onEvent(listener: (event: ChildEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first event of this type (rejects if the child exits first). */
  waitForEvent<E extends ChildEvent>(type: E['event'], timeoutMs: number): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms${this.stderrHint()}`));
      }, timeoutMs);
      const off = this.onEvent((event) => {
        if (event.event !== type) return;
        clearTimeout(timer);
        off();
        resolve(event as E);
      });
      void this.#exited.then((code) => {
        clearTimeout(timer);
        off();
        reject(new Error(`${this.name} exited (code ${code ?? 'none'}) before "${type}"${this.stderrHint()}`));
      });
    });
  }

  /** Asks the child to exit, then kills it if it has not within `graceMs`. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.#exitCode !== undefined) return;
    try {
      await this.request({ cmd: 'exit' }, graceMs);
    } catch {
      // It may exit before answering; the kill below covers a hung child.
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** SIGTERM lets the child clean up (a server host removes its data directory); SIGKILL does not. */
  kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): void {
    if (this.#exitCode === undefined && this.proc.exitCode === null) this.proc.kill(signal);
  }

  #onMessage(message: ChildReply | ChildEvent): void {
    if ('event' in message) {
      for (const listener of this.#listeners) listener(message);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(`${this.name}: ${message.error}`));
  }
}
