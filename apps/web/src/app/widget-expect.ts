import type { Widget } from '@pulseboard/model';

/** The `expect` option of an edit: the confirmed value of the field it replaces. */
export type ExpectOption = { expect?: Record<string, unknown> };

function confirmedValue(widget: Widget, field: string): unknown {
  if (field.startsWith('options.')) return widget.options[field.slice('options.'.length)];
  if (field === 'title' || field === 'type' || field === 'stream') return widget[field];
  return undefined;
}

/**
 * What an edit of `field` expects to replace, for conflict detection. Nothing when the
 * field is unset on the server: an absent field cannot be written in JSON, and `null`
 * would never equal the server's "absent", so every first stream or option set would be
 * reported as overwriting whoever created the widget.
 */
export function expectField(confirmed: Widget | undefined, field: string): ExpectOption {
  if (!confirmed) return {};
  const value = confirmedValue(confirmed, field);
  return value === undefined ? {} : { expect: { [field]: value } };
}
