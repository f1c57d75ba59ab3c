/**
 * Every size limit of the dashboard model, in one place. Server and clients check the same
 * numbers: the mutators, the export format and the server's edges (HTTP bodies, WebSocket
 * messages) all read them from here. docs/api.md ("Limits") lists them for people.
 */

/** Grid columns of a new dashboard. */
export const DEFAULT_COLUMNS = 12;
/** Widest grid a dashboard may have. */
export const MAX_COLUMNS = 48;
/** Tallest a single widget may be, in grid rows. */
export const MAX_WIDGET_ROWS = 48;
/** Lowest row a widget may start on; keeps a hostile layout from growing without bound. */
export const MAX_ROW = 100_000;
/** Most widgets one dashboard may hold. */
export const MAX_WIDGETS = 500;

/**
 * Deepest nesting of a free-form JSON value (widget options, a stream point value): 64 levels
 * of objects/arrays, the value itself being level 1. Deeper values are refused at the edge,
 * so nothing stored is too deep for a reader (SQLite's JSON functions, JSON.stringify).
 */
export const MAX_JSON_DEPTH = 64;
/** Largest a widget's `options` may be, as UTF-8 JSON. */
export const MAX_WIDGET_OPTIONS_BYTES = 64 * 1024;
/** Largest a stream point value may be, as UTF-8 JSON. */
export const MAX_POINT_VALUE_BYTES = 64 * 1024;
/** Largest the `args` of one mutation may be, as UTF-8 JSON (room for full options and `expect`). */
export const MAX_MUTATION_ARGS_BYTES = 2 * MAX_WIDGET_OPTIONS_BYTES;
/** Deepest `args` of a mutation: options nest two levels below the args (`args.set.options`). */
export const MAX_MUTATION_ARGS_DEPTH = MAX_JSON_DEPTH + 2;
/**
 * Largest a dashboard may be: the UTF-8 JSON of its content (id, title, description, columns,
 * widgets — what an export file holds). Mutators refuse to grow a dashboard past it and
 * imports refuse a larger one, so every export can be imported again.
 */
export const MAX_DASHBOARD_BYTES = 512 * 1024;
/** Largest export file the import accepts: a maximal dashboard plus the file's envelope. */
export const MAX_EXPORT_FILE_BYTES = MAX_DASHBOARD_BYTES + 4 * 1024;
