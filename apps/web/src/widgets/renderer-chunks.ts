/**
 * The widget renderers that come in their own chunk (uPlot's line chart, the markdown
 * pipeline's text), loaded once each. No React here: the boot script (apps/web/src/app/boot.ts)
 * preloads them for the route's dashboard before React itself is evaluated.
 */
import type { ComponentType } from 'react';
import type { WidgetProps } from './widget-props';

/** One renderer's chunk: loads once (a failed load may be retried); `loaded` once it has arrived. */
export interface RendererChunk {
  load(): Promise<ComponentType<WidgetProps>>;
  readonly loaded: ComponentType<WidgetProps> | null;
}

function rendererChunk(importRenderer: () => Promise<ComponentType<WidgetProps>>): RendererChunk {
  let loaded: ComponentType<WidgetProps> | null = null;
  let loading: Promise<ComponentType<WidgetProps>> | null = null;
  return {
    load: () =>
      (loading ??= importRenderer().then(
        (component) => (loaded = component),
        (error: unknown) => {
          loading = null;
          throw error;
        },
      )),
    get loaded() {
      return loaded;
    },
  };
}

export const RENDERER_CHUNKS = {
  line: rendererChunk(() => import('./LineWidget').then((m) => m.LineWidget)),
  text: rendererChunk(() => import('./TextWidget').then((m) => m.TextWidget)),
} as const satisfies Record<string, RendererChunk>;

/**
 * Starts loading the renderers of these widget types that come in their own chunk, as soon
 * as a dashboard's document is known: its line charts then mount with the other widgets
 * instead of a round trip after them. A failure is left to the widget's own render, whose
 * error boundary says so.
 */
export function preloadRenderers(types: Iterable<string>): void {
  for (const type of types) {
    if (Object.hasOwn(RENDERER_CHUNKS, type)) RENDERER_CHUNKS[type as keyof typeof RENDERER_CHUNKS].load().catch(() => {});
  }
}
