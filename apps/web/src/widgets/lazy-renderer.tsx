import { lazy, useState, type ComponentType } from 'react';
import type { RendererChunk } from './renderer-chunks';
import type { WidgetProps } from './widget-props';

/**
 * The component of a renderer in its own chunk. Once the chunk has arrived (preloaded, say:
 * preloadRenderers), a widget mounting renders it at once instead of suspending until React
 * retries it (React.lazy suspends on first use even when the chunk is already there, and
 * React holds the retry back up to 300 ms). A widget that mounted before keeps the lazy
 * wrapper (switching component types would remount it).
 */
export function lazyRenderer(chunk: RendererChunk): ComponentType<WidgetProps> {
  const Lazy = lazy(() => chunk.load().then((component) => ({ default: component })));
  return function LazyRenderer(props: WidgetProps) {
    const [Body] = useState<ComponentType<WidgetProps>>(() => chunk.loaded ?? Lazy);
    return <Body {...props} />;
  };
}
