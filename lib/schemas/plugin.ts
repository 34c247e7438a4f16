/**
 * Neo4jPlugin: a Neo4j plugin (APOC, GDS, Bloom, GenAI, …) installed into a cluster or standalone.
 * Spec and status follow the operator's CRD field for field.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { KindDefinition } from './kind.js';
import { ObservedGeneration, StringList } from './shared.js';
import { Conditions, MapOf, StringEnum, StringMap, Timestamp } from './types.js';

/** `spec` of a Neo4jPlugin; `clusterRef`, `name` and `version` are required. */
export const PluginSpecSchema = Type.Object(
  {
    clusterRef: Type.String({ description: 'Name of the Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone in this namespace.' }),
    name: Type.String({ description: 'Plugin name, for example apoc, graph-data-science, bloom or genai.' }),
    version: Type.String({ description: 'Plugin version, for example 5.26.0.' }),
    enabled: Type.Optional(Type.Boolean({ description: 'Install the plugin; default true.', default: true })),
    source: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(
            StringEnum(['official', 'community', 'custom', 'url'] as const, {
              description: 'Where the plugin comes from: official, community, custom or url; default official.',
              default: 'official',
            }),
          ),
          url: Type.Optional(Type.String({ description: 'Download URL (types custom and url).' })),
          checksum: Type.Optional(Type.String({ description: 'Checksum of the download, for example sha256:<hex>.' })),
          authSecret: Type.Optional(Type.String({ description: 'Secret with credentials for a private download.' })),
          registry: Type.Optional(
            Type.Object(
              {
                url: Type.String({ description: 'URL of the plugin registry.' }),
                authSecret: Type.Optional(Type.String({ description: 'Secret with registry credentials.' })),
                tls: Type.Optional(
                  Type.Object(
                    {
                      insecureSkipVerify: Type.Optional(
                        Type.Boolean({ description: 'Skip TLS verification of the registry; default false.' }),
                      ),
                      caSecret: Type.Optional(Type.String({ description: 'Secret with the CA of the registry.' })),
                    },
                    { description: 'TLS settings of the registry.' },
                  ),
                ),
              },
              { description: 'A custom plugin registry.' },
            ),
          ),
        },
        { description: 'Where the plugin is obtained; official by default.' },
      ),
    ),
    config: Type.Optional(StringMap({ description: 'Plugin settings, by neo4j.conf setting name.' })),
    dependencies: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ description: 'Name of the plugin depended on.' }),
            versionConstraint: Type.Optional(Type.String({ description: 'Accepted versions, for example >=5.26.0.' })),
            optional: Type.Optional(Type.Boolean({ description: 'Install even if the dependency is missing; default false.' })),
          },
          { description: 'One plugin dependency.' },
        ),
        { description: 'Other plugins installed together with this one.' },
      ),
    ),
    license: Type.Optional(
      Type.Object(
        {
          keySecret: Type.Optional(Type.String({ description: 'Secret with the license key.' })),
          serverUrl: Type.Optional(Type.String({ description: 'URL of a license server.' })),
          licenseFile: Type.Optional(Type.String({ description: 'Path of an offline license file.' })),
        },
        { description: 'License of a commercial plugin.' },
      ),
    ),
    security: Type.Optional(
      Type.Object(
        {
          allowedProcedures: Type.Optional(
            StringList({ description: 'Procedures added to the allowlist, for example apoc.*.' }, 'A procedure name or glob.'),
          ),
          deniedProcedures: Type.Optional(
            StringList({ description: 'Procedures added to the denylist.' }, 'A procedure name or glob.'),
          ),
          sandbox: Type.Optional(
            Type.Boolean({ description: 'Keep allowed procedures sandboxed (not unrestricted); default false.' }),
          ),
          securityPolicy: Type.Optional(Type.String({ description: 'Security policy: strict, moderate or permissive.' })),
        },
        { description: 'Procedure security of the plugin.' },
      ),
    ),
    resources: Type.Optional(
      Type.Object(
        {
          memoryLimit: Type.Optional(Type.String({ description: 'Memory limit of the plugin.' })),
          cpuLimit: Type.Optional(Type.String({ description: 'CPU limit of the plugin.' })),
          threadPoolSize: Type.Optional(Type.Integer({ description: 'Thread pool size of the plugin.', format: 'int32' })),
        },
        { description: 'Resource limits of the plugin (not enforced by the operator).' },
      ),
    ),
  },
  { description: 'Desired plugin: which one, where, and its settings.' },
);
/** Static type of {@link PluginSpecSchema}. */
export type PluginSpec = Static<typeof PluginSpecSchema>;

/** `status` of a Neo4jPlugin, written by the sync hook. */
export const PluginStatusSchema = Type.Object(
  {
    conditions: Type.Optional(Conditions()),
    observedGeneration: Type.Optional(ObservedGeneration({ description: 'The .metadata.generation this status reflects.' })),
    phase: Type.Optional(Type.String({ description: 'Phase of the plugin, for example Waiting, Installing, Ready or Failed.' })),
    message: Type.Optional(Type.String({ description: 'Human readable detail of the phase.' })),
    installedVersion: Type.Optional(Type.String({ description: 'Version of the installed plugin.' })),
    installationTime: Type.Optional(Timestamp({ description: 'When the plugin was installed.' })),
    health: Type.Optional(
      Type.Object(
        {
          status: Type.Optional(Type.String({ description: 'Health of the plugin.' })),
          lastHealthCheck: Type.Optional(Timestamp({ description: 'When health was last checked.' })),
          errors: Type.Optional(StringList({ description: 'Errors of the plugin.' }, 'One error message.')),
          performance: Type.Optional(
            Type.Object(
              {
                memoryUsage: Type.Optional(Type.String({ description: 'Memory used by the plugin.' })),
                cpuUsage: Type.Optional(Type.String({ description: 'CPU used by the plugin.' })),
                executionCount: Type.Optional(
                  Type.Integer({ description: 'Procedure executions.', format: 'int64' }),
                ),
                avgExecutionTime: Type.Optional(Type.String({ description: 'Average execution time.' })),
              },
              { description: 'Performance metrics of the plugin.' },
            ),
          ),
        },
        { description: 'Health of the plugin.' },
      ),
    ),
    usage: Type.Optional(
      Type.Object(
        {
          proceduresCalled: Type.Optional(
            MapOf(Type.Integer({ description: 'Calls of this procedure.', format: 'int64' }), {
              description: 'Calls per procedure name.',
            }),
          ),
          lastUsed: Type.Optional(Timestamp({ description: 'When the plugin was last used.' })),
          usageFrequency: Type.Optional(Type.String({ description: 'How often the plugin is used.' })),
        },
        { description: 'Usage statistics of the plugin.' },
      ),
    ),
  },
  { description: 'Observed state of the plugin.' },
);
/** Static type of {@link PluginStatusSchema}. */
export type PluginStatus = Static<typeof PluginStatusSchema>;

/**
 * `status.plugins` of a Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone (neo4j-hooks
 * addition): the Neo4jPlugins in its servers' pod template.
 */
export function InstalledPlugins() {
  return Type.Array(
    Type.Object(
      {
        name: Type.String({ description: 'Name of the Neo4jPlugin.' }),
        plugin: Type.String({ description: 'Plugin name in the Docker image catalogue, for example apoc or graph-data-science.' }),
        fingerprint: Type.String({ description: 'Hash of the Neo4jPlugin spec the servers are configured with.' }),
      },
      { description: 'One Neo4jPlugin in the servers\' pod template.' },
    ),
    {
      description:
        'Neo4jPlugins in the servers\' pod template (neo4j-hooks addition); every server runs them once the Progressing condition is False.',
    },
  );
}

/** The Neo4jPlugin kind: names, schemas and `kubectl get` columns. */
export const pluginKind: KindDefinition<typeof PluginSpecSchema, typeof PluginStatusSchema> = {
  kind: 'Neo4jPlugin',
  plural: 'neo4jplugins',
  singular: 'neo4jplugin',
  shortNames: ['n4jplg'],
  description: 'A Neo4j plugin installed into a cluster or standalone.',
  spec: PluginSpecSchema,
  status: PluginStatusSchema,
  printerColumns: [
    { name: 'Plugin', type: 'string', jsonPath: '.spec.name' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
