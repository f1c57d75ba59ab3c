/**
 * Child side of the bench's IPC protocol: the parent sends `{id, cmd, ...}`, the child
 * answers `{id, ok, result | error}`; children may also emit `{event, ...}` at any time.
 * A child exits when its parent goes away, so a crashed bench leaves no process behind.
 */

export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export type ChildEvent = { event: string } & Record<string, unknown>;
export type ChildRequest = { id: number; cmd: string } & Record<string, unknown>;

/** Serves requests with `handler`; `exit` is handled here (after `onExit`). */
export function serveRequests(handler: (request: ChildRequest) => Promise<unknown> | unknown, onExit?: () => Promise<void>): void {
  if (!process.send) throw new Error('this script is a bench child process: start it through bench/run.ts');
  process.on('disconnect', () => process.exit(0));
  // Exit normally on a signal, so 'exit' handlers (temporary data directories) run.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.on('message', (raw) => {
    const request = raw as ChildRequest;
    void (async () => {
      try {
        if (request.cmd === 'exit') {
          await onExit?.();
          reply({ id: request.id, ok: true, result: null });
          setImmediate(() => process.exit(0));
          return;
        }
        reply({ id: request.id, ok: true, result: await handler(request) });
      } catch (error) {
        reply({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

function reply(message: ChildReply): void {
  process.send?.(message);
}

/** Sends an unsolicited event to the parent. */
export function emitEvent(event: ChildEvent): void {
  if (process.connected) process.send?.(event);
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
