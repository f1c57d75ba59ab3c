/**
 * The model's mutators, as a chunk of their own: the client core loads it (`loadMutationRunner`)
 * for an identity that may edit, or once it holds an edit to show, never for a viewer. With
 * them comes zod (their argument schemas), which a viewer's first download leaves out.
 */
export { applyMutation } from '@pulseboard/model';
