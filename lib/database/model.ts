/**
 * A Neo4jDatabase as the hooks receive it.
 */
import type { Resource } from '../k8s/object.js';
import type { DatabaseSpec, DatabaseStatus } from '../schemas/database.js';

/** A Neo4jDatabase custom resource. */
export type Database = Resource<DatabaseSpec, DatabaseStatus>;

/** Seconds between syncs while waiting on the target (the operator's requeue interval). */
export const TARGET_RESYNC_SECONDS = 30;
