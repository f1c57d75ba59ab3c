import { useMemo, type CSSProperties } from 'react';
import type { PointValue, WidgetOptions } from '@pulseboard/model';
import { WidgetEmpty } from './WidgetEmpty';
import type { WidgetProps } from './widget-props';
import {
  evaluateThresholds,
  fieldOption,
  formatOptionsOf,
  formatValue,
  parseThresholds,
  pickNumber,
  readPath,
  resolveColor,
  stringOption,
} from './widget-data';

/** The four states a status tile knows. */
export type StatusLevel = 'ok' | 'warning' | 'critical' | 'unknown';

const STATUS_WORDS: Record<string, StatusLevel> = {
  ok: 'ok', up: 'ok', green: 'ok', healthy: 'ok', pass: 'ok', passing: 'ok', passed: 'ok', success: 'ok', online: 'ok', good: 'ok', true: 'ok',
  warning: 'warning', warn: 'warning', yellow: 'warning', orange: 'warning', degraded: 'warning', slow: 'warning', pending: 'warning',
  critical: 'critical', crit: 'critical', error: 'critical', err: 'critical', down: 'critical', red: 'critical', fail: 'critical',
  failed: 'critical', failing: 'critical', failure: 'critical', offline: 'critical', danger: 'critical', false: 'critical',
};

/** A status word ("OK", "degraded", "down", …) as a level; anything unrecognised is 'unknown'. */
export function statusLevelOf(word: string): StatusLevel {
  return STATUS_WORDS[word.trim().toLowerCase()] ?? 'unknown';
}

/** What a status tile shows. */
export interface StatusModel {
  level: StatusLevel;
  /** The big word on the tile. */
  label: string;
  /** A smaller line under it: the message, or the number behind a threshold status. */
  detail: string | null;
  /** Set when a threshold chose a custom colour. */
  color: string | null;
}

function statusWordOf(latest: PointValue, field: string | undefined): string | null {
  if (typeof latest === 'number') return null;
  const keys = field ? [field] : ['status', 'state', 'value'];
  for (const key of keys) {
    const v = readPath(latest, key);
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'boolean') return String(v);
  }
  return null;
}

/**
 * The tile of a status widget: a status string (`status`/`state`/`value`, or
 * `options.field`) maps to ok/warning/critical/unknown; a number goes through the
 * thresholds, whose `label` names the state and whose colour (ok/warning/critical or any
 * colour) paints the tile.
 */
export function statusModelOf(latest: PointValue | null, options: WidgetOptions): StatusModel {
  if (latest === null) return { level: 'unknown', label: 'Unknown', detail: null, color: null };
  const field = fieldOption(options);
  const message = typeof latest === 'object' ? readPath(latest, 'message') : undefined;
  const messageText = typeof message === 'string' && message.trim() ? message : null;
  const word = statusWordOf(latest, field);
  if (word !== null) {
    return { level: statusLevelOf(word), label: word, detail: messageText, color: null };
  }
  const n = pickNumber(latest, field);
  if (n === null) return { level: 'unknown', label: 'Unknown', detail: messageText, color: null };
  const hit = evaluateThresholds(n, parseThresholds(options));
  const formatted = formatValue(n, formatOptionsOf(options)).text;
  if (!hit) return { level: 'ok', label: stringOption(options, 'okLabel', 'OK'), detail: messageText ?? formatted, color: null };
  const byColor = statusLevelOf(hit.color);
  const level = byColor !== 'unknown' ? byColor : statusLevelOf(hit.label ?? '');
  return {
    level,
    label: hit.label ?? (level === 'unknown' ? formatted : level),
    detail: messageText ?? formatted,
    color: byColor !== 'unknown' ? null : resolveColor(hit.color),
  };
}

/** A large coloured tile with the state's word: green ok, amber warning, red critical, grey unknown. */
export function StatusWidget({ widget, data }: WidgetProps) {
  const model = useMemo(() => statusModelOf(data.latest, widget.options), [data.latest, widget.options]);
  if (data.latest === null) return <WidgetEmpty widget={widget} />;
  return (
    <div
      className={`pb-status pb-status--${model.level}`}
      style={model.color ? { background: model.color } : undefined}
      data-status={model.level}
      role="status"
    >
      <StatusIcon level={model.level} />
      <div className="pb-status__label" style={{ '--pb-chars': Math.max(5, model.label.length) } as CSSProperties} data-testid="status-label">
        {model.label}
      </div>
      {model.detail ? <div className="pb-status__detail">{model.detail}</div> : null}
    </div>
  );
}

function StatusIcon({ level }: { level: StatusLevel }) {
  const path =
    level === 'ok'
      ? 'M5 12.5l4.5 4.5L19 7.5'
      : level === 'warning'
        ? 'M12 7v6M12 16.5v.5'
        : level === 'critical'
          ? 'M7 7l10 10M17 7L7 17'
          : 'M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6M12 16.5v.5';
  return (
    <svg className="pb-status__icon" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="12" r="11" className="pb-status__icon-ring" />
      <path d={path} />
    </svg>
  );
}
