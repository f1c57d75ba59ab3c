// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { earlyFetch, startEarlyFetch } from './early-fetch';
import { addToken, endIdentity, resetKeyring } from './keyring';

const ORIGIN = 'http://pb.test';
const at = (hash: string) => ({ hash, origin: ORIGIN }) as Location;
const LIVE = `${ORIGIN}/api/dashboards/ops/live`;
/** How the client core's HttpClient asks (plain header object, a timeout signal). */
const clientInit = (token: string, signal = new AbortController().signal): RequestInit => ({ method: 'GET', headers: { accept: 'application/json', authorization: `Bearer ${token}` }, signal });

let network: ReturnType<typeof vi.fn<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>>;

beforeEach(() => {
  network = vi.fn((input: RequestInfo | URL) => Promise.resolve(new Response(JSON.stringify({ url: String(input), n: network.mock.calls.length }))));
  vi.stubGlobal('fetch', network);
});
afterEach(() => {
  vi.unstubAllGlobals();
  resetKeyring();
});

describe('the early first read', () => {
  it("starts the dashboard's live read with the route's identity and answers the client's identical request from it, once", async () => {
    addToken('tok-ops', 'ops');
    startEarlyFetch(at('#/d/ops'));
    expect(network).toHaveBeenCalledTimes(1);
    expect(String(network.mock.calls[0]![0])).toBe(LIVE);
    expect(new Headers(network.mock.calls[0]![1]?.headers).get('authorization')).toBe('Bearer tok-ops');

    const first = await earlyFetch(LIVE, clientInit('tok-ops'));
    expect(await first.json()).toEqual({ url: LIVE, n: 1 });
    expect(network).toHaveBeenCalledTimes(1);
    // The early answer is used once: the next identical request goes out.
    await earlyFetch(LIVE, clientInit('tok-ops'));
    expect(network).toHaveBeenCalledTimes(2);
  });

  it('reads the first dashboard of a kiosk playlist, and nothing without a dashboard or a usable identity', async () => {
    startEarlyFetch(at('#/d/ops'));
    expect(network).not.toHaveBeenCalled();
    const identity = addToken('tok');
    startEarlyFetch(at('#/'));
    expect(network).not.toHaveBeenCalled();
    startEarlyFetch(at('#/?kiosk&cycle=ops,sales'));
    expect(network.mock.calls.map(([url]) => String(url))).toEqual([LIVE]);
    await earlyFetch(LIVE, clientInit('tok'));
    endIdentity(identity.id, 'token_revoked');
    startEarlyFetch(at('#/d/ops'));
    expect(network).toHaveBeenCalledTimes(1);
  });

  it('sends another token, URL or method to the network', async () => {
    addToken('tok-ops', 'ops');
    startEarlyFetch(at('#/d/ops'));
    await earlyFetch(LIVE, clientInit('someone-else'));
    await earlyFetch(`${ORIGIN}/api/dashboards/ops`, clientInit('tok-ops'));
    await earlyFetch(LIVE, { ...clientInit('tok-ops'), method: 'POST' });
    expect(network).toHaveBeenCalledTimes(4);
    // Still unused: the matching request gets it.
    await earlyFetch(LIVE, clientInit('tok-ops'));
    expect(network).toHaveBeenCalledTimes(4);
  });

  it("gives up on the early answer when the client's signal aborts (its timeout)", async () => {
    network.mockImplementationOnce(() => new Promise<Response>(() => {}));
    addToken('tok-ops', 'ops');
    startEarlyFetch(at('#/d/ops'));
    const timeout = new AbortController();
    const answer = earlyFetch(LIVE, clientInit('tok-ops', timeout.signal));
    timeout.abort(new Error('timed out'));
    await expect(answer).rejects.toThrow('timed out');
  });
});
