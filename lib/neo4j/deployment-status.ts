/**
 * Status pieces every Neo4j server deployment (cluster or standalone) shares: the connection
 * endpoints, the refused-spec phase, the `Ready` condition that mirrors the phase, the
 * `Progressing` condition of a deployment that is up, and the resync while something changes.
 * Each kind decides its own phases and messages from observation; these pieces only keep the
 * common shape and wording from drifting.
 */
import type { HookRequest } from '../hook/reconciler.js';
import type { ConditionInput } from '../k8s/conditions.js';
import type { K8sObject } from '../k8s/object.js';
import type { ServerSetObservation } from '../cluster/observation.js';
import { PORTS } from './config.js';

/** Seconds until the next sync while something is still changing. */
export const PROGRESS_RESYNC_SECONDS = 15;

/** What the status of a deployment of kind `P` (names `N`) is derived from; kinds add their own. */
export interface DeploymentStatusInput<P extends K8sObject, N> {
  request: HookRequest<P>;
  names: N;
  /** The server StatefulSet, when it exists. */
  observed: ServerSetObservation | undefined;
  warnings: string[];
  /** Validation errors and refused changes; non-empty means phase Failed. */
  errors: string[];
  /** The pod template we emit differs from the observed one: a rollout is pending or running. */
  rolling: boolean;
}

/** Where the endpoints point: the client and headless Services of a deployment. */
export interface EndpointNames {
  /** The client Service's name. */
  client: string;
  /** The headless Service's name. */
  headless: string;
  /** DNS name of a Service of the deployment. */
  serviceFqdn: (service: string) => string;
}

/**
 * Connection details of a deployment, derived from names (never observed): Bolt and HTTP on the
 * client Service, https only with TLS, the in-cluster names, and copy-paste examples whose URI
 * schemes follow TLS (`bolt+ssc`, `neo4j+s`). Equal inputs give equal output.
 */
export function deploymentEndpoints(names: EndpointNames, namespace: string, tls: boolean) {
  const client = names.serviceFqdn(names.client);
  const driver = `${tls ? 'neo4j+s' : 'neo4j'}://${client}:${PORTS.bolt}`;
  return {
    bolt: `bolt://${client}:${PORTS.bolt}`,
    http: `http://${client}:${PORTS.http}`,
    ...(tls ? { https: `https://${client}:${PORTS.https}` } : {}),
    internal: { headless: names.serviceFqdn(names.headless), client },
    connectionExamples: {
      portForward: `kubectl port-forward -n ${namespace} svc/${names.client} ${PORTS.http}:${PORTS.http} ${PORTS.bolt}:${PORTS.bolt}`,
      browserURL: `http://localhost:${PORTS.http}`,
      boltURI: `${tls ? 'bolt+ssc' : 'bolt'}://localhost:${PORTS.bolt}`,
      neo4jURI: driver,
      pythonExample: `GraphDatabase.driver("${driver}", auth=(username, password))`,
      javaExample: `GraphDatabase.driver("${driver}", AuthTokens.basic(username, password))`,
    },
  };
}

/**
 * Phase `Failed` for a refused spec or change (`errors` non-empty): the message lists the errors,
 * and `Progressing` is False because the children stay frozen as last applied.
 */
export function validationFailedPhase(errors: readonly string[]): { phase: 'Failed'; message: string; progressing: ConditionInput } {
  return {
    phase: 'Failed',
    message: `Validation failed: ${errors.join('; ')}`,
    progressing: { type: 'Progressing', status: 'False', reason: 'ValidationFailed', message: 'Changes are held until the spec is fixed; existing objects are left as they are' },
  };
}

/**
 * The `Progressing` condition of a deployment whose servers are all ready: True (RollingUpdate)
 * while the emitted pod template differs from the observed one (`rolling`) or the StatefulSet has
 * not rolled it out to every pod yet, else False (Stable).
 */
export function readyProgressing(rolling: boolean, rolledOut: boolean, messages: { rolling: string; stable: string }): ConditionInput {
  return rolling || !rolledOut
    ? { type: 'Progressing', status: 'True', reason: 'RollingUpdate', message: messages.rolling }
    : { type: 'Progressing', status: 'False', reason: 'Stable', message: messages.stable };
}

/**
 * The `Ready` condition: True only in phase Ready; its reason is the phase, or ValidationFailed
 * when the spec is refused (`failed`).
 */
export function readyCondition(phase: string, message: string, failed: boolean): ConditionInput {
  return { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', reason: failed ? 'ValidationFailed' : phase, message };
}

/** A string field of the previous status; undefined when absent or of another type. */
export function previousStatusString(previous: unknown, field: string): string | undefined {
  const value = (previous as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}

/** The status and whether to resync soon. */
export interface DeploymentStatusResult {
  status: Record<string, unknown>;
  resyncAfterSeconds?: number;
}

/** `status`, with a resync after {@link PROGRESS_RESYNC_SECONDS} while something is `settling`. */
export function deploymentStatusResult(status: Record<string, unknown>, settling: boolean): DeploymentStatusResult {
  return { status, ...(settling ? { resyncAfterSeconds: PROGRESS_RESYNC_SECONDS } : {}) };
}
