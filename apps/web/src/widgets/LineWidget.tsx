import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import { cancelDraw, drawNextFrame } from './chart-draws';
import { formatTimeTick, isolatedPoints, lineSeriesOf, tickLabelFits, toAlignedColumns, type LineSeriesSpec } from './line-series';
import { getThemeVersion, readThemeVar, subscribeTheme, withAlpha } from './theme-store';
import { WidgetEmpty } from './WidgetEmpty';
import type { WidgetProps } from './widget-props';
import { formatOptionsOf, formatValue, numberOption, pickNumber, type FormatOptions } from './widget-data';

/** Series colours, as CSS variables with hex fallbacks (canvas needs real colours). */
const SERIES_COLORS: ReadonlyArray<[string, string]> = [
  ['--pb-series-1', '#5b9cf6'],
  ['--pb-series-2', '#3ecf8e'],
  ['--pb-series-3', '#f5a524'],
  ['--pb-series-4', '#e5484d'],
  ['--pb-series-5', '#a78bfa'],
  ['--pb-series-6', '#22c3d6'],
  ['--pb-series-7', '#f472b6'],
  ['--pb-series-8', '#a3b1c2'],
];

/** Space right of the plot area, in CSS pixels. */
const PLOT_PADDING_RIGHT_PX = 12;

/** Size used until the container has been measured (and in jsdom, which has no layout). */
const FALLBACK_SIZE = { width: 320, height: 160 };

/**
 * A time series drawn by uPlot. The chart is created once per set of series (and theme)
 * and fed with `setData` on every update, so it keeps up with 10+ updates a second; a
 * ResizeObserver keeps it fitted to its cell. Options: field, fields, unit, decimals,
 * min, max, windowMs.
 */
export function LineWidget({ widget, data }: WidgetProps) {
  const { options } = widget;
  const plotHostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const themeVersion = useSyncExternalStore(subscribeTheme, getThemeVersion, getThemeVersion);

  const seriesSpec = lineSeriesOf(options, data.latest);
  const seriesSig = seriesSpec.map((s) => `${s.field ?? ''}\u0001${s.label}`).join('\u0000');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the signature, not the array identity
  const series = useMemo(() => seriesSpec, [seriesSig]);
  const columns = useMemo(() => toAlignedColumns(data, series, options), [data, series, options]);
  // Keyed by value: a shell that rebuilds widget objects on every update must not rebuild the chart.
  const formatKey = JSON.stringify(formatOptionsOf(options));
  const format = useMemo(() => JSON.parse(formatKey) as FormatOptions, [formatKey]);
  const min = numberOption(options, 'min');
  const max = numberOption(options, 'max');

  const columnsRef = useRef(columns);
  columnsRef.current = columns;

  useEffect(() => {
    const host = plotHostRef.current;
    if (!host) return;
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    const cancel = measureThenBuild(host, ({ width, height }) => {
      const colors = series.map((_, i) => {
        const [name, fallback] = SERIES_COLORS[i % SERIES_COLORS.length]!;
        return readThemeVar(name, fallback);
      });
      const opts = buildPlotOptions({
        width: width || FALLBACK_SIZE.width,
        height: height || FALLBACK_SIZE.height,
        series,
        colors,
        axisColor: readThemeVar('--pb-text-muted', '#8b95a7'),
        gridColor: readThemeVar('--pb-chart-grid', '#26303d'),
        format,
        min,
        max,
      });
      const built = new uPlot(opts, columnsRef.current as uPlot.AlignedData, host);
      plot = plotRef.current = built;
      if (typeof ResizeObserver === 'undefined') return;
      observer = new ResizeObserver((entries) => {
        const rect = entries[0]?.contentRect;
        if (!rect || rect.width < 1 || rect.height < 1) return;
        const w = Math.floor(rect.width);
        const h = Math.floor(rect.height);
        if (w !== built.width || h !== built.height) built.setSize({ width: w, height: h });
      });
      observer.observe(host);
    });
    return () => {
      cancel();
      observer?.disconnect();
      if (plot) cancelDraw(plot);
      plot?.destroy();
      plotRef.current = null;
    };
  }, [series, format, min, max, themeVersion]);

  useEffect(() => {
    const plot = plotRef.current;
    // At the next frame's start, not in this commit: see chart-draws.ts.
    if (plot) drawNextFrame(plot, () => plot.setData(columns as uPlot.AlignedData));
  }, [columns]);

  const hasPoints = columns[0].length > 0;
  return (
    <div className="pb-line">
      {hasPoints ? <LineLegend series={series} latest={data.latest} format={format} /> : null}
      <div className={`pb-line__plot${hasPoints ? '' : ' pb-line__plot--empty'}`} ref={plotHostRef} data-testid="line-plot" />
      {hasPoints ? null : (
        <div className="pb-line__overlay">
          <WidgetEmpty widget={widget} />
        </div>
      )}
    </div>
  );
}

/** Charts waiting to be built this turn, with what builds each. */
const toBuild = new Map<HTMLElement, (size: { width: number; height: number }) => void>();

/**
 * Builds a chart at the size of its host, together with every other chart mounted in the same
 * commit: all hosts are measured first, then all charts built (a microtask later, before the
 * frame paints). Measuring each host right after building the previous chart would lay the
 * page out once per chart. Returns a cancel for an unmount before the build.
 */
function measureThenBuild(host: HTMLElement, build: (size: { width: number; height: number }) => void): () => void {
  if (toBuild.size === 0) {
    queueMicrotask(() => {
      const batch = [...toBuild].map(([el, run]) => ({ run, size: { width: el.clientWidth, height: el.clientHeight } }));
      toBuild.clear();
      for (const { run, size } of batch) {
        try {
          run(size);
        } catch (error) {
          // One chart that cannot be built must not stop the others.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    });
  }
  toBuild.set(host, build);
  return () => {
    if (toBuild.get(host) === build) toBuild.delete(host);
  };
}

/** The latest value of each line, with its colour swatch; the big readable number of a chart. */
function LineLegend({ series, latest, format }: { series: readonly LineSeriesSpec[]; latest: WidgetProps['data']['latest']; format: FormatOptions }) {
  const single = series.length === 1;
  return (
    <div className={`pb-line__legend${single ? ' pb-line__legend--single' : ''}`}>
      {series.map((s, i) => (
        <span className="pb-line__legend-item" key={`${s.field ?? ''}-${i}`}>
          {single ? null : <span className="pb-line__swatch" style={{ background: `var(${SERIES_COLORS[i % SERIES_COLORS.length]![0]})` }} />}
          {single ? null : <span className="pb-line__legend-label">{s.label}</span>}
          <span className="pb-line__legend-value" data-testid="line-latest">
            {formatValue(pickNumber(latest, s.field ?? undefined), format).text}
          </span>
        </span>
      ))}
    </div>
  );
}

interface PlotOptionsInput {
  width: number;
  height: number;
  series: readonly LineSeriesSpec[];
  colors: string[];
  axisColor: string;
  gridColor: string;
  format: FormatOptions;
  min: number | undefined;
  max: number | undefined;
}

function buildPlotOptions(input: PlotOptionsInput): uPlot.Options {
  const { series, colors, axisColor, gridColor, format, min, max } = input;
  const font = '12px Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  const single = series.length === 1;
  // Long units ("req/s") crowd the axis; the legend already names them.
  const axisFormat: FormatOptions = { ...format, compact: true, unit: (format.unit ?? '').length <= 2 ? format.unit : '' };
  return {
    width: input.width,
    height: input.height,
    ms: 1,
    padding: [10, PLOT_PADDING_RIGHT_PX, 0, 0],
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 7 } },
    scales: {
      x: { time: true },
      y: {
        range: (_u, dataMin, dataMax) => {
          const lo = min ?? (dataMin === dataMax ? dataMin - 1 : dataMin - (dataMax - dataMin) * 0.08);
          const hi = max ?? (dataMin === dataMax ? dataMax + 1 : dataMax + (dataMax - dataMin) * 0.08);
          return [lo, hi];
        },
      },
    },
    axes: [
      {
        stroke: axisColor,
        font,
        grid: { stroke: gridColor, width: 1 },
        ticks: { show: false },
        size: 26,
        gap: 6,
        space: 90,
        // A label that would stick out of the canvas is dropped rather than cut in half.
        values: (u, splits, _axisIdx, _space, incr) => {
          const plotLeft = u.bbox.left / uPlot.pxRatio;
          const plotRight = (u.bbox.left + u.bbox.width) / uPlot.pxRatio;
          return splits.map((ts) => {
            const label = formatTimeTick(ts, incr);
            const x = u.valToPos(ts, 'x');
            return tickLabelFits(label, x, -plotLeft, plotRight - plotLeft + PLOT_PADDING_RIGHT_PX) ? label : null;
          });
        },
      },
      {
        stroke: axisColor,
        font,
        grid: { stroke: gridColor, width: 1 },
        ticks: { show: false },
        gap: 8,
        values: (_u, splits) => splits.map((v) => formatValue(v, axisFormat).text),
        size: (_u, values) => {
          const longest = values ? Math.max(0, ...values.map((v) => String(v).length)) : 4;
          return Math.ceil(longest * 7.2 + 18);
        },
      },
    ],
    series: [
      {},
      ...series.map((s, i) => {
        const color = colors[i]!;
        return {
          label: s.label,
          stroke: color,
          width: 2,
          // Nulls are deliberate breaks (a silent stream); undefined (a push without this field) is joined over.
          spanGaps: false,
          // Only a point between two breaks gets a dot: no line can be drawn through it.
          points: { show: false, size: 5, filter: (u: uPlot, seriesIdx: number) => isolatedPoints(u.data[seriesIdx] ?? []) },
          ...(single
            ? {
                fill: (u: uPlot) => {
                  const gradient = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height);
                  gradient.addColorStop(0, withAlpha(color, 0.32));
                  gradient.addColorStop(1, withAlpha(color, 0));
                  return gradient;
                },
              }
            : {}),
        } satisfies uPlot.Series;
      }),
    ],
  };
}

