import { useEffect, useRef } from 'react';
import { WIDGET_TYPES, type Dashboard, type Widget, type WidgetType } from '@pulseboard/model';
import type { DashboardActions } from '@pulseboard/react';
import { WidgetIcon } from '../widgets/WidgetIcon';
import { widgetTypeInfo } from '../widgets/widget-types';
import { DraftInput, parseText, type ParseResult } from './DraftInput';
import { OptionFieldInput } from './OptionFieldInput';
import { PullFromSource } from './PullFromSource';
import { useFocusReturn } from './useFocusReturn';
import { useStreamList } from './useStreamList';
import { expectField } from './widget-expect';

const STREAM_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

function parseStream(text: string): ParseResult<string | null> {
  const key = text.trim();
  if (!key) return { ok: true, value: null };
  return STREAM_KEY.test(key) && key.length <= 128 ? { ok: true, value: key } : { ok: false, error: 'Letters, digits, “.”, “_”, “:” and “-” only' };
}

/** Props of the side panel. */
export interface WidgetEditorProps {
  widget: Widget;
  /** The server's version of the dashboard, for `expect` (conflict detection). */
  confirmed: Dashboard | null;
  actions: Pick<DashboardActions, 'updateWidget' | 'removeWidget'>;
  onClose: () => void;
  /** Called after the widget was deleted (the page offers Undo). */
  onDeleted?: (widget: Widget) => void;
}

/**
 * The side panel of edit mode: title, type, stream and the type's options, and delete.
 * Every change is an optimistic `updateWidget` (typing is debounced and merged by the
 * client) carrying the confirmed value it replaces, so an overwrite can be reported.
 */
export function WidgetEditor({ widget, confirmed, actions, onClose, onDeleted }: WidgetEditorProps) {
  const streams = useStreamList();
  const info = widgetTypeInfo(widget.type);
  const before = confirmed?.widgets[widget.id];
  const { updateWidget, removeWidget } = actions;
  const ref = useRef<HTMLElement>(null);
  useFocusReturn(ref, '#pb-panel-title');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const setTitle = (title: string) => updateWidget(widget.id, { title }, { debounce: true, ...expectField(before, 'title') });
  const setStream = (stream: string | null) => updateWidget(widget.id, { stream }, { debounce: true, ...expectField(before, 'stream') });
  const setType = (type: WidgetType) => {
    // Bring the new type's defaults for options the widget does not have yet.
    const defaults = widgetTypeInfo(type)?.defaultOptions ?? {};
    const missing = Object.fromEntries(Object.entries(defaults).filter(([k]) => !(k in widget.options)));
    updateWidget(widget.id, { type, ...(Object.keys(missing).length ? { options: missing } : {}) }, expectField(before, 'type'));
  };
  const setOption = (key: string, value: unknown, debounce: boolean) =>
    updateWidget(widget.id, { options: { [key]: value } }, { debounce, ...expectField(before, `options.${key}`) });

  return (
    <aside ref={ref} className="pb-panel pb-panel--docked" aria-label="Widget settings" data-testid="side-panel" data-widget-id={widget.id}>
      <div className="pb-panel__header">
        <WidgetIcon type={widget.type} className="pb-panel__icon" />
        <h2 className="pb-panel__title">{info?.label ?? widget.type} settings</h2>
        <button className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm" type="button" onClick={onClose} aria-label="Close settings" data-testid="panel-close">
          ✕
        </button>
      </div>
      <div className="pb-panel__body pb-scroll">
        <section className="pb-panel__section">
          <h3 className="pb-panel__section-title">General</h3>
          <label className="pb-field" htmlFor="pb-panel-title">
            <span className="pb-field__label">Title</span>
            <DraftInput id="pb-panel-title" value={widget.title} format={(s) => s} parse={parseText} onCommit={setTitle} maxLength={200} data-testid="panel-title" />
          </label>
          <label className="pb-field" htmlFor="pb-panel-type">
            <span className="pb-field__label">Type</span>
            <select id="pb-panel-type" className="pb-select" value={widget.type} onChange={(e) => setType(e.target.value as WidgetType)} data-testid="panel-type">
              {WIDGET_TYPES.map((t) => (
                <option key={t} value={t}>
                  {widgetTypeInfo(t)?.label ?? t}
                </option>
              ))}
            </select>
          </label>
          <label className="pb-field" htmlFor="pb-panel-stream">
            <span className="pb-field__label">Stream</span>
            <DraftInput id="pb-panel-stream" list="pb-stream-list" value={widget.stream ?? null} format={(s) => s ?? ''} parse={parseStream} onCommit={setStream} placeholder="e.g. cpu.load" autoComplete="off" data-testid="panel-stream" />
            <datalist id="pb-stream-list">
              {streams.map((s) => (
                <option key={s.key} value={s.key} />
              ))}
            </datalist>
            <span className="pb-field__help">{streams.length ? `${streams.length} known streams; any new key works too.` : 'Any key; push data to it with POST /api/streams/<key>.'}</span>
          </label>
        </section>
        <PullFromSource widget={widget} onUseStream={(stream) => setStream(stream)} />
        {info?.optionFields.length ? (
          <section className="pb-panel__section">
            <h3 className="pb-panel__section-title">Options</h3>
            {info.optionFields.map((field) => (
              <OptionFieldInput key={field.key} field={field} value={widget.options[field.key] ?? info.defaultOptions[field.key]} onCommit={setOption} />
            ))}
          </section>
        ) : null}
      </div>
      <div className="pb-panel__footer">
        <button
          className="pb-btn pb-btn--danger"
          type="button"
          onClick={() => {
            removeWidget(widget.id);
            onDeleted?.(widget);
            onClose();
          }}
          data-testid="delete-widget"
        >
          Delete widget
        </button>
        <span className="pb-topbar__spacer" />
        <button className="pb-btn pb-btn--primary" type="button" onClick={onClose} data-testid="panel-done">
          Done
        </button>
      </div>
    </aside>
  );
}
