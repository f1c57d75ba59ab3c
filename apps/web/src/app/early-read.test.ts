import { describe, expect, it, vi } from 'vitest';
import { fetchWithEarlyRead, type EarlyRead } from './early-read';

const URL_LIVE = 'http://pb.test/api/dashboards/ops/live';
const answer = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

function setup(early?: Partial<EarlyRead>) {
  const host: { __pulseboardEarlyRead?: EarlyRead } = {};
  if (early) host.__pulseboardEarlyRead = { url: URL_LIVE, token: 'pb_link', response: Promise.resolve(answer({ from: 'early' })), ...early };
  const send = vi.fn(async () => answer({ from: 'network' }));
  return { host, send, fetch: fetchWithEarlyRead(send as unknown as typeof fetch, host) };
}

describe('fetchWithEarlyRead', () => {
  it("answers the early read's request with its response, once; the next one goes to the network", async () => {
    const { host, send, fetch } = setup();
    host.__pulseboardEarlyRead = { url: URL_LIVE, token: 'pb_link', response: Promise.resolve(answer({ from: 'early' })) };
    const first = await fetch(URL_LIVE, { method: 'GET', headers: { accept: 'application/json', authorization: 'Bearer pb_link' } });
    expect(await first.json()).toEqual({ from: 'early' });
    expect(send).not.toHaveBeenCalled();
    expect(host.__pulseboardEarlyRead).toBeUndefined();
    const second = await fetch(URL_LIVE, { method: 'GET', headers: { authorization: 'Bearer pb_link' } });
    expect(await second.json()).toEqual({ from: 'network' });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('sends a request for another URL, method or token to the network and keeps the early read', async () => {
    const { host, send, fetch } = setup({});
    await fetch('http://pb.test/api/dashboards/other/live', { headers: { authorization: 'Bearer pb_link' } });
    await fetch(URL_LIVE, { method: 'POST', headers: { authorization: 'Bearer pb_link' } });
    await fetch(URL_LIVE, { headers: { authorization: 'Bearer pb_someone_else' } });
    await fetch(URL_LIVE);
    expect(send).toHaveBeenCalledTimes(4);
    expect(host.__pulseboardEarlyRead).toBeDefined();
    // Headers given as a Headers object match too.
    const taken = await fetch(URL_LIVE, { headers: new Headers({ Authorization: 'Bearer pb_link' }) });
    expect(await taken.json()).toEqual({ from: 'early' });
    expect(send).toHaveBeenCalledTimes(4);
  });

  it("rejects as fetch does when the caller's signal aborts before the early answer lands (the client's timeout)", async () => {
    const { fetch } = setup({ response: new Promise<Response>(() => {}) });
    const controller = new AbortController();
    const pending = fetch(URL_LIVE, { headers: { authorization: 'Bearer pb_link' }, signal: controller.signal });
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
  });

  it('passes the early read’s failure on to the client, which reports it as it would its own', async () => {
    const { fetch } = setup({ response: Promise.reject(new TypeError('Failed to fetch')) });
    await expect(fetch(URL_LIVE, { headers: { authorization: 'Bearer pb_link' } })).rejects.toThrow('Failed to fetch');
  });

  it('without an early read, is the network fetch', async () => {
    const { send, fetch } = setup();
    const response = await fetch(URL_LIVE, { headers: { authorization: 'Bearer pb_link' } });
    expect(await response.json()).toEqual({ from: 'network' });
    expect(send).toHaveBeenCalledTimes(1);
  });
});
