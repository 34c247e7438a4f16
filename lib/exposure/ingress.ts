/**
 * An `Ingress` (networking.k8s.io/v1) in front of a Service's HTTP port (Neo4j Browser and the
 * HTTP API): one rule, path `/` Prefix, the user's class, host, annotations and TLS Secret. The
 * rules here are the API server's, so a bad value is reported in status instead of failing the apply.
 */
import type { Ingress, IngressRule, IngressTLS } from 'kubernetes-types/networking/v1.js';
import type { K8sObject } from '../k8s/object.js';
import type { IngressSpec } from '../schemas/shared.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/u;

/** Everything one Ingress is made of. */
export interface IngressInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  serviceName: string;
  servicePort: number;
  spec: IngressSpec;
}

/** Whether the Ingress of `spec` is wanted. */
export function ingressEnabled(spec: IngressSpec | undefined): spec is IngressSpec {
  return spec?.enabled === true;
}

/** The Ingress routing every path of the host (or of any host, without one) to the Service port. */
export function buildIngress(input: IngressInput): Ingress & K8sObject {
  const { spec } = input;
  const rule: IngressRule = {
    ...(spec.host ? { host: spec.host } : {}),
    http: {
      paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: input.serviceName, port: { number: input.servicePort } } } }],
    },
  };
  const tls: IngressTLS[] = spec.tlsSecretName ? [{ ...(spec.host ? { hosts: [spec.host] } : {}), secretName: spec.tlsSecretName }] : [];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: input.labels,
      ...(spec.annotations && Object.keys(spec.annotations).length > 0 ? { annotations: { ...spec.annotations } } : {}),
    },
    spec: {
      ...(spec.className ? { ingressClassName: spec.className } : {}),
      ...(tls.length > 0 ? { tls } : {}),
      rules: [rule],
    },
  };
}

function isHost(host: string): boolean {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return host.length <= 253 && DNS_SUBDOMAIN.test(name) && !/^[0-9.]+$/u.test(name);
}

/** What the API server would refuse in an enabled ingress block at `path`. */
export function ingressErrors(spec: IngressSpec | undefined, path: string): string[] {
  if (!ingressEnabled(spec)) return [];
  const errors: string[] = [];
  if (spec.host && !isHost(spec.host)) {
    errors.push(`${path}.host ${JSON.stringify(spec.host)} is not a valid host name: a DNS name (optionally starting with "*."), not an IP address`);
  }
  for (const field of ['className', 'tlsSecretName'] as const) {
    const value = spec[field];
    if (value && (value.length > 253 || !DNS_SUBDOMAIN.test(value))) {
      errors.push(`${path}.${field} ${JSON.stringify(value)} is not a valid resource name (lowercase letters, digits, "-" and ".")`);
    }
  }
  return errors;
}
