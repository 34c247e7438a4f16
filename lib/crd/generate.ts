/**
 * Generates the `apiextensions.k8s.io/v1` CustomResourceDefinition of each kind from its
 * TypeBox schemas: structural `openAPIV3Schema`, status subresource, printer columns, short names
 * and the `neo4j` category. The committed files in manifests/crds are exactly this output.
 */
import { CATEGORY, GROUP, VERSION, type KindDefinition } from '../schemas/kind.js';
import { toStructural, type JsonSchema } from './structural.js';

/** The complete `openAPIV3Schema` of a kind. */
export function openApiSchema(def: KindDefinition): JsonSchema {
  const schema: JsonSchema = {
    description: def.description,
    type: 'object',
    properties: {
      apiVersion: { description: 'APIVersion of this object: neo4j.neo4j.com/v1alpha1.', type: 'string' },
      kind: { description: `Kind of this object: ${def.kind}.`, type: 'string' },
      metadata: { type: 'object' },
      spec: toStructural(def.spec),
      status: toStructural(def.status),
    },
    required: ['spec'],
  };
  if (def.rootRules?.length) schema['x-kubernetes-validations'] = def.rootRules;
  return schema;
}

/** The CRD object of a kind. */
export function crdFor(def: KindDefinition): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'neo4j-hooks' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openApiSchema(def) },
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns,
        },
      ],
    },
  };
}

/** File name of a kind's CRD under manifests/crds (the operator's naming). */
export function crdFileName(def: KindDefinition): string {
  return `${GROUP}_${def.plural}.yaml`;
}
