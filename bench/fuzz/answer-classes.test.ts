import { describe, expect, it } from 'vitest';
import { classifyClose, classifyHttp, classifyMessage, Tally } from './answer-classes.js';

describe('the fuzz oracle', () => {
  it('flags internal, undocumented codes, 5xx and unknown close codes, and passes documented answers', () => {
    const tally = new Tally();
    classifyMessage({ type: 'error', code: 'bad_message', message: 'x' }, tally, 't');
    classifyMessage({ type: 'ack', dashboardId: 'd', mutationId: 1, status: 'rejected', error: { code: 'unknown_mutator', message: 'x' } }, tally, 't');
    classifyHttp(400, '{"error":{"code":"bad_request","message":"x"}}', tally, 't');
    classifyHttp(401, 'Invalid API key', tally, 't');
    classifyClose(1009, '', tally, 't');
    expect(tally.violations).toEqual([]);

    classifyMessage({ type: 'error', code: 'internal', message: 'boom' }, tally, 'a');
    classifyMessage({ type: 'error', code: 'made_up', message: 'x' }, tally, 'b');
    classifyMessage({ type: 'ack', dashboardId: 'd', mutationId: 1, status: 'rejected', error: { code: 'made_up', message: 'x' } }, tally, 'c');
    classifyHttp(500, '{"error":{"code":"internal","message":"x"}}', tally, 'd');
    classifyHttp(400, 'plain text', tally, 'e');
    classifyClose(1011, 'internal error', tally, 'f');
    expect(tally.violations.map((v) => v[0])).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(tally.total('VIOLATION')).toBe(6);
  });
});
