/**
 * What the project knows about one custom resource kind: its names, its spec and status
 * schemas, and its `kubectl get` columns. The CRDs, the hook registry and the CLI all read
 * these definitions, so names and schemas have one source of truth.
 */
import type { TSchema } from '@sinclair/typebox';
import type { CelRule } from './types.js';

/** API group of every kind served here (the operator's group). */
export const GROUP = 'neo4j.neo4j.com';
/** The one served and stored version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` of every parent object. */
export const API_VERSION = `${GROUP}/${VERSION}`;
/** Category shared by all kinds: `kubectl get neo4j` lists them all. */
export const CATEGORY = 'neo4j';

/** One `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** Everything the CRD generator and the registry need about one kind. */
export interface KindDefinition<Spec extends TSchema = TSchema, Status extends TSchema = TSchema> {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** One sentence: what this resource is. */
  description: string;
  spec: Spec;
  status: Status;
  printerColumns: PrinterColumn[];
  /** CEL rules on the whole object (for example transition rules comparing with oldSelf). */
  rootRules?: CelRule[];
}
