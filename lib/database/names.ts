/**
 * Names, labels and annotations of what a Neo4jDatabase owns: its Jobs `<db>-create`,
 * `<db>-init`, `<db>-topology-<hash of the topology>` and `<db>-drop` (`<db>` is the resource's
 * name). A Job name becomes the `job-name` label of its pods, so a name longer than 63 characters
 * is shortened deterministically: a prefix of `<db>`, a hash of the whole of it, then the suffix.
 */
import { contentHash } from '../k8s/hash.js';

/** Longest Job name whose pods can carry it as a label value. */
export const MAX_JOB_NAME = 63;
/** Longest label value. */
const MAX_LABEL_VALUE = 63;

/** The operation a Job performs; also its `app.kubernetes.io/component` label. */
export type DatabaseOperation = 'create' | 'init' | 'topology' | 'drop';

/** Annotation on every Job: the Neo4j database it acts on, as the Job's Cypher names it. */
export const DATABASE_NAME_ANNOTATION = 'neo4j.neo4j.com/database-name';
/** Annotation on every Job: the target it runs against, `<Kind>/<name>`. */
export const TARGET_ANNOTATION = 'neo4j.neo4j.com/target';
/** Annotation on the create and topology Jobs: the topology they apply (`<p> primaries, <s> secondaries`). */
export const TOPOLOGY_ANNOTATION = 'neo4j.neo4j.com/topology';

/** A database topology with both counts explicit. */
export interface Topology {
  primaries: number;
  secondaries: number;
}

/** `<base><suffix>` when it fits `max` characters, else a hashed, shortened base then the suffix. */
export function boundedName(base: string, suffix: string, max: number): string {
  const full = `${base}${suffix}`;
  if (full.length <= max) return full;
  const hash = contentHash(base).slice(0, 8);
  const room = Math.max(0, max - suffix.length - hash.length - 1);
  const prefix = base.slice(0, room).replace(/[-.]+$/u, '');
  return `${prefix ? `${prefix}-` : ''}${hash}${suffix}`;
}

/** A valid label value standing for `value`: itself when valid, else a cleaned, hashed form. */
export function labelValue(value: string): string {
  if (value.length <= MAX_LABEL_VALUE && /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?)?$/u.test(value)) return value;
  const cleaned = boundedName(value.replace(/[^A-Za-z0-9_.-]/gu, '-'), '', MAX_LABEL_VALUE);
  return cleaned.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/gu, '');
}

/** Human and annotation form of a topology: `2 primaries, 1 secondary`. */
export function describeTopology(t: Topology): string {
  return `${t.primaries} ${t.primaries === 1 ? 'primary' : 'primaries'}, ${t.secondaries} ${t.secondaries === 1 ? 'secondary' : 'secondaries'}`;
}

/** Reads {@link describeTopology}'s form back; undefined for anything else. */
export function parseTopology(text: string | undefined): Topology | undefined {
  const match = /^(\d+) primar(?:y|ies), (\d+) secondar(?:y|ies)$/u.exec(text ?? '');
  return match ? { primaries: Number(match[1]), secondaries: Number(match[2]) } : undefined;
}

/** Job names of Neo4jDatabase `db`. */
export function databaseJobNames(db: string) {
  return {
    create: boundedName(db, '-create', MAX_JOB_NAME),
    init: boundedName(db, '-init', MAX_JOB_NAME),
    drop: boundedName(db, '-drop', MAX_JOB_NAME),
    /** One Job per desired topology: a changed topology gets a new Job, a finished one never re-runs. */
    topology: (t: Topology) => boundedName(db, `-topology-${contentHash(describeTopology(t)).slice(0, 8)}`, MAX_JOB_NAME),
  };
}

/** Job names of one database (see {@link databaseJobNames}). */
export type DatabaseJobNames = ReturnType<typeof databaseJobNames>;

/** Labels of a Job of Neo4jDatabase `db` (the operator's scheme for its backup and restore Jobs). */
export function databaseJobLabels(db: string, operation: DatabaseOperation): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'neo4j-database',
    'app.kubernetes.io/instance': labelValue(db),
    'app.kubernetes.io/component': operation,
    'app.kubernetes.io/managed-by': 'neo4j-operator',
  };
}
