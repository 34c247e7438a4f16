/**
 * What the observed children say about a cluster: the server StatefulSet's rollout and
 * readiness, the image and immutable fields it was created with. Status comes from here, never
 * from what this sync is about to emit.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { findObserved, type ObservedMap } from '../k8s/observed.js';
import { lastApplied } from '../k8s/frozen.js';
import { CONFIG_HASH_ANNOTATION } from '../neo4j/server-pod.js';

/** The observed server StatefulSet, read defensively (any field may be missing). */
export interface ServerSetObservation {
  object: K8sObject;
  /** The StatefulSet as we last applied it, parsed on first use (most syncs never need it). */
  readonly applied: StatefulSet;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** Pods ready for `minReadySeconds`; `readyReplicas` when the API server did not report it. */
  availableReplicas: number;
  /** Pods that exist now (`status.replicas`): above `replicas` while a scale-in removes pods. */
  currentPods: number;
  /** The controller has seen the latest spec (`status.observedGeneration`). */
  caughtUp: boolean;
  /** `spec.updateStrategy.type` is OnDelete (upgradeStrategy Recreate). */
  onDelete: boolean;
  /** `spec.updateStrategy.rollingUpdate.partition` (0 when unset or OnDelete). */
  partition: number;
  /**
   * The controller has seen the latest spec and every pod runs the latest revision. For OnDelete
   * the revision names are not compared: Kubernetes does not advance `currentRevision` there
   * (kubernetes#73492), so `updatedReplicas` is the signal.
   */
  rolledOut: boolean;
  /** Image of the `neo4j` container in the current template. */
  image?: string;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The observed StatefulSet `name`, or undefined before it exists. */
export function observeServerSet(children: ObservedMap, name: string, namespace: string): ServerSetObservation | undefined {
  const object = findObserved(children, 'StatefulSet', 'apps/v1', name, namespace);
  if (!object) return undefined;
  const sts = object as unknown as StatefulSet;
  const status = sts.status ?? { replicas: 0 };
  const replicas = count(sts.spec?.replicas);
  const updatedReplicas = count(status.updatedReplicas);
  const caughtUp = count(status.observedGeneration) >= count(object.metadata.generation);
  const onDelete = sts.spec?.updateStrategy?.type === 'OnDelete';
  const sameRevision = onDelete || !status.updateRevision || !status.currentRevision || status.updateRevision === status.currentRevision;
  const readyReplicas = count(status.readyReplicas);
  let applied: StatefulSet | undefined;
  return {
    object,
    get applied() {
      return (applied ??= lastApplied(object) as unknown as StatefulSet);
    },
    replicas,
    readyReplicas,
    updatedReplicas,
    availableReplicas: typeof status.availableReplicas === 'number' ? count(status.availableReplicas) : readyReplicas,
    currentPods: count(status.replicas),
    caughtUp,
    onDelete,
    partition: onDelete ? 0 : count(sts.spec?.updateStrategy?.rollingUpdate?.partition),
    rolledOut: caughtUp && updatedReplicas >= replicas && sameRevision,
    image: sts.spec?.template?.spec?.containers?.find((c) => c.name === 'neo4j')?.image,
  };
}

/**
 * Whether `desired` restarts the servers: its configuration hash (the pod template annotation
 * {@link CONFIG_HASH_ANNOTATION}) or its Neo4j image differs from the observed StatefulSet's.
 */
export function podTemplateChanged(desired: StatefulSet, observed: ServerSetObservation | undefined): boolean {
  if (!observed) return false;
  const current = (observed.object as unknown as StatefulSet).spec?.template;
  return (
    current?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] !== desired.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] ||
    observed.image !== desired.spec?.template.spec?.containers[0]?.image
  );
}

/** The tag of an image reference (`repo:tag`, ignoring a digest), or undefined. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(colon + 1) : undefined;
}
