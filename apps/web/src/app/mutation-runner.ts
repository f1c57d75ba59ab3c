/**
 * The model's mutators, as a chunk of their own: the client core loads it (`loadMutationRunner`)
 * when a dashboard page opens for an identity that may edit it, or once it holds an edit to
 * show; never for a viewer or a wallboard. With them comes zod (their argument schemas), which
 * a viewer's first download leaves out.
 */
export { applyMutation } from '@pulseboard/model';
