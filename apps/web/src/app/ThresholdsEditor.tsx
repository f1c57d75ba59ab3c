import { parseThresholds, resolveColor, type Threshold } from '../widgets/widget-data';
import { DraftInput, formatOptionalNumber, parseOptionalNumber } from './DraftInput';

/** Colour names offered for a threshold step (any CSS colour is accepted too). */
export const THRESHOLD_COLORS = ['green', 'yellow', 'orange', 'red', 'blue', 'purple', 'gray'] as const;

/**
 * Edits a thresholds option: rows of "at or above <value> → <colour> (label)". Each change
 * commits the whole list (the option is one value); typing a number is debounced.
 */
export function ThresholdsEditor({ value, onCommit }: { value: unknown; onCommit: (next: Threshold[] | null, debounce: boolean) => void }) {
  const steps = parseThresholds({ thresholds: value });
  const commit = (next: Threshold[], debounce: boolean) => onCommit(next.length ? next : null, debounce);
  const update = (index: number, patch: Partial<Threshold>, debounce: boolean) => commit(steps.map((s, i) => (i === index ? { ...s, ...patch } : s)), debounce);
  const add = () => {
    const last = steps[steps.length - 1];
    const used = new Set(steps.map((s) => s.color));
    commit([...steps, { value: last ? last.value + 10 : 0, color: THRESHOLD_COLORS.find((c) => !used.has(c)) ?? 'red' }], false);
  };
  return (
    <div className="pb-thresholds" data-testid="thresholds">
      {steps.length === 0 ? <span className="pb-field__help">No thresholds: the default colour is used.</span> : null}
      {steps.map((step, index) => (
        <div className="pb-thresholds__row" key={index}>
          <span className="pb-thresholds__swatch" style={{ background: resolveColor(step.color) }} aria-hidden="true" />
          <span className="pb-thresholds__ge" aria-hidden="true">≥</span>
          <DraftInput
            className="pb-input pb-thresholds__value"
            aria-label={`Threshold ${index + 1} value`}
            inputMode="decimal"
            value={step.value}
            format={(n) => formatOptionalNumber(n)}
            parse={(text) => {
              const r = parseOptionalNumber(text);
              return r.ok && r.value === null ? { ok: false, error: 'Required' } : (r as { ok: true; value: number } | { ok: false; error: string });
            }}
            onCommit={(n) => update(index, { value: n }, true)}
            data-testid={`threshold-value-${index}`}
          />
          <select
            className="pb-select pb-thresholds__color"
            aria-label={`Threshold ${index + 1} colour`}
            value={step.color}
            onChange={(e) => update(index, { color: e.target.value }, false)}
            data-testid={`threshold-color-${index}`}
          >
            {[...new Set([...THRESHOLD_COLORS, step.color])].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <button className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm" type="button" aria-label={`Remove threshold ${index + 1}`} onClick={() => commit(steps.filter((_, i) => i !== index), false)} data-testid={`threshold-remove-${index}`}>
            ✕
          </button>
        </div>
      ))}
      <button className="pb-btn pb-btn--sm" type="button" onClick={add} data-testid="threshold-add">
        + Add step
      </button>
    </div>
  );
}
