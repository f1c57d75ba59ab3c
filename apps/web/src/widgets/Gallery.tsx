import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import type { Widget } from '@pulseboard/model';
import { gallerySamples, sampleWidget, wave } from './gallery-samples';
import { WidgetIcon } from './WidgetIcon';
import { WidgetView } from './WidgetView';
import { WIDGET_TYPE_LIST } from './widget-types';
import type { WidgetData } from './widget-data';
import type { WidgetProps } from './widget-props';

/** Points a second the live samples push: the rate the line widget must keep up with. */
const LIVE_RATE_HZ = 10;
/** How much live history the samples keep. */
const LIVE_HISTORY_POINTS = 600;

type ThemeChoice = 'auto' | 'dark' | 'light';

function liveCpu(i: number) {
  return { cpu: Math.max(0, wave(i, 48, 14, 90)), memory: wave(i, 66, 4, 240), io: Math.max(0, wave(i, 18, 9, 55)) };
}

function liveRequests(i: number) {
  return Math.max(0, Math.round(wave(i, 1450, 240, 120) + (i % 37 === 0 ? 400 : 0)));
}

/** Simulated 10 Hz streams, so the gallery shows widgets under a realistic update rate. */
function useLiveStreams(running: boolean): { cpu: WidgetData; requests: WidgetData } {
  const [tick, setTick] = useState(LIVE_HISTORY_POINTS);
  const [start] = useState(() => Date.now() - LIVE_HISTORY_POINTS * (1000 / LIVE_RATE_HZ));
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((t) => t + 1), 1000 / LIVE_RATE_HZ);
    return () => clearInterval(timer);
  }, [running]);
  return useMemo(() => {
    const from = Math.max(0, tick - LIVE_HISTORY_POINTS);
    const stepMs = 1000 / LIVE_RATE_HZ;
    const cpuHistory = [];
    const reqHistory = [];
    for (let i = from; i < tick; i++) {
      const ts = Math.round(start + i * stepMs);
      cpuHistory.push({ ts, value: liveCpu(i) });
      reqHistory.push({ ts, value: liveRequests(i) });
    }
    const lastCpu = cpuHistory[cpuHistory.length - 1]!;
    const lastReq = reqHistory[reqHistory.length - 1]!;
    return {
      cpu: { latest: lastCpu.value, latestTs: lastCpu.ts, history: cpuHistory },
      requests: { latest: lastReq.value, latestTs: lastReq.ts, history: reqHistory },
    };
  }, [tick, start]);
}

/** Renders a widget that always throws: shows the per-widget error boundary at work. */
function BrokenBody(_props: WidgetProps): never {
  throw new Error("Cannot read properties of undefined (reading 'value')");
}

const BROKEN_RENDERERS = { stat: BrokenBody };

const LIVE_WIDGETS: Widget[] = [
  sampleWidget('live-cpu', 'line', 'Cluster resources', { x: 0, y: 0, w: 6, h: 3 }, { unit: '%', fields: ['cpu', 'memory', 'io'], min: 0, max: 100 }, 'cluster.resources'),
  sampleWidget('live-req', 'line', 'Requests per second', { x: 6, y: 0, w: 4, h: 3 }, { unit: 'req/s' }, 'http.rps'),
  sampleWidget('live-stat', 'stat', 'Throughput', { x: 10, y: 0, w: 2, h: 3 }, { unit: 'req/s', compact: true }, 'http.rps'),
];

function cellStyle(layout: Widget['layout'], rowOffset: number): CSSProperties {
  return { gridColumn: `${layout.x + 1} / span ${layout.w}`, gridRow: `${layout.y + rowOffset + 1} / span ${layout.h}` };
}

function currentTheme(): ThemeChoice {
  const applied = typeof document === 'undefined' ? null : document.documentElement.getAttribute('data-theme');
  return applied === 'dark' || applied === 'light' ? applied : 'auto';
}

/** The development gallery: every widget type with sample and live data, plus the shared UI pieces. */
export function Gallery() {
  // Starts from the theme the app applied, so opening the gallery does not switch it.
  const [theme, setTheme] = useState<ThemeChoice>(currentTheme);
  const [running, setRunning] = useState(true);
  const live = useLiveStreams(running);
  const [samples] = useState(() => gallerySamples(Date.now()));

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'auto') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);

  const liveData: Record<string, WidgetData> = { 'live-cpu': live.cpu, 'live-req': live.requests, 'live-stat': live.requests };

  return (
    <div className="pb-app">
      <header className="pb-topbar">
        <a className="pb-topbar__brand" href="#/" title="All dashboards">
          <span className="pb-topbar__logo" aria-hidden="true" />
          Pulseboard
        </a>
        <span className="pb-topbar__title pb-muted">Widget gallery</span>
        <span className="pb-topbar__spacer" />
        <span className={`pb-sync ${running ? 'pb-sync--synced' : 'pb-sync--offline'}`}>
          <span className="pb-sync__dot" />
          {running ? `Live · ${LIVE_RATE_HZ} updates/s` : 'Paused'}
        </span>
        <button type="button" className="pb-btn pb-btn--sm" onClick={() => setRunning((r) => !r)}>
          {running ? 'Pause' : 'Resume'}
        </button>
        <div className="pb-btn-group" role="group" aria-label="Theme">
          {(['auto', 'dark', 'light'] as const).map((t) => (
            <button key={t} type="button" className={`pb-btn pb-btn--sm ${theme === t ? 'pb-btn--primary' : 'pb-btn--ghost'}`} onClick={() => setTheme(t)} aria-pressed={theme === t}>
              {t[0]!.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
      </header>

      <main className="pb-page">
        <div className="pb-gallery-grid">
          {LIVE_WIDGETS.map((widget) => (
            <div key={widget.id} style={cellStyle(widget.layout, 0)}>
              <WidgetView widget={widget} data={liveData[widget.id]!} />
            </div>
          ))}
          {samples.map(({ widget, data }) => (
            <div key={widget.id} style={cellStyle(widget.layout, 3)}>
              <WidgetView
                widget={widget}
                data={data}
                {...(widget.id === 'broken' ? { renderers: BROKEN_RENDERERS } : {})}
                {...(widget.id === 'services' ? { headerExtra: <span className="pb-badge pb-badge--pending">Saving</span> } : {})}
                {...(widget.id === 'deploy' ? { headerExtra: <span className="pb-badge pb-badge--conflict">Edited by Sam</span> } : {})}
              />
            </div>
          ))}
        </div>

        <section className="pb-gallery-section">
          <h2 className="pb-panel__section-title">Widget types</h2>
          <div className="pb-type-picker pb-type-picker--wide">
            {WIDGET_TYPE_LIST.map((info, i) => (
              <button key={info.type} type="button" className="pb-type-option" aria-pressed={i === 0}>
                <WidgetIcon type={info.type} className="pb-type-option__icon" />
                <span className="pb-type-option__label">{info.label}</span>
                <span className="pb-type-option__description">{info.description}</span>
              </button>
            ))}
          </div>
        </section>

        <section className="pb-gallery-section">
          <h2 className="pb-panel__section-title">Controls and notices</h2>
          <div className="pb-gallery-row">
            <button type="button" className="pb-btn pb-btn--primary">Add widget</button>
            <button type="button" className="pb-btn">Share</button>
            <button type="button" className="pb-btn pb-btn--ghost">Cancel</button>
            <button type="button" className="pb-btn pb-btn--danger">Delete</button>
            <span className="pb-badge">3 viewers</span>
            <span className="pb-badge pb-badge--pending">2 pending</span>
            <span className="pb-badge pb-badge--success">Saved</span>
            <span className="pb-badge pb-badge--conflict">Conflict</span>
            <span className="pb-badge pb-badge--error">Rejected</span>
            <span className="pb-sync pb-sync--pending"><span className="pb-sync__dot" />Syncing 2 changes</span>
            <span className="pb-sync pb-sync--offline"><span className="pb-sync__dot" />Offline</span>
          </div>
          <div className="pb-banner pb-banner--offline pb-gallery-banner">
            <span className="pb-banner__icon" />
            <span className="pb-banner__message">You are offline. Edits are kept on this device and sent when the connection returns.</span>
            <button type="button" className="pb-btn pb-btn--sm">Retry now</button>
          </div>
          <div className="pb-toast pb-toast--conflict pb-gallery-toast" role="status">
            <div className="pb-toast__content">
              <div className="pb-toast__title">Your change was overwritten</div>
              <div className="pb-toast__message">Sam set the unit of “p95 latency” to “s” after you set it to “ms”.</div>
              <div className="pb-toast__actions">
                <button type="button" className="pb-btn pb-btn--sm">Reapply mine</button>
                <button type="button" className="pb-btn pb-btn--sm pb-btn--ghost">Dismiss</button>
              </div>
            </div>
          </div>
        </section>
      </main>
    </div>
  );
}

export default Gallery;
