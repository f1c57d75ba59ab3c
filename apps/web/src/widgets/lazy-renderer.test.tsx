// @vitest-environment jsdom
import { Suspense, type ComponentType } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/preact';
import { lazyRenderer } from './lazy-renderer';
import type { RendererChunk } from './renderer-chunks';
import type { WidgetProps } from './widget-props';

afterEach(cleanup);

function Chart({ widget }: WidgetProps) {
  return <div data-testid="chart">{widget.title}</div>;
}

/** A chunk whose load the test settles; counts the loads asked for. */
function controlledChunk() {
  let resolve: (component: ComponentType<WidgetProps>) => void = () => {};
  let loaded: ComponentType<WidgetProps> | null = null;
  let loads = 0;
  const promise = new Promise<ComponentType<WidgetProps>>((r) => (resolve = r)).then((component) => (loaded = component));
  const chunk: RendererChunk = {
    load: () => {
      loads += 1;
      return promise;
    },
    get loaded() {
      return loaded;
    },
  };
  return { chunk, arrive: () => resolve(Chart), loads: () => loads, settled: promise };
}

const props = { widget: { id: 'w1', type: 'line', title: 'latency', layout: { x: 0, y: 0, w: 4, h: 3 }, options: {} }, data: {} } as unknown as WidgetProps;

function mount(Body: ComponentType<WidgetProps>) {
  return render(
    <Suspense fallback={<div data-testid="fallback" />}>
      <Body {...props} />
    </Suspense>,
  );
}

describe('lazyRenderer', () => {
  it('suspends while its chunk is still loading, then shows the renderer', async () => {
    const { chunk, arrive, loads } = controlledChunk();
    mount(lazyRenderer(chunk));
    expect(screen.queryByTestId('fallback')).not.toBeNull();
    expect(screen.queryByTestId('chart')).toBeNull();
    expect(loads()).toBe(1);
    arrive();
    expect((await screen.findByTestId('chart')).textContent).toBe('latency');
  });

  it('renders at once, without suspending, once the chunk has arrived (preloaded)', async () => {
    const { chunk, arrive, settled } = controlledChunk();
    const Body = lazyRenderer(chunk);
    void chunk.load();
    arrive();
    await settled;
    mount(Body);
    // Synchronously in the first render: no fallback, no retry.
    expect(screen.queryByTestId('fallback')).toBeNull();
    expect(screen.getByTestId('chart').textContent).toBe('latency');
  });
});
