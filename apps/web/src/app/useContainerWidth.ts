import { useLayoutEffect, useRef, useState } from 'react';

/** What useContainerWidth gives: the element's content width in px, once measured. */
export interface ContainerWidth {
  width: number;
  /** False until the first measure: render nothing width-dependent before it. */
  mounted: boolean;
  containerRef: React.RefObject<HTMLDivElement | null>;
}

/** The width assumed before the first measure, as react-grid-layout's hook assumes it. */
const INITIAL_WIDTH_PX = 1280;

function contentWidth(node: HTMLElement): number {
  const width = Number.parseFloat(getComputedStyle(node).width);
  return Math.round(Math.max(0, Number.isFinite(width) ? width : node.clientWidth));
}

/**
 * The width of the element `containerRef` is put on, measured before the first render of
 * what depends on it and kept up to date (a ResizeObserver, one update per frame). Does what
 * react-grid-layout's `useContainerWidth({ measureBeforeMount: true })` does, without importing
 * that package: its module pulls the layout engine's modules into the graph of every viewer.
 */
export function useContainerWidth(): ContainerWidth {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(INITIAL_WIDTH_PX);
  const [mounted, setMounted] = useState(false);
  // A layout effect: the measured render replaces the empty one before the browser paints.
  useLayoutEffect(() => {
    const node = containerRef.current;
    if (!node) return;
    setWidth(contentWidth(node));
    setMounted(true);
    if (typeof ResizeObserver === 'undefined') return;
    let frame: number | null = null;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (!entry) return;
      const next = Math.round(entry.contentRect.width);
      if (frame !== null) cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        frame = null;
        setWidth(next);
      });
    });
    observer.observe(node);
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);
  return { width, mounted, containerRef };
}
