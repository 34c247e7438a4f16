/**
 * The status of a Neo4jDatabase, from what was observed: the target, the Jobs and the previous
 * status (the memory of facts that must survive their Job: `creationTime` is set once,
 * `dataImported: true` is never taken back, so initial data is never loaded twice).
 * `observedGeneration` is written by Metacontroller.
 */
import { buildConditions } from '../k8s/conditions.js';
import { isRecord } from '../k8s/object.js';
import type { Database } from './model.js';

/** Phases a Neo4jDatabase reports: the operator's, plus `Creating` and `Deleting`. */
export type DatabasePhase = 'Pending' | 'Creating' | 'Ready' | 'Failed' | 'ValidationFailed' | 'Deleting';

/** What one sync or finalize concluded. */
export interface DatabaseOutcome {
  phase: DatabasePhase;
  /** CamelCase reason of the Ready condition. */
  reason: string;
  message: string;
  dataImported?: boolean;
  creationTime?: string;
  warnings: string[];
}

/** The facts the previous status holds. */
export interface PreviousFacts {
  creationTime?: string;
  dataImported?: boolean;
}

/** Reads the facts of the previous status defensively. */
export function previousFacts(status: unknown): PreviousFacts {
  if (!isRecord(status)) return {};
  return {
    ...(typeof status.creationTime === 'string' && status.creationTime ? { creationTime: status.creationTime } : {}),
    ...(typeof status.dataImported === 'boolean' ? { dataImported: status.dataImported } : {}),
  };
}

/** The full status: phase, message, the Ready condition (True only when Ready), facts, warnings. */
export function databaseStatus(db: Database, outcome: DatabaseOutcome, now: Date): Record<string, unknown> {
  const ready = outcome.phase === 'Ready';
  return {
    phase: outcome.phase,
    message: outcome.message,
    conditions: buildConditions(
      [{ type: 'Ready', status: ready ? 'True' : 'False', reason: outcome.reason, message: outcome.message }],
      db.status,
      db.metadata.generation,
      now,
    ),
    ...(outcome.dataImported !== undefined ? { dataImported: outcome.dataImported } : {}),
    ...(outcome.creationTime !== undefined ? { creationTime: outcome.creationTime } : {}),
    ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
  };
}
