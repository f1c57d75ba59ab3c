import { useState, type InputHTMLAttributes, type TextareaHTMLAttributes } from 'react';

/** Result of parsing what was typed: a value to commit, or why it cannot be. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Props shared by the draft input and textarea. */
interface DraftProps<T> {
  /** The current (optimistic) value from the store. */
  value: T;
  format: (value: T) => string;
  parse: (text: string) => ParseResult<T>;
  /** Called on every keystroke that parses; the client debounces and merges the edits. */
  onCommit: (value: T) => void;
}

/**
 * A text input over a store value. While focused it shows what is typed (so a half-typed
 * number or a remote change does not fight the cursor); every parseable keystroke is
 * committed at once (the edit is optimistic everywhere else on the page), and on blur it
 * shows the store's value again.
 */
export function DraftInput<T>({ value, format, parse, onCommit, ...rest }: DraftProps<T> & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <input
        {...rest}
        className={rest.className ?? 'pb-input'}
        value={draft ?? format(value)}
        aria-invalid={error ? 'true' : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parse(e.target.value);
          setError(parsed.ok ? null : parsed.error);
          if (parsed.ok) onCommit(parsed.value);
        }}
        onBlur={(e) => {
          setDraft(null);
          setError(null);
          rest.onBlur?.(e);
        }}
      />
      {error ? <span className="pb-field__error">{error}</span> : null}
    </>
  );
}

/** The textarea version of `DraftInput` (markdown). */
export function DraftTextarea({ value, onCommit, ...rest }: { value: string; onCommit: (value: string) => void } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <textarea
      {...rest}
      className={rest.className ?? 'pb-textarea'}
      value={draft ?? value}
      onChange={(e) => {
        setDraft(e.target.value);
        onCommit(e.target.value);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

/** Parses free text (always valid). */
export const parseText = (text: string): ParseResult<string> => ({ ok: true, value: text });

/** Parses an optional number: empty → null (the option is removed). */
export function parseOptionalNumber(text: string): ParseResult<number | null> {
  if (text.trim() === '') return { ok: true, value: null };
  const n = Number(text);
  return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'Enter a number' };
}

/** Formats an optional number for an input. */
export const formatOptionalNumber = (n: number | null): string => (n === null ? '' : String(n));

/** Parses "a, b, c" into a list; empty → null. */
export function parseList(text: string): ParseResult<string[] | null> {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return { ok: true, value: items.length ? items : null };
}

/** Formats a list option for an input. */
export const formatList = (list: string[] | null): string => (list ? list.join(', ') : '');
