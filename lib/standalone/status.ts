/**
 * The standalone's status, from observation: phase `Pending` until the server pod is ready, then
 * `Ready`; `Failed` (Ready condition reason `ValidationFailed`) when the spec or an image change is
 * refused. `ready` mirrors phase Ready, and so does the `Ready` condition (the operator wrote no
 * conditions, so `kubectl wait --for=condition=Ready` never returned). `version` is the tag the
 * StatefulSet runs once rolled out, not the requested one.
 */
import { buildConditions, type ConditionInput } from '../k8s/conditions.js';
import { deploymentEndpoints, deploymentStatusResult, previousStatusString, readyCondition, readyProgressing, validationFailedPhase, type DeploymentStatusInput, type DeploymentStatusResult } from '../neo4j/deployment-status.js';
import { imageTag } from '../cluster/observation.js';
import type { Standalone } from './model.js';
import type { StandaloneNames } from './names.js';

/** The operator's message of phase Ready, kept verbatim. */
export const READY_MESSAGE = 'Standalone deployment is ready';
/** The operator's message of phase Pending, kept verbatim. */
export const PENDING_MESSAGE = 'Waiting for standalone deployment to be ready';

/** Inputs of {@link standaloneStatus}. */
export interface StandaloneStatusInput extends DeploymentStatusInput<Standalone, StandaloneNames> {
  /** Whether the server serves TLS (decides the https endpoint). */
  tls: boolean;
}

/** The status and whether to resync soon. */
export type StandaloneStatusResult = DeploymentStatusResult;

/** Derives the standalone status (see the module comment). */
export function standaloneStatus(input: StandaloneStatusInput): StandaloneStatusResult {
  const { request, names, observed, warnings, errors, rolling } = input;
  const standalone = request.parent;
  let phase: 'Pending' | 'Ready' | 'Failed';
  let message: string;
  let progressing: ConditionInput;
  if (errors.length > 0) {
    ({ phase, message, progressing } = validationFailedPhase(errors));
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
    progressing = readyProgressing(rolling, observed.rolledOut, {
      rolling: 'Restarting the server with the desired configuration',
      stable: 'The server runs the desired configuration',
    });
  }
  const previous = standalone.status;
  const running = observed?.rolledOut ? imageTag(observed.image) : undefined;
  const version = running ?? previousStatusString(previous, 'version');
  const generation = standalone.metadata.generation;
  const status: Record<string, unknown> = {
    phase,
    message,
    ready: phase === 'Ready',
    conditions: buildConditions([readyCondition(phase, message, errors.length > 0), progressing], previous, generation, request.now),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    endpoints: deploymentEndpoints({ client: names.service, headless: names.headless, serviceFqdn: names.serviceFqdn }, standalone.metadata.namespace!, input.tls),
    ...(version ? { version } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const settling = errors.length === 0 && (phase !== 'Ready' || progressing.status === 'True');
  return deploymentStatusResult(status, settling);
}
