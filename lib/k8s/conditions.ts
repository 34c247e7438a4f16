/**
 * Status conditions that do not churn: a condition's `lastTransitionTime` is carried over from
 * the previous status unless its `status` changed, so a steady state gives an identical status
 * (and Metacontroller writes nothing).
 */
import type { Condition } from '../schemas/types.js';
import { isRecord } from './object.js';

/** What a reconciler decides about one condition. */
export interface ConditionInput {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

function previousConditions(previousStatus: unknown): Condition[] {
  if (!isRecord(previousStatus) || !Array.isArray(previousStatus.conditions)) return [];
  return previousStatus.conditions.filter((c): c is Condition => isRecord(c) && typeof c.type === 'string');
}

/**
 * Full conditions in input order, stamped with `generation`; `lastTransitionTime` is the previous
 * one when the status is unchanged, else `now`.
 */
export function buildConditions(inputs: ConditionInput[], previousStatus: unknown, generation: number | undefined, now: Date): Condition[] {
  const previous = previousConditions(previousStatus);
  const stamp = now.toISOString().replace(/\.\d{3}Z$/u, 'Z');
  return inputs.map((input) => {
    const before = previous.find((c) => c.type === input.type);
    const lastTransitionTime = before && before.status === input.status && before.lastTransitionTime ? before.lastTransitionTime : stamp;
    return {
      type: input.type,
      status: input.status,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime,
      reason: input.reason,
      message: input.message,
    };
  });
}
