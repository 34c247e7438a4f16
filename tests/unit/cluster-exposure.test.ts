/**
 * spec.service on a cluster: the client Service options and the optional Ingress `<c>-ingress`
 * (networking.k8s.io/v1) to the client Service's HTTP port.
 */
import { describe, expect, it } from 'vitest';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { CLUSTER_CHILDREN } from '../../lib/cluster/reconciler.js';
import { ingressErrors } from '../../lib/exposure/ingress.js';
import { child, clusterDoc, service, sync, type LooseCluster } from '../support/cluster-case.js';

const withIngress = (ingress: Record<string, unknown>, mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.service = { ingress: { enabled: true, ...ingress } };
    mutate?.(d);
  });

describe('exposure: Ingress', () => {
  it('is declared and off by default', () => {
    expect(CLUSTER_CHILDREN.find((c) => c.kind === 'Ingress')).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', resource: 'ingresses', updateStrategy: 'InPlace' });
    expect(sync(clusterDoc()).children.some((c) => c.kind === 'Ingress')).toBe(false);
    expect(sync(clusterDoc((d) => (d.spec.service = { ingress: { enabled: false, host: 'x.example.com' } }))).children.some((c) => c.kind === 'Ingress')).toBe(false);
  });

  it('routes the host to <c>-client:7474 with class, TLS Secret and annotations', () => {
    const response = sync(withIngress({ className: 'nginx', host: 'neo4j.example.com', tlsSecretName: 'web-tls', annotations: { 'a.example/b': 'c' } }));
    const ingress = child<Ingress>(response, 'Ingress', 'graph-ingress')!;
    expect(ingress.metadata.annotations).toEqual({ 'a.example/b': 'c' });
    expect(ingress.metadata.labels?.['neo4j.com/role']).toBe('ingress');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['neo4j.example.com'], secretName: 'web-tls' }],
      rules: [
        {
          host: 'neo4j.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'graph-client', port: { number: 7474 } } } }] },
        },
      ],
    });
    expect(service(response, 'graph-client')!.spec!.ports).toContainEqual({ name: 'http', port: 7474, targetPort: 7474, protocol: 'TCP' });
  });

  it('serves any host without one, and omits what is not set', () => {
    const ingress = child<Ingress>(sync(withIngress({})), 'Ingress', 'graph-ingress')!;
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.spec).toEqual({ rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'graph-client', port: { number: 7474 } } } }] } }] });
    const tlsOnly = child<Ingress>(sync(withIngress({ tlsSecretName: 'web-tls' })), 'Ingress', 'graph-ingress')!;
    expect(tlsOnly.spec?.tls).toEqual([{ secretName: 'web-tls' }]);
  });

  it.each([
    ['neo4j.example.com', true],
    ['*.example.com', true],
    ['Neo4j.Example.com', false],
    ['10.0.0.1', false],
    ['bad_host.example.com', false],
  ])('host %s is valid: %s', (host, valid) => {
    expect(ingressErrors({ enabled: true, host }, 'spec.service.ingress')).toHaveLength(valid ? 0 : 1);
  });

  it('refuses values the API server would reject, instead of failing the apply', () => {
    const response = sync(withIngress({ host: '10.0.0.1', className: 'Nginx' }));
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toContain(
      'spec.service.ingress.host "10.0.0.1" is not a valid host name: a DNS name (optionally starting with "*."), not an IP address',
    );
    expect(response.status.message).toContain('spec.service.ingress.className "Nginx" is not a valid resource name');
  });
});

describe('exposure: client Service', () => {
  it('keeps the LoadBalancer options and adds https only with TLS', () => {
    const doc = withIngress({ host: 'neo4j.example.com' }, (d) => {
      d.spec.service = { ...d.spec.service, type: 'LoadBalancer', loadBalancerIP: '10.1.2.3', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local', annotations: { lb: 'nlb' } };
    });
    const client = service(sync(doc), 'graph-client')!;
    expect(client.metadata.annotations).toEqual({ lb: 'nlb' });
    expect(client.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '10.1.2.3', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' });
    expect(client.spec!.ports!.map((p) => p.name)).toEqual(['bolt', 'http']);
    const tls = service(sync(clusterDoc((d) => ((d.spec.service = { type: 'NodePort' }), (d.spec.tls = { issuerRef: { name: 'ca' } })))), 'graph-client')!;
    expect(tls.spec!.type).toBe('NodePort');
    expect(tls.spec!.ports!.map((p) => p.name)).toEqual(['bolt', 'http', 'https']);
  });
});
