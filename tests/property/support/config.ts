/**
 * Run settings of the property suite: one fixed seed (override with FC_SEED to explore, and
 * fast-check prints the seed and path of any failure so it can be replayed) and a run-count
 * scale (FC_SCALE=10 for a deeper, slower run). The default counts keep the whole suite under a
 * minute on two busy cores.
 */
import fc from 'fast-check';

/** The seed every property starts from. */
export const SEED = Number(process.env.FC_SEED ?? 20_260_101);

const SCALE = Number(process.env.FC_SCALE ?? 1);

/** fast-check parameters for a property with `runs` runs at scale 1. */
export function params<T>(runs: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), ...extra };
}

/** The deadline of one hook call in the sandbox: generous, since the cores are shared. */
export const DEADLINE_MS = Number(process.env.HOOK_DEADLINE_MS ?? 5000);
