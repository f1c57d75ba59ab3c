import type { OptionField } from '../widgets/widget-types';
import { DraftInput, DraftTextarea, formatList, formatOptionalNumber, parseList, parseOptionalNumber, parseText } from './DraftInput';
import { ThresholdsEditor } from './ThresholdsEditor';

/** Commits an option: `null` removes it; `debounce` merges fast edits (typing) into one. */
export type CommitOption = (key: string, value: unknown, debounce: boolean) => void;

function asNumber(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function asList(v: unknown): string[] | null {
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string');
  if (typeof v === 'string' && v.trim()) return v.split(',').map((s) => s.trim()).filter(Boolean);
  return null;
}

/** One type-specific option in the side panel, edited with the control its kind calls for. */
export function OptionFieldInput({ field, value, onCommit }: { field: OptionField; value: unknown; onCommit: CommitOption }) {
  const id = `pb-option-${field.key}`;
  const testId = `option-${field.key}`;
  const help = field.help ? <span className="pb-field__help">{field.help}</span> : null;
  switch (field.kind) {
    case 'boolean':
      return (
        <label className="pb-field pb-field--inline">
          <input className="pb-checkbox" type="checkbox" checked={value === true} onChange={(e) => onCommit(field.key, e.target.checked, false)} data-testid={testId} />
          <span className="pb-field__label">{field.label}</span>
        </label>
      );
    case 'select':
      return (
        <label className="pb-field" htmlFor={id}>
          <span className="pb-field__label">{field.label}</span>
          <select id={id} className="pb-select" value={typeof value === 'string' ? value : ''} onChange={(e) => onCommit(field.key, e.target.value || null, false)} data-testid={testId}>
            <option value="">Default</option>
            {field.choices?.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {help}
        </label>
      );
    case 'thresholds':
      return (
        <div className="pb-field">
          <span className="pb-field__label">{field.label}</span>
          <ThresholdsEditor value={value} onCommit={(next, debounce) => onCommit(field.key, next, debounce)} />
          {help}
        </div>
      );
    case 'textarea':
      return (
        <label className="pb-field" htmlFor={id}>
          <span className="pb-field__label">{field.label}</span>
          <DraftTextarea id={id} value={typeof value === 'string' ? value : ''} placeholder={field.placeholder} onCommit={(text) => onCommit(field.key, text, true)} data-testid={testId} rows={8} />
          {help}
        </label>
      );
    case 'number':
      return (
        <label className="pb-field" htmlFor={id}>
          <span className="pb-field__label">{field.label}</span>
          <DraftInput id={id} inputMode="decimal" value={asNumber(value)} format={formatOptionalNumber} parse={parseOptionalNumber} placeholder={field.placeholder} onCommit={(n) => onCommit(field.key, n, true)} data-testid={testId} />
          {help}
        </label>
      );
    case 'list':
      return (
        <label className="pb-field" htmlFor={id}>
          <span className="pb-field__label">{field.label}</span>
          <DraftInput id={id} value={asList(value)} format={formatList} parse={parseList} placeholder={field.placeholder} onCommit={(list) => onCommit(field.key, list, true)} data-testid={testId} />
          {help}
        </label>
      );
    case 'text':
      return (
        <label className="pb-field" htmlFor={id}>
          <span className="pb-field__label">{field.label}</span>
          <DraftInput
            id={id}
            value={typeof value === 'string' ? value : ''}
            format={(s) => s}
            parse={parseText}
            placeholder={field.placeholder}
            onCommit={(text) => onCommit(field.key, text === '' ? null : text, true)}
            data-testid={testId}
          />
          {help}
        </label>
      );
  }
}
