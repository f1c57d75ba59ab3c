import type { ErrorMessage } from '@pulseboard/protocol';
import { describeJson, POINT_VALUE_EXPECTED } from '../point-values.js';

type ErrorRef = NonNullable<ErrorMessage['ref']>;

/** A message that failed validation, as the gateway answers it. */
export interface InboundError {
  message: string;
  ref?: ErrorRef;
}

/** `publish: value: …` or `publish: points.3.value: …`: the path and the rest. */
const PUBLISH_VALUE_ERROR = /^publish: (value|points\.(\d+)\.value): /;

/**
 * Makes a validation error of a client message more useful than the schema's wording alone:
 * a bad publish value says what is accepted and what came (as over HTTP), the `ref` of a
 * publish carries its `id` and that of a mutate its `mutationId` (when they are valid), so
 * the client can tell which one failed and move its queue on.
 */
export function refineInboundError(json: unknown, error: string, ref: ErrorRef | undefined): InboundError {
  if (ref?.type === 'mutate' && typeof json === 'object' && json !== null) {
    const mutationId = (json as { mutationId?: unknown }).mutationId;
    return { message: error, ref: Number.isSafeInteger(mutationId) && (mutationId as number) >= 1 ? { ...ref, mutationId: mutationId as number } : ref };
  }
  if (ref?.type !== 'publish' || typeof json !== 'object' || json === null) return { message: error, ...(ref ? { ref } : {}) };
  const message = json as { id?: unknown; value?: unknown; points?: unknown };
  const id = message.id;
  const withId: ErrorRef = { ...ref, ...((typeof id === 'string' && id.length <= 64) || Number.isSafeInteger(id) ? { id: id as string | number } : {}) };
  const match = PUBLISH_VALUE_ERROR.exec(error);
  // Only the "not a number or an object" error is reworded; a too deep or too large value keeps its own sentence.
  if (!match || !error.endsWith(POINT_VALUE_EXPECTED)) return { message: error, ref: withId };
  const index = match[2];
  const got = index === undefined ? message.value : (message.points as Array<{ value?: unknown }> | undefined)?.[Number(index)]?.value;
  return { message: `publish: ${match[1]}: ${POINT_VALUE_EXPECTED}, not ${describeJson(got)}`, ref: withId };
}
