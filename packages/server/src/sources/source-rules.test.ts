import { describe, expect, it } from 'vitest';
import { isHostAllowed, parseHostList } from './host-allow-list.js';
import { HostLimiter } from './host-limiter.js';
import { classifyFetchError } from './outbound-fetch.js';
import { seriesStream } from './prometheus-run.js';
import { evaluateSelector, selectorSyntaxError, toPointValue } from './selectors.js';

describe('outbound host allow-list', () => {
  const allowed = (url: string, list: string[]) => isHostAllowed(new URL(url), list);

  it('matches hosts, ports, subdomain wildcards and "*"', () => {
    expect(allowed('http://api.example.com/x', ['api.example.com'])).toBe(true);
    expect(allowed('http://api.example.com:8080/x', ['api.example.com'])).toBe(true);
    expect(allowed('http://api.example.com:8080/x', ['api.example.com:9090'])).toBe(false);
    expect(allowed('https://api.example.com/x', ['api.example.com:443'])).toBe(true);
    expect(allowed('http://a.b.example.com/x', ['*.example.com'])).toBe(true);
    expect(allowed('http://example.com/x', ['*.example.com'])).toBe(false);
    expect(allowed('http://evil-example.com/x', ['*.example.com'])).toBe(false);
    expect(allowed('http://[::1]:9090/x', ['[::1]:9090'])).toBe(true);
    expect(allowed('http://anything.test/x', ['*'])).toBe(true);
    expect(allowed('http://anything.test/x', [])).toBe(false);
  });

  it('reads a comma- or space-separated setting', () => {
    expect(parseHostList(' a.com, b.com:80  *.c.com ')).toEqual(['a.com', 'b.com:80', '*.c.com']);
    expect(parseHostList('')).toEqual([]);
  });
});

describe('selectors (JMESPath)', () => {
  it('reports a syntax error with the parser message and accepts functions', () => {
    expect(selectorSyntaxError('a[')).toMatch(/Syntax error/);
    expect(selectorSyntaxError('sum(items[].n)')).toBeNull();
    expect(evaluateSelector('sum(items[].n)', { items: [{ n: 1 }, { n: 2.5 }] })).toBe(3.5);
    expect(evaluateSelector('missing.path', { a: 1 })).toBeNull();
  });

  it('turns results into stream values', () => {
    expect(toPointValue(4)).toBe(4);
    expect(toPointValue(' 12.5 ')).toBe(12.5);
    expect(toPointValue(true)).toBe(1);
    expect(toPointValue('degraded')).toEqual({ value: 'degraded' });
    expect(toPointValue([{ a: 1 }])).toEqual({ items: [{ a: 1 }] });
    expect(toPointValue({ status: 'ok' })).toEqual({ status: 'ok' });
    expect(toPointValue(null)).toBeNull();
    expect(toPointValue('NaN')).toEqual({ value: 'NaN' });
  });
});

describe('prometheus series streams', () => {
  it('names one stream per series by its label values, in label-name order', () => {
    expect(seriesStream('up', { __name__: 'up' })).toBe('up');
    expect(seriesStream('up', { __name__: 'up', job: 'node', instance: 'host-1:9100' })).toBe('up.host-1:9100.node');
    expect(seriesStream('req', { path: '/api/x y' })).toBe('req._api_x_y');
  });
});

describe('fetch failure names', () => {
  const undiciError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`getaddrinfo ${code} x`), { code }) });
  const url = new URL('http://metrics.internal:9090/q');

  // A real DNS failure would need a lookup through the machine's resolver, which tests must not reach.
  it('names DNS failures, refused connections and timeouts', () => {
    expect(classifyFetchError(undiciError('ENOTFOUND'), url, 1000, false)).toMatchObject({ code: 'dns', message: 'DNS lookup of "metrics.internal" failed (ENOTFOUND)' });
    expect(classifyFetchError(undiciError('EAI_AGAIN'), url, 1000, false).code).toBe('dns');
    expect(classifyFetchError(undiciError('ECONNREFUSED'), url, 1000, false).message).toBe('connection to metrics.internal:9090 refused');
    expect(classifyFetchError(new Error('aborted'), url, 1000, true).message).toBe('no answer from metrics.internal:9090 within 1000 ms');
    expect(classifyFetchError(undiciError('ECONNRESET'), url, 1000, false)).toMatchObject({ code: 'network', message: expect.stringContaining('ECONNRESET') });
  });
});

describe('HostLimiter', () => {
  it('lets at most `limit` requests per host run at once, the rest in arrival order', async () => {
    const limiter = new HostLimiter(2);
    const order: string[] = [];
    const a = await limiter.acquire('h');
    const b = await limiter.acquire('h');
    const other = await limiter.acquire('other');
    const c = limiter.acquire('h').then((release) => (order.push('c'), release));
    const d = limiter.acquire('h').then((release) => (order.push('d'), release));
    expect(limiter.stats('h')).toEqual({ active: 2, waiting: 2 });
    a();
    a(); // a second call frees nothing more
    (await c)();
    b();
    (await d)();
    other();
    expect(order).toEqual(['c', 'd']);
    expect(limiter.stats('h')).toEqual({ active: 0, waiting: 0 });
  });
});
