/**
 * What a deployment's `spec.tls` (and its trust annotation) gets wrong beyond the operator's rules,
 * for clusters and standalones alike: the trust annotation's value, a Secret synced for servers
 * that do not use it, an ExternalSecret that would not produce the keys the servers mount, a
 * Certificate cert-manager would refuse. The rules are the same for both kinds; only the wording
 * (one server or several) and the usages a standalone needs (no cluster traffic) differ.
 */
import type { TLSSpec } from '../schemas/shared.js';
import type { DeploymentShape } from '../features/settings.js';
import { externalSecretErrors } from '../secrets/external-secret.js';
import { certificateErrors, trustFromAnnotations, TRUST_ALL_ANNOTATION, type DeploymentTls } from './certificate.js';
import { requiredTlsSecretKeys } from './volume.js';

/** How the TLS findings name the servers, per deployment shape. */
const TLS_WORDING: Readonly<Record<DeploymentShape, { unused: string; mount: string }>> = {
  cluster: { unused: 'the servers do not use it', mount: 'the servers mount them as their certificate, private key and trusted CA' },
  standalone: { unused: 'the server does not use it', mount: 'the server mounts them as its certificate, private key and trusted CA' },
};

/** Everything {@link tlsFindings} reads. */
export interface TlsFindingsInput {
  shape: DeploymentShape;
  /** The CR's annotations (the trust-all opt-in). */
  annotations: Readonly<Record<string, string>> | undefined;
  tls: TLSSpec | undefined;
  /** {@link deploymentTls} of the same spec and annotations. */
  deployment: DeploymentTls | undefined;
  /** The Secret the servers mount (`<name>-tls-secret`). */
  tlsSecret: string;
}

/**
 * Errors and warnings of a deployment's TLS, in a fixed order: the annotation, then (TLS off) a
 * pointless annotation or ExternalSecret, or (TLS on) the ExternalSecret's keys or the
 * Certificate's issuability.
 */
export function tlsFindings(input: TlsFindingsInput): { errors: string[]; warnings: string[] } {
  const { tls, deployment, tlsSecret } = input;
  const wording = TLS_WORDING[input.shape];
  const errors: string[] = [];
  const warnings: string[] = [];
  const annotation = trustFromAnnotations(input.annotations);
  if (annotation.warning) warnings.push(annotation.warning);
  const external = tls?.externalSecrets;
  if (!deployment) {
    if (annotation.trust.trustAll) warnings.push(`annotation ${TRUST_ALL_ANNOTATION} has no effect: TLS is disabled`);
    if (external?.enabled) {
      errors.push(...externalSecretErrors(external, 'spec.tls.externalSecrets', [], ''));
      warnings.push(`spec.tls.externalSecrets syncs Secret ${tlsSecret}, but spec.tls.mode is disabled: ${wording.unused}`);
    }
  } else if (deployment.source === 'external-secrets') {
    errors.push(...externalSecretErrors(external, 'spec.tls.externalSecrets', requiredTlsSecretKeys(deployment.trust), wording.mount));
    warnings.push(`spec.tls.issuerRef is not used: spec.tls.externalSecrets supplies Secret ${tlsSecret}, so no Certificate is created`);
  } else {
    errors.push(...certificateErrors(tls!, deployment.trust, input.shape));
  }
  return { errors, warnings };
}
