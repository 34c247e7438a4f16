/**
 * The client Service of a Neo4j deployment (cluster or standalone): the type and options of
 * `spec.service`, which also decide how far outside the Kubernetes cluster the server is reachable.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { K8sObject } from '../k8s/object.js';
import type { ServiceSpec } from '../schemas/shared.js';

/** A TCP Service port that targets the same container port. */
export function tcpServicePort(name: string, port: number): ServicePort {
  return { name, port, targetPort: port, protocol: 'TCP' };
}

/** Everything a client Service is made of besides `spec.service`. */
export interface ClientServiceInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  ports: ServicePort[];
  /** The CR's `spec.service`. */
  service: ServiceSpec | undefined;
}

/**
 * The client Service: `spec.service.type` (default ClusterIP) and annotations; a LoadBalancer's
 * IP and source ranges only on a LoadBalancer, the external traffic policy only on a NodePort or
 * LoadBalancer (the API server refuses them elsewhere). Copies every user value.
 */
export function buildClientService(input: ClientServiceInput): Service & K8sObject {
  const { service } = input;
  const type = service?.type ?? 'ClusterIP';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: input.labels,
      ...(service?.annotations ? { annotations: { ...service.annotations } } : {}),
    },
    spec: {
      type,
      selector: input.selector,
      ports: input.ports,
      ...(type === 'LoadBalancer' && service?.loadBalancerIP ? { loadBalancerIP: service.loadBalancerIP } : {}),
      ...(type === 'LoadBalancer' && service?.loadBalancerSourceRanges?.length ? { loadBalancerSourceRanges: [...service.loadBalancerSourceRanges] } : {}),
      ...(external && service?.externalTrafficPolicy ? { externalTrafficPolicy: service.externalTrafficPolicy } : {}),
    },
  };
}
