import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTarget, runFuzz, type FuzzTarget } from './fuzz-runner.js';
import { startFuzzServer, type FuzzServer } from './fuzz-server.js';

/** A short seeded run of the fuzz suite; `npm run fuzz` runs it at length. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

let server: FuzzServer;
let target: FuzzTarget;
beforeAll(async () => {
  server = await startFuzzServer();
  target = await prepareTarget(server.url, server.adminToken);
});
afterAll(async () => {
  await server.close();
});

describe(`fuzz (seed ${SEED})`, () => {
  it('answers every fuzzed frame and request with a documented code: no 5xx, no internal, no stuck connection', async () => {
    const report = await runFuzz(target, { seed: SEED, frames: 1_200, requests: 300, connections: 4, concurrency: 4 });
    expect(report.answers.violations).toEqual([]);
    expect(server.logged).toEqual([]);
    expect(report.frames).toBe(1_200);
    expect(report.requests).toBe(300);
    // The run reached the interesting answers, not only the front door.
    expect(report.answers.total('ack:applied')).toBeGreaterThan(0);
    expect(report.answers.total('ack:rejected')).toBeGreaterThan(0);
    expect(report.answers.total('error:bad_message')).toBeGreaterThan(0);
    expect(report.answers.total('400:')).toBeGreaterThan(0);
    expect(report.answers.total('200')).toBeGreaterThan(0);
  }, 90_000);
});
