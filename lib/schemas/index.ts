/**
 * The six custom resource kinds of `neo4j.neo4j.com/v1alpha1` and their schemas, in one place.
 */
import { backupKind } from './backup.js';
import { clusterKind } from './cluster.js';
import { databaseKind } from './database.js';
import type { KindDefinition } from './kind.js';
import { pluginKind } from './plugin.js';
import { restoreKind } from './restore.js';
import { standaloneKind } from './standalone.js';

export * from './types.js';
export * from './kind.js';
export * from './shared.js';
export * from './cluster.js';
export * from './standalone.js';
export * from './backup.js';
export * from './restore.js';
export * from './database.js';
export * from './plugin.js';

/** Every kind served, in a fixed order: cluster, standalone, backup, restore, database, plugin. */
export const ALL_KINDS: readonly KindDefinition[] = [
  clusterKind,
  standaloneKind,
  backupKind,
  restoreKind,
  databaseKind,
  pluginKind,
];
