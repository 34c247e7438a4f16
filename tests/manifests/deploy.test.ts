/**
 * The hook service manifests (manifests/deploy) read directly, without kustomize: every object is
 * valid, the objects refer to each other correctly, and the Deployment has the availability and
 * hardening it promises.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readYamlDocuments } from '../../hooks/commands.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { DEFAULT_CONTROLLER_OPTIONS } from '../../lib/manifests/controllers.js';
import { ROOT } from '../support/fixtures.js';
import { manifestErrors } from './validate.js';

const DEPLOY = join(ROOT, 'manifests', 'deploy');
const kustomization = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const objects = kustomization.resources.flatMap((file) =>
  readYamlDocuments(readFileSync(join(DEPLOY, file), 'utf8'), file),
) as K8sObject[];
const find = <T>(kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as unknown as T & K8sObject;
};

describe('manifests/deploy', () => {
  const { service: hookService } = DEFAULT_CONTROLLER_OPTIONS;
  const deployment = find<Deployment>('Deployment');
  const pod = deployment.spec!.template;
  const container = pod.spec!.containers[0]!;

  it('lists every file of the folder and holds only valid objects', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Deployment', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'],
    );
    for (const object of objects) expect(manifestErrors(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) expect(object.metadata.namespace).toBe(hookService.namespace);
  });

  it('serves the Service the CompositeControllers call, on the port the app listens on', () => {
    const service = find<Service>('Service');
    expect(service.metadata.name).toBe(hookService.name);
    const port = service.spec!.ports!.find((p) => p.port === hookService.port)!;
    expect(port.targetPort).toBe('http');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(service.spec!.selector).toEqual(deployment.spec!.selector.matchLabels);
    expect(pod.metadata!.labels).toMatchObject(deployment.spec!.selector.matchLabels!);
  });

  it('stays available: two replicas spread over nodes, a PDB, probes on /readyz and /healthz', () => {
    expect(deployment.spec!.replicas).toBe(2);
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    expect(pod.spec!.topologySpreadConstraints?.[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchLabels: deployment.spec!.selector.matchLabels },
    });
    const pdb = find<PodDisruptionBudget>('PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: deployment.spec!.selector });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.resources?.requests).toBeDefined();
    expect(container.resources?.limits?.memory).toBeDefined();
  });

  it('runs hardened: non-root, read-only root, no capabilities, RuntimeDefault seccomp, no API token', () => {
    expect(pod.spec!.automountServiceAccountToken).toBe(false);
    expect(find<K8sObject>('ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(pod.spec!.serviceAccountName).toBe(find<K8sObject>('ServiceAccount').metadata.name);
    expect(pod.spec!.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(find<K8sObject>('Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs the released image with the serve command', () => {
    expect(container.image).toBe('ghcr.io/neo4j-hooks/neo4j-hooks:0.1.0');
    expect(container.args).toEqual(['serve']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(container.image?.endsWith(`:${pkg.version}`), 'image tag follows package.json version').toBe(true);
  });

  it('admits only the Metacontroller namespace, on 8080, and no egress', () => {
    const policy = find<NetworkPolicy>('NetworkPolicy');
    expect(policy.spec!.podSelector).toEqual(deployment.spec!.selector);
    expect(policy.spec!.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec!.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'metacontroller' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(policy.spec!.egress).toEqual([]);
  });
});
