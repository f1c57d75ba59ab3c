import * as z from 'zod/mini';

/** An integer in [min, max] (what classic zod wrote `z.number().int().min(min).max(max)`). */
/* @__NO_SIDE_EFFECTS__ */
export function intBetween(min: number, max: number) {
  return z.int().check(z.gte(min), z.lte(max));
}
