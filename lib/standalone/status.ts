/**
 * The standalone's status, from observation: phase `Pending` until the server pod is ready, then
 * `Ready`; `Failed` (Ready condition reason `ValidationFailed`) when the spec or an image change is
 * refused. `ready` mirrors phase Ready, and so does the `Ready` condition (the operator wrote no
 * conditions, so `kubectl wait --for=condition=Ready` never returned). `version` is the tag the
 * StatefulSet runs once rolled out, not the requested one.
 */
import { buildConditions, type ConditionInput } from '../k8s/conditions.js';
import type { HookRequest } from '../hook/reconciler.js';
import { PORTS } from '../neo4j/config.js';
import { imageTag, type ServerSetObservation } from '../cluster/observation.js';
import { PROGRESS_RESYNC_SECONDS } from '../cluster/status.js';
import type { Standalone } from './model.js';
import type { StandaloneNames } from './names.js';

/** The operator's message of phase Ready, kept verbatim. */
export const READY_MESSAGE = 'Standalone deployment is ready';
/** The operator's message of phase Pending, kept verbatim. */
export const PENDING_MESSAGE = 'Waiting for standalone deployment to be ready';

/** Connection details of a standalone (derived from names, not observed); https only with TLS. */
export function standaloneEndpoints(names: StandaloneNames, namespace: string, tls: boolean) {
  const client = names.serviceFqdn(names.service);
  const driver = `${tls ? 'neo4j+s' : 'neo4j'}://${client}:${PORTS.bolt}`;
  return {
    bolt: `bolt://${client}:${PORTS.bolt}`,
    http: `http://${client}:${PORTS.http}`,
    ...(tls ? { https: `https://${client}:${PORTS.https}` } : {}),
    internal: { headless: names.serviceFqdn(names.headless), client },
    connectionExamples: {
      portForward: `kubectl port-forward -n ${namespace} svc/${names.service} ${PORTS.http}:${PORTS.http} ${PORTS.bolt}:${PORTS.bolt}`,
      browserURL: `http://localhost:${PORTS.http}`,
      boltURI: `${tls ? 'bolt+ssc' : 'bolt'}://localhost:${PORTS.bolt}`,
      neo4jURI: driver,
      pythonExample: `GraphDatabase.driver("${driver}", auth=(username, password))`,
      javaExample: `GraphDatabase.driver("${driver}", AuthTokens.basic(username, password))`,
    },
  };
}

/** Inputs of {@link standaloneStatus}. */
export interface StandaloneStatusInput {
  request: HookRequest<Standalone>;
  names: StandaloneNames;
  observed: ServerSetObservation | undefined;
  warnings: string[];
  /** Validation errors and refused changes; non-empty means phase Failed. */
  errors: string[];
  /** The pod template we emit differs from the observed one: a restart is pending or running. */
  rolling: boolean;
  /** Whether the server serves TLS (decides the https endpoint). */
  tls: boolean;
}

/** The status and whether to resync soon. */
export interface StandaloneStatusResult {
  status: Record<string, unknown>;
  resyncAfterSeconds?: number;
}

function previousVersion(previous: unknown): string | undefined {
  const version = (previous as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? version : undefined;
}

/** Derives the standalone status (see the module comment). */
export function standaloneStatus(input: StandaloneStatusInput): StandaloneStatusResult {
  const { request, names, observed, warnings, errors, rolling } = input;
  const standalone = request.parent;
  let phase: 'Pending' | 'Ready' | 'Failed';
  let message: string;
  let progressing: ConditionInput;
  if (errors.length > 0) {
    phase = 'Failed';
    message = `Validation failed: ${errors.join('; ')}`;
    progressing = { type: 'Progressing', status: 'False', reason: 'ValidationFailed', message: 'Changes are held until the spec is fixed; existing objects are left as they are' };
  } else if (!observed) {
    phase = 'Pending';
    message = PENDING_MESSAGE;
    progressing = { type: 'Progressing', status: 'True', reason: 'Creating', message: 'Creating the standalone objects' };
  } else if (observed.readyReplicas < 1) {
    phase = 'Pending';
    message = PENDING_MESSAGE;
    progressing = { type: 'Progressing', status: 'True', reason: 'Starting', message: 'Waiting for the server pod to become ready' };
  } else {
    phase = 'Ready';
    message = READY_MESSAGE;
    progressing =
      rolling || !observed.rolledOut
        ? { type: 'Progressing', status: 'True', reason: 'RollingUpdate', message: 'Restarting the server with the desired configuration' }
        : { type: 'Progressing', status: 'False', reason: 'Stable', message: 'The server runs the desired configuration' };
  }
  const readyCondition: ConditionInput = {
    type: 'Ready',
    status: phase === 'Ready' ? 'True' : 'False',
    reason: errors.length > 0 ? 'ValidationFailed' : phase,
    message,
  };
  const previous = standalone.status;
  const running = observed?.rolledOut ? imageTag(observed.image) : undefined;
  const version = running ?? previousVersion(previous);
  const generation = standalone.metadata.generation;
  const status: Record<string, unknown> = {
    phase,
    message,
    ready: phase === 'Ready',
    conditions: buildConditions([readyCondition, progressing], previous, generation, request.now),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    endpoints: standaloneEndpoints(names, standalone.metadata.namespace!, input.tls),
    ...(version ? { version } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const settling = errors.length === 0 && (phase !== 'Ready' || progressing.status === 'True');
  return { status, ...(settling ? { resyncAfterSeconds: PROGRESS_RESYNC_SECONDS } : {}) };
}
