/**
 * Test-only: the browser APIs jsdom lacks and uPlot needs (matchMedia, a 2D canvas
 * context, Path2D, ResizeObserver). Import it first in a jsdom test file, before any widget, as
 * uPlot calls matchMedia when its module loads. Nothing of a widget is stubbed.
 */

function noop(): void {}

if (typeof window !== 'undefined') {
  if (typeof window.matchMedia !== 'function') {
    window.matchMedia = ((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: noop,
      removeListener: noop,
      addEventListener: noop,
      removeEventListener: noop,
      dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
  }

  const fakeContext = (canvas: HTMLCanvasElement): CanvasRenderingContext2D => {
    const state: Record<string | symbol, unknown> = {
      canvas,
      measureText: (text: string) => ({ width: text.length * 7, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
      createLinearGradient: () => ({ addColorStop: noop }),
      getImageData: () => ({ data: new Uint8ClampedArray(4) }),
      getLineDash: () => [],
    };
    return new Proxy(state, {
      get: (target, prop) => (prop in target ? target[prop] : noop),
      set: (target, prop, value) => {
        target[prop] = value;
        return true;
      },
    }) as unknown as CanvasRenderingContext2D;
  };
  HTMLCanvasElement.prototype.getContext = function getContext(this: HTMLCanvasElement) {
    return fakeContext(this);
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;

  if (typeof globalThis.Path2D === 'undefined') {
    globalThis.Path2D = class {
      moveTo = noop;
      lineTo = noop;
      bezierCurveTo = noop;
      quadraticCurveTo = noop;
      arc = noop;
      rect = noop;
      closePath = noop;
      addPath = noop;
    } as unknown as typeof Path2D;
  }

  if (typeof globalThis.ResizeObserver === 'undefined') {
    globalThis.ResizeObserver = class {
      observe = noop;
      unobserve = noop;
      disconnect = noop;
    } as unknown as typeof ResizeObserver;
  }
}

export {};
