/**
 * Child process that runs ONE server under test (a bare ws baseline, Socket.IO or Pulseboard) so its
 * CPU and memory are its own. Started by the bench with --expose-gc; emits `ready` with its
 * URLs, then answers `stats` (CPU, event-loop use, memory after a forced GC) and `exit`.
 *
 *   tsx bench/server-host.ts <ws|ws-tick|ws-16ms|socketio|pulseboard|pulseboard-16ms|pulseboard-events>
 */
import { performance } from 'node:perf_hooks';
import { startBaselineSocketIo } from './baseline-socketio.js';
import { startBaselineWs } from './baseline-ws.js';
import { startPulseboard } from './lib/pulseboard-adapter.js';
import { emitEvent, serveRequests } from './lib/rpc.js';
import { SERVER_KINDS, type HostStats, type ServerKind, type ServerInfo } from './lib/types.js';

const kind = process.argv[2] as ServerKind;
if (!SERVER_KINDS.includes(kind)) {
  console.error(`usage: server-host.ts <${SERVER_KINDS.join('|')}>`);
  process.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settleAndCollect(): Promise<void> {
  if (!gc) throw new Error('server-host needs --expose-gc to measure memory');
  // Several passes with pauses: weak refs, finalizers and socket buffers are freed over ticks.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stats(collect: boolean): Promise<HostStats> {
  if (collect) await settleAndCollect();
  const elu = performance.eventLoopUtilization();
  return { cpu: process.cpuUsage(), elu: { idle: elu.idle, active: elu.active }, memory: process.memoryUsage() };
}

const started =
  kind === 'ws'
    ? await startBaselineWs({ batch: 'none' })
    : kind === 'ws-tick'
      ? await startBaselineWs({ batch: 'tick' })
      : kind === 'ws-16ms'
        ? await startBaselineWs({ batch: 16 })
        : kind === 'socketio'
          ? await startBaselineSocketIo()
          : kind === 'pulseboard-16ms'
            ? await startPulseboard({ gateway: { flushWindowMs: 16 } })
            : await startPulseboard(); // pulseboard and pulseboard-events (the clients pick the encoding)

serveRequests(
  async (request) => {
    if (request.cmd === 'stats') return stats(request.gc === true);
    throw new Error(`unknown command ${request.cmd}`);
  },
  () => started.close(),
);

const info: ServerInfo = {
  kind,
  url: started.url,
  wsUrl: started.wsUrl,
  port: started.port,
  token: 'token' in started ? (started.token as string | undefined) : undefined,
  pid: process.pid,
};
emitEvent({ event: 'ready', info });
