/**
 * cert-manager `Certificate` children (cert-manager.io/v1) and the rules that keep them issuable:
 * cert-manager's own admission limits (duration at least 1h, renewBefore at least 5m and below the
 * duration, a common name of at most 64 bytes) and the key usages Neo4j's policies need. The key
 * is PKCS#8 (Neo4j 5+ rejects cert-manager's default PKCS#1) and rotated on every issuance.
 */
import { isRecord, type K8sObject } from '../k8s/object.js';
import { parseGoDuration } from '../k8s/duration.js';
import type { TLSSpec } from '../schemas/shared.js';
import type { DeploymentShape } from '../features/settings.js';
import type { TlsTrust } from './settings.js';

/** The cert-manager API of the Certificates we emit. */
export const CERT_MANAGER_API = 'cert-manager.io/v1';

/** Key usages when spec.tls.usages is unset: servers present the certificate as servers and, to each other, as clients. */
export const DEFAULT_CERT_USAGES = ['digital signature', 'key encipherment', 'server auth', 'client auth'] as const;

/** cert-manager refuses a common name longer than this (DNS names are ASCII: characters are bytes). */
export const MAX_COMMON_NAME = 64;

/** The annotation on a CR that opts into trust-all TLS between servers. */
export const TRUST_ALL_ANNOTATION = 'neo4j.neo4j.com/cluster-trust-all';

const MIN_DURATION_MS = 3_600_000;
const MIN_RENEW_BEFORE_MS = 300_000;
/** cert-manager's default certificate lifetime (90 days). */
const DEFAULT_DURATION_MS = 2160 * 3_600_000;

/** The TLS mode of a `spec.tls` block: a present block without mode is cert-manager (the CRD default). */
export function tlsModeOf(tls: TLSSpec | undefined): string {
  return tls ? tls.mode || 'cert-manager' : 'disabled';
}

/** Who provides a deployment's TLS Secret: cert-manager through our Certificate, or the tls ExternalSecret. */
export type TlsSource = 'cert-manager' | 'external-secrets';

/** TLS as a deployment runs it. */
export interface DeploymentTls {
  /** cert-manager through our Certificate, or the tls ExternalSecret (then no Certificate is created). */
  source: TlsSource;
  trust: TlsTrust;
}

/**
 * The TLS of a deployment from its `spec.tls` and its annotations (the trust-all opt-in), or
 * undefined when TLS is off. The tls ExternalSecret, when enabled, replaces the Certificate as
 * the source of the Secret: two writers on one Secret would fight.
 */
export function deploymentTls(tls: TLSSpec | undefined, annotations: Readonly<Record<string, string>> | undefined): DeploymentTls | undefined {
  if (tlsModeOf(tls) !== 'cert-manager') return undefined;
  return { source: tls?.externalSecrets?.enabled ? 'external-secrets' : 'cert-manager', trust: trustFromAnnotations(annotations).trust };
}

/** The four DNS forms of Service `service`: short, namespaced, `.svc` and fully qualified. */
export function serviceDnsNames(service: string, namespace: string, clusterDomain: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${clusterDomain}`];
}

/** Everything one Certificate is made of. */
export interface CertificateInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  secretName: string;
  tls: TLSSpec;
  /** Left out when longer than {@link MAX_COMMON_NAME}: the DNS names identify the servers anyway. */
  commonName: string;
  dnsNames: string[];
}

/** A Certificate issuing `secretName` from spec.tls (issuer, lifetime, subject, usages). */
export function buildCertificate(input: CertificateInput): K8sObject {
  const { tls } = input;
  const issuer = tls.issuerRef;
  const subject = tls.subject && Object.keys(tls.subject).length > 0 ? structuredClone(tls.subject) : undefined;
  return {
    apiVersion: CERT_MANAGER_API,
    kind: 'Certificate',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels },
    spec: {
      secretName: input.secretName,
      issuerRef: {
        name: issuer?.name ?? '',
        kind: issuer?.kind || 'ClusterIssuer',
        ...(issuer?.group ? { group: issuer.group } : {}),
      },
      ...(input.commonName.length <= MAX_COMMON_NAME ? { commonName: input.commonName } : {}),
      dnsNames: [...input.dnsNames],
      ...(tls.duration ? { duration: tls.duration } : {}),
      ...(tls.renewBefore ? { renewBefore: tls.renewBefore } : {}),
      ...(subject ? { subject } : {}),
      usages: [...(tls.usages?.length ? tls.usages : DEFAULT_CERT_USAGES)],
      privateKey: { encoding: 'PKCS8', rotationPolicy: 'Always' },
    },
  };
}

/** Why the usages matter, per deployment shape and trust mode (a standalone has no cluster traffic). */
const USAGE_REASONS: Readonly<Record<DeploymentShape, { strict: string; trustAll: string }>> = {
  cluster: {
    strict: 'the servers present the certificate to clients and, for cluster and backup traffic, to each other as clients',
    trustAll: 'the servers present the certificate to their clients',
  },
  standalone: {
    strict: 'the server presents the certificate to its clients, and backup clients present it to the server',
    trustAll: 'the server presents the certificate to its clients',
  },
};

/**
 * What would make cert-manager refuse the Certificate, or Neo4j refuse its certificate: lifetime
 * limits, and usages without `server auth` (or, under strict trust, without `client auth`: the
 * cluster and backup policies require client certificates; a standalone has only the backup
 * policy). `shape` only words the message. Syntax is checked elsewhere.
 */
export function certificateErrors(tls: TLSSpec, trust: TlsTrust, shape: DeploymentShape = 'cluster'): string[] {
  const errors: string[] = [];
  const duration = tls.duration === undefined ? DEFAULT_DURATION_MS : parseGoDuration(tls.duration);
  const renewBefore = tls.renewBefore === undefined ? undefined : parseGoDuration(tls.renewBefore);
  if (duration !== undefined && duration < MIN_DURATION_MS) {
    errors.push(`spec.tls.duration ${tls.duration} is too short: cert-manager requires a certificate duration of at least 1h`);
  }
  if (renewBefore !== undefined) {
    if (renewBefore < MIN_RENEW_BEFORE_MS) {
      errors.push(`spec.tls.renewBefore ${tls.renewBefore} is too short: cert-manager requires at least 5m`);
    } else if (duration !== undefined && renewBefore >= duration) {
      errors.push(
        `spec.tls.renewBefore ${tls.renewBefore} must be shorter than the certificate duration ${tls.duration ?? '2160h (cert-manager default)'}`,
      );
    }
  }
  const usages = tls.usages ?? [];
  if (usages.length > 0) {
    const needed = trust.trustAll ? ['server auth'] : ['server auth', 'client auth'];
    const missing = needed.filter((u) => !usages.includes(u));
    if (missing.length > 0) {
      errors.push(
        `spec.tls.usages must include ${missing.map((u) => JSON.stringify(u)).join(' and ')}: ` +
          (trust.trustAll ? USAGE_REASONS[shape].trustAll : USAGE_REASONS[shape].strict),
      );
    }
  }
  return errors;
}

/** The trust mode a CR's annotations ask for, and a warning for a value that is neither true nor false. */
export function trustFromAnnotations(annotations: Readonly<Record<string, string>> | undefined): { trust: TlsTrust; warning?: string } {
  const value = annotations?.[TRUST_ALL_ANNOTATION];
  if (value === undefined || value === 'false') return { trust: { trustAll: false } };
  if (value === 'true') return { trust: { trustAll: true } };
  return {
    trust: { trustAll: false },
    warning: `annotation ${TRUST_ALL_ANNOTATION}=${JSON.stringify(value)} is ignored: use "true" or "false"; the servers trust only the issuing CA`,
  };
}

/**
 * A warning when the observed Certificate reports Ready=False (issuer missing, request denied…):
 * until cert-manager issues the Secret, the servers (a standalone's server) cannot start.
 * Undefined otherwise.
 */
export function certificateWarning(observed: K8sObject | undefined, secretName: string, shape: DeploymentShape = 'cluster'): string | undefined {
  const conditions = isRecord(observed?.status) ? observed.status.conditions : undefined;
  if (!Array.isArray(conditions)) return undefined;
  const ready = conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === 'Ready');
  if (!ready || ready.status !== 'False') return undefined;
  const reason = typeof ready.reason === 'string' && ready.reason ? ` (${ready.reason})` : '';
  const message = typeof ready.message === 'string' && ready.message ? `: ${ready.message}` : '';
  const servers = shape === 'cluster' ? 'the servers start' : 'the server starts';
  return `Certificate ${observed!.metadata.name} is not ready${reason}${message}; ${servers} once cert-manager has issued Secret ${secretName}`;
}
