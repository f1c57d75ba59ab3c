// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/preact';
import type { LayoutItem } from 'react-grid-layout';
import { bottom, calcGridItemPosition, correctBounds, getCompactor, setTransform } from 'react-grid-layout/core';
import { breakpointColumns, layoutsFor, type Dashboard, type Widget } from '@pulseboard/model';
import { GRID_MARGIN_PX, ROW_HEIGHT_PX, gridItems } from './grid-layout';
import { StaticGrid } from './StaticGrid';

afterEach(cleanup);

const widget = (id: string, x: number, y: number, w: number, h: number): Widget => ({ id, type: 'stat', title: id, layout: { x, y, w, h }, options: {} });
const BOARD: Pick<Dashboard, 'widgets' | 'columns'> = {
  columns: 12,
  widgets: {
    cpu: widget('cpu', 0, 0, 3, 2),
    mem: widget('mem', 3, 0, 3, 2),
    net: widget('net', 6, 0, 6, 3),
    disk: widget('disk', 0, 2, 4, 2),
    errs: widget('errs', 4, 3, 8, 4),
  },
};

/** Each cell's box (transform, width, height) by widget id, as the page styles it. */
function boxes(container: Element): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of container.querySelectorAll<HTMLElement>('[data-id]')) out[el.dataset.id!] = `${el.style.transform} ${el.style.width}×${el.style.height}`;
  return out;
}

function gridHeight(container: Element): string {
  return container.querySelector<HTMLElement>('.pb-static-grid')!.style.height;
}

/**
 * Where react-grid-layout's grid puts the items, from its own layout code (react-grid-layout/core,
 * which renders nothing: the component needs React's renderer, and the app's tests run on Preact):
 * the layout corrected and compacted as its GridLayout does, each item's box from
 * calcGridItemPosition and setTransform, the height as GridLayout sizes its container.
 */
function rglPlacement(layout: LayoutItem[], cols: number, width: number): { boxes: Record<string, string>; height: string } {
  const params = { cols, containerWidth: width, rowHeight: ROW_HEIGHT_PX, margin: [GRID_MARGIN_PX, GRID_MARGIN_PX] as const, containerPadding: [0, 0] as const, maxRows: Infinity };
  const placed = getCompactor('vertical').compact(correctBounds(layout.map((item) => ({ ...item })), { cols }), cols);
  const boxes: Record<string, string> = {};
  for (const { i, x, y, w, h } of placed) {
    const style = setTransform(calcGridItemPosition(params, x, y, w, h));
    boxes[i] = `${style.transform} ${style.width}×${style.height}`;
  }
  const rows = bottom(placed);
  return { boxes, height: `${rows * ROW_HEIGHT_PX + (rows - 1) * GRID_MARGIN_PX}px` };
}

function renderStatic(layout: LayoutItem[], cols: number, width: number): Element {
  return render(
    <StaticGrid layout={layout} geometry={{ cols, width, rowHeight: ROW_HEIGHT_PX, margin: GRID_MARGIN_PX }} renderItem={(item, style) => <div data-id={item.i} style={style} />} />,
  ).container;
}

describe('StaticGrid', () => {
  it('mounts every cell of a large board after a moment in a hidden page, whose frames wait', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('requestAnimationFrame', () => 1);
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      const widgets: Record<string, Widget> = {};
      for (let n = 0; n < 16; n++) widgets[`w${n}`] = widget(`w${n}`, (n % 4) * 3, Math.floor(n / 4) * 2, 3, 2);
      const layout = gridItems(layoutsFor({ columns: 12, widgets }, 'lg'));
      const { container } = render(
        <StaticGrid layout={layout} geometry={{ cols: 12, width: 1200, rowHeight: ROW_HEIGHT_PX, margin: GRID_MARGIN_PX }} renderItem={(item, style) => <div key={item.i} data-id={item.i} style={style} />} />,
      );
      expect(Object.keys(boxes(container))).toHaveLength(12);
      act(() => {
      vi.advanceTimersByTime(199);
    });
      expect(Object.keys(boxes(container))).toHaveLength(12);
      act(() => {
      vi.advanceTimersByTime(1);
    });
      expect(Object.keys(boxes(container))).toHaveLength(16);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });

  it("mounts a large board's top twelve cells first, in reading order, and the rest once that frame is painted", () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    try {
      // 20 cells, 4 per row of 3 columns each, given bottom row first.
      const widgets: Record<string, Widget> = {};
      for (let n = 19; n >= 0; n--) widgets[`w${n}`] = widget(`w${n}`, (n % 4) * 3, Math.floor(n / 4) * 2, 3, 2);
      const layout = gridItems(layoutsFor({ columns: 12, widgets }, 'lg'));
      const { container } = render(
        <StaticGrid layout={layout} geometry={{ cols: 12, width: 1200, rowHeight: ROW_HEIGHT_PX, margin: GRID_MARGIN_PX }} renderItem={(item, style) => <div key={item.i} data-id={item.i} style={style} />} />,
      );
      const mounted = () => Object.keys(boxes(container)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
      expect(mounted()).toEqual(Array.from({ length: 12 }, (_, n) => `w${n}`));
      // The grid has the whole board's height from the start: nothing below moves when the rest arrives.
      const height = gridHeight(container);
      act(() => {
      vi.advanceTimersToNextFrame();
    });
      act(() => {
      vi.runOnlyPendingTimers();
    });
      expect(mounted()).toHaveLength(20);
      expect(gridHeight(container)).toBe(height);
      expect(Number.parseFloat(height)).toBeGreaterThan(4 * 2 * ROW_HEIGHT_PX);
    } finally {
      vi.useRealTimers();
    }
  });

  it('places every widget where react-grid-layout does, at each breakpoint and width', () => {
    for (const [breakpoint, width] of [
      ['lg', 1387],
      ['lg', 1200],
      ['md', 1000],
      ['sm', 801],
      ['xs', 375],
    ] as const) {
      const layout = gridItems(layoutsFor(BOARD, breakpoint));
      const cols = breakpointColumns(BOARD.columns, breakpoint);
      const light = renderStatic(layout, cols, width);
      const rgl = rglPlacement(layout, cols, width);
      expect(boxes(light), `${breakpoint} at ${width}px`).toEqual(rgl.boxes);
      expect(Object.keys(boxes(light))).toHaveLength(5);
      expect(gridHeight(light), `${breakpoint} height`).toBe(rgl.height);
      cleanup();
    }
  });

  it('shows the phone (xs) layout in its two columns', () => {
    const layout = gridItems(layoutsFor(BOARD, 'xs'));
    const b = boxes(renderStatic(layout, 2, 375));
    // Columns of (375 - 14) / 2 = 180.5 px, rows of 84 px with 14 px gaps.
    expect(b.cpu).toBe('translate(0px,0px) 181px×182px');
    expect(b.mem).toBe('translate(195px,0px) 180px×182px');
    expect(b.disk).toBe('translate(0px,196px) 181px×182px');
    expect(b.net).toBe('translate(195px,196px) 180px×280px');
  });

  it('shows a remote drag preview where it is dragged, the others making room', () => {
    // Another viewer drags cpu onto mem's place: cpu stays there, mem moves down below it.
    const layout = gridItems(layoutsFor(BOARD, 'lg'), { cpu: { x: 3, y: 0, w: 3, h: 2 } });
    const light = render(
      <StaticGrid
        layout={layout}
        geometry={{ cols: 12, width: 1200, rowHeight: ROW_HEIGHT_PX, margin: GRID_MARGIN_PX }}
        priority="cpu"
        renderItem={(item, style) => <div data-id={item.i} style={style} />}
      />,
    ).container;
    const b = boxes(light);
    // Columns of (1200 - 11 × 14) / 12 = 87.17 px; rows of 84 px with 14 px gaps.
    expect(b.cpu).toBe('translate(304px,0px) 289px×182px');
    expect(b.mem).toBe('translate(304px,196px) 289px×182px');
    // No two widgets overlap, and the grid is as tall as its lowest widget.
    const rects = [...light.querySelectorAll<HTMLElement>('[data-id]')].map((el) => {
      const [left, top] = el.style.transform.match(/-?\d+/g)!.map(Number);
      return { left: left!, top: top!, right: left! + parseFloat(el.style.width), bottom: top! + parseFloat(el.style.height) };
    });
    for (const a of rects) for (const o of rects) if (a !== o) expect(a.left < o.right && o.left < a.right && a.top < o.bottom && o.top < a.bottom).toBe(false);
    expect(gridHeight(light)).toBe(`${Math.max(...rects.map((r) => r.bottom))}px`);
  });
});
