import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cancelDraw, drawNextFrame } from './chart-draws';

/** A requestAnimationFrame whose frames the test runs: callbacks in the order they were requested. */
function fakeFrames() {
  let queue: Array<() => void> = [];
  vi.stubGlobal('requestAnimationFrame', (callback: () => void) => queue.push(callback));
  return {
    requested: () => queue.length,
    run() {
      const callbacks = queue;
      queue = [];
      for (const callback of callbacks) callback();
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('drawNextFrame', () => {
  it('draws at once where there are no animation frames (Node, jsdom without them)', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    const draw = vi.fn();
    drawNextFrame({}, draw);
    expect(draw).toHaveBeenCalledTimes(1);
  });

  describe('with animation frames', () => {
    let frames: ReturnType<typeof fakeFrames>;
    beforeEach(() => {
      frames = fakeFrames();
    });

    it('draws every queued chart in the next frame, with one frame requested for all', () => {
      const drawn: string[] = [];
      drawNextFrame({}, () => drawn.push('a'));
      drawNextFrame({}, () => drawn.push('b'));
      expect(drawn).toEqual([]);
      expect(frames.requested()).toBe(1);
      frames.run();
      expect(drawn).toEqual(['a', 'b']);
      frames.run();
      expect(drawn).toEqual(['a', 'b']);
    });

    it("draws only a chart's latest data", () => {
      const chart = {};
      const drawn: number[] = [];
      for (let i = 1; i <= 3; i++) drawNextFrame(chart, () => drawn.push(i));
      frames.run();
      expect(drawn).toEqual([3]);
    });

    it('runs before what the frame applies afterwards (the update processor asks for its frame later)', () => {
      const order: string[] = [];
      drawNextFrame({}, () => order.push('chart'));
      requestAnimationFrame(() => order.push('updates'));
      frames.run();
      expect(order).toEqual(['chart', 'updates']);
    });

    it('drops the draw of a chart that went away', () => {
      const chart = {};
      const draw = vi.fn();
      drawNextFrame(chart, draw);
      cancelDraw(chart);
      frames.run();
      expect(draw).not.toHaveBeenCalled();
    });

    it('draws the other charts when one throws, and reports the error', () => {
      const reported: unknown[] = [];
      vi.stubGlobal('queueMicrotask', (task: () => void) => {
        try {
          task();
        } catch (error) {
          reported.push(error);
        }
      });
      const draw = vi.fn();
      drawNextFrame({}, () => {
        throw new Error('no canvas');
      });
      drawNextFrame({}, draw);
      frames.run();
      expect(draw).toHaveBeenCalledTimes(1);
      expect(reported).toEqual([new Error('no canvas')]);
    });

    it('queues a new frame for draws asked for during a frame', () => {
      const drawn: string[] = [];
      drawNextFrame({}, () => {
        drawn.push('first');
        drawNextFrame({}, () => drawn.push('second'));
      });
      frames.run();
      expect(drawn).toEqual(['first']);
      frames.run();
      expect(drawn).toEqual(['first', 'second']);
    });
  });
});
