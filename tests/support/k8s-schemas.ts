/**
 * Validators for child objects: the official Kubernetes schemas (kubernetes-models) for core
 * kinds. A child of a kind without a validator fails, so a new child kind cannot slip in
 * unchecked; the integration kinds (cert-manager, external-secrets, prometheus-operator) register
 * theirs here when they are added.
 */
import { ConfigMap, Secret, Service, ServiceAccount, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { Job, CronJob } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { validateExternalSecret } from './external-secret-schema.js';
import type { K8sObject } from '../../lib/k8s/object.js';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'batch/v1/CronJob': CronJob as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
  // Integration kinds: the official CRD schemas (cert-manager v1.11, prometheus-operator v0.65)
  // through kubernetes-models; ExternalSecret v1 through a schema taken from ESO's CRD (see there).
  'cert-manager.io/v1/Certificate': Certificate as unknown as Model,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as Model,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as unknown as Model,
  'external-secrets.io/v1/ExternalSecret': class {
    constructor(private readonly data: unknown) {}
    validate(): void {
      validateExternalSecret(this.data);
    }
  } as unknown as Model,
};

/** Validates a child against its official schema; returns an error message or undefined. */
export function schemaError(child: K8sObject): string | undefined {
  const model = MODELS[`${child.apiVersion}/${child.kind}`];
  if (!model) return `no schema validator for ${child.apiVersion} ${child.kind}: register one in tests/support/k8s-schemas.ts`;
  try {
    new model(structuredClone(child) as never).validate();
    return undefined;
  } catch (error) {
    return `${child.kind} ${child.metadata.name}: ${(error as Error).message}`;
  }
}
