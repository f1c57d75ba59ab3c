/**
 * @pulseboard/model — the dashboard model: schemas, named mutators, grid rules and the
 * export format. Pure functions, no I/O: the server and every client run this same code.
 */
export { PulseboardError, isPulseboardError } from './errors.js';
export * from './limits.js';
export * from './schema.js';
export { checkJsonBounds, jsonByteLength, type JsonBounds, type JsonBoundsViolation } from './json-bounds.js';
export { dashboardContentBytes, dashboardTooLarge, type DashboardContent } from './dashboard-size.js';
export { compact, clampLayout, overlaps, isValidLayout, findFreeSlot, type Placed } from './grid.js';
export {
  BREAKPOINT_MIN_WIDTH_PX,
  breakpointForWidth,
  breakpointColumns,
  scaleLayout,
  compactLayouts,
  layoutsFor,
  changeColumns,
  sameLayout,
  widgetBreakpointLayouts,
  type BreakpointItem,
} from './breakpoints.js';
export { inverseMutation, type MutationCall } from './inverse-mutation.js';
export { summarizeMutation } from './mutation-summary.js';
export { applyMutation, assertMutationShape, isMutatorName, MUTATOR_NAMES, type Mutator, type MutatorName, type MutatorArgs } from './mutators.js';
export { jsonEqual, type MutationStatus, type MutationContext, type MutationOutcome, type MutationRunner, type FieldConflict } from './mutation-outcome.js';
export { exportDashboard, parseExportFile, exportFileSchema, exportFileJsonSchema, EXPORT_FORMAT, EXPORT_VERSION, type ExportFile } from './export-format.js';
export { mergePointValue } from './stream-value.js';
export { diffDashboards, applyPatch, draftOf, type DashboardPatch, type PatchSource } from './patch.js';
export { seededRandom } from './seeded-random.js';
export { parseDuration, DURATION_UNITS_MS } from './duration.js';
