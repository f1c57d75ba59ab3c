import { useMemo } from 'react';
import { statusLevelOf } from './StatusWidget';
import { columnLabel, tableModelOf } from './table-rows';
import { WidgetEmpty } from './WidgetEmpty';
import type { WidgetProps } from './widget-props';
import { formatCell, formatOptionsOf } from './widget-data';

/** Columns whose words ("ok", "degraded", "down") are shown as coloured status pills. */
const STATUS_COLUMN = /^(status|state|health)$/i;

/**
 * Rows of an object value: an array of objects as a table with columns, `{label, value}`
 * lists (Smashing "List") and plain objects as a key/value list. Options: field, columns,
 * unit, decimals.
 */
export function TableWidget({ widget, data }: WidgetProps) {
  const { options } = widget;
  const model = useMemo(() => tableModelOf(data.latest, options), [data.latest, options]);
  const format = formatOptionsOf(options);

  if (model.kind === 'empty') return <WidgetEmpty widget={widget} message={data.latest === null ? undefined : 'No rows'} />;

  const more = model.truncated > 0 ? <div className="pb-table__more">+{model.truncated} more</div> : null;
  if (model.kind === 'list') {
    return (
      <div className="pb-table pb-scroll">
        <dl className="pb-kv">
          {model.items.map((item, i) => (
            <div className="pb-kv__row" key={`${item.label}-${i}`}>
              <dt className="pb-kv__label">{item.label}</dt>
              <dd className={`pb-kv__value${typeof item.value === 'number' ? ' pb-num' : ''}`}>{formatCell(item.value, format)}</dd>
            </div>
          ))}
        </dl>
        {more}
      </div>
    );
  }
  const numeric = model.columns.map((c) => model.rows.some((r) => typeof r[c] === 'number'));
  const statusColumn = model.columns.map((c) => STATUS_COLUMN.test(c));
  return (
    <div className="pb-table pb-scroll">
      <table className="pb-grid-table">
        <thead>
          <tr>
            {model.columns.map((c, i) => (
              <th key={c} className={numeric[i] ? 'pb-num' : undefined} scope="col" title={c}>
                {columnLabel(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {model.rows.map((row, r) => (
            <tr key={r}>
              {model.columns.map((c, i) => (
                <td key={c} className={numeric[i] ? 'pb-num' : undefined}>
                  {statusColumn[i] && typeof row[c] === 'string' ? (
                    <span className={`pb-status-pill pb-status-pill--${statusLevelOf(row[c])}`}>{row[c]}</span>
                  ) : (
                    formatCell(row[c], format)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {more}
    </div>
  );
}
