/**
 * Sub-schemas shared by several kinds of `neo4j.neo4j.com/v1alpha1`: the image, storage, TLS, auth,
 * service, scheduling and backup-location blocks of the cluster and standalone specs, and the storage
 * locations of backups and restores. Field names, types, enums, defaults and required lists follow the
 * operator's generated CRDs, so existing custom resources validate unchanged.
 *
 * Each builder takes the node's own `description` (the same block means different things in different
 * places) and returns a fresh schema; the type of the same name is its static shape.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  IntOrString,
  MapOf,
  StringEnum,
  StringMap,
  Timestamp,
  withCel,
  type CelRule,
  type Described,
} from './types.js';

/** The Kubernetes resource-quantity syntax (as in core/v1), enforced on every quantity map value. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** A list of strings whose items are described too (for `kubectl explain` on the item). */
export function StringList(options: Described, itemDescription: string) {
  return Type.Array(Type.String({ description: itemDescription }), options);
}

/** A resource quantity such as `500m`, `2Gi` or `4`: an int-or-string in the core/v1 quantity syntax. */
export function Quantity(options: Described) {
  return IntOrString({ ...options, pattern: QUANTITY_PATTERN });
}

/** core/v1 ResourceRequirements: limits and requests as quantity maps, plus DRA claims. */
export function ResourceRequirements(options: Described) {
  return Type.Object(
    {
      limits: Type.Optional(
        MapOf(Quantity({ description: 'Maximum amount of this resource.' }), {
          description: 'Maximum compute resources allowed, by resource name (cpu, memory, …).',
        }),
      ),
      requests: Type.Optional(
        MapOf(Quantity({ description: 'Requested amount of this resource.' }), {
          description: 'Minimum compute resources required, by resource name; defaults to limits when omitted.',
        }),
      ),
      claims: Type.Optional(
        Type.Array(
          Type.Object(
            {
              name: Type.String({ description: 'Name of an entry in the pod spec resourceClaims.' }),
              request: Type.Optional(
                Type.String({ description: 'Request within the claim to use; empty means the whole claim.' }),
              ),
            },
            { description: 'A reference to one resource claim of the pod.' },
          ),
          {
            description: 'Dynamic resource claims used by the container (alpha Kubernetes feature).',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
          },
        ),
      ),
    },
    options,
  );
}
export type ResourceRequirements = Static<ReturnType<typeof ResourceRequirements>>;

/** A key of a ConfigMap or Secret (core/v1 ConfigMapKeySelector, SecretKeySelector). */
function KeySelector(of: 'ConfigMap' | 'Secret', options: Described) {
  return Type.Object(
    {
      key: Type.String({ description: `The key of the ${of} to take the value from.` }),
      // Required (core/v1 defaults it to "", which the API server then refuses in a pod).
      name: Type.String({ description: `Name of the ${of} in the namespace of the pod.` }),
      optional: Type.Optional(Type.Boolean({ description: `Whether the ${of} or its key may be missing; default false.` })),
    },
    { ...options, 'x-kubernetes-map-type': 'atomic' },
  );
}

/**
 * core/v1 EnvVarSource: exactly one of its four sources (the API server refuses a container with
 * none or several, so the CRD does too, with `minProperties`/`maxProperties`).
 */
export function EnvVarSource(options: Described) {
  return Type.Object(
    {
      configMapKeyRef: Type.Optional(KeySelector('ConfigMap', { description: 'Take the value from a key of a ConfigMap.' })),
      fieldRef: Type.Optional(
        Type.Object(
          {
            apiVersion: Type.Optional(Type.String({ description: 'Schema version of fieldPath; default v1.' })),
            fieldPath: Type.String({ description: 'Field of the pod to take, for example metadata.name or status.podIP.' }),
          },
          { description: 'Take the value from a field of the pod.', 'x-kubernetes-map-type': 'atomic' },
        ),
      ),
      resourceFieldRef: Type.Optional(
        Type.Object(
          {
            containerName: Type.Optional(Type.String({ description: 'Container whose resource is taken; default this container.' })),
            resource: Type.String({ description: 'Resource to take, for example limits.memory or requests.cpu.' }),
            divisor: Type.Optional(Quantity({ description: 'Unit the value is expressed in; default 1.' })),
          },
          { description: 'Take the value from a resource limit or request of a container.', 'x-kubernetes-map-type': 'atomic' },
        ),
      ),
      secretKeyRef: Type.Optional(KeySelector('Secret', { description: 'Take the value from a key of a Secret.' })),
    },
    { ...options, minProperties: 1, maxProperties: 1 },
  );
}
export type EnvVarSource = Static<ReturnType<typeof EnvVarSource>>;

/** core/v1 EnvVar: `name` required; a literal `value` or a `valueFrom` source. */
export function EnvVar(options: Described) {
  return Type.Object(
    {
      name: Type.String({ description: 'Name of the environment variable.' }),
      value: Type.Optional(
        Type.String({ description: 'Literal value; $(VAR) references to earlier variables are expanded.' }),
      ),
      valueFrom: Type.Optional(
        EnvVarSource({
          description: 'Source of the value: exactly one of configMapKeyRef, fieldRef, resourceFieldRef, secretKeyRef.',
        }),
      ),
    },
    options,
  );
}
export type EnvVar = Static<ReturnType<typeof EnvVar>>;

/** A list of core/v1 EnvVar. */
export function EnvVarList(options: Described) {
  return Type.Array(EnvVar({ description: 'One environment variable of the container.' }), options);
}

/** The operators of a core/v1 Toleration. */
export const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;

/** The core/v1 taint effects a toleration can match. */
export const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] as const;

/** core/v1 Toleration; `operator` and `effect` take only the values Kubernetes accepts. */
export function Toleration(options: Described) {
  return Type.Object(
    {
      key: Type.Optional(Type.String({ description: 'Taint key the toleration applies to; empty matches all keys.' })),
      operator: Type.Optional(
        StringEnum(TOLERATION_OPERATORS, { description: 'How key and value are compared: Exists or Equal; defaults to Equal.' }),
      ),
      value: Type.Optional(Type.String({ description: 'Taint value to match; empty when operator is Exists.' })),
      effect: Type.Optional(
        StringEnum(TAINT_EFFECTS, { description: 'Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.' }),
      ),
      tolerationSeconds: Type.Optional(
        Type.Integer({
          description: 'For NoExecute: how long the pod stays bound after the taint appears; unset means forever.',
          format: 'int64',
        }),
      ),
    },
    options,
  );
}
export type Toleration = Static<ReturnType<typeof Toleration>>;

/** A list of core/v1 Toleration. */
export function TolerationList(options: Described) {
  return Type.Array(Toleration({ description: 'One toleration of the pods.' }), options);
}

/** The operators of a core/v1 NodeSelectorRequirement. */
export const NODE_SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] as const;

/** The operators of a meta/v1 LabelSelectorRequirement. */
export const LABEL_SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'In', 'NotIn'] as const;

/** core/v1 NodeSelectorRequirement: `key` compared by `operator` with `values`. */
function NodeSelectorRequirement(options: Described, keyDescription: string) {
  return Type.Object(
    {
      key: Type.String({ description: keyDescription }),
      operator: StringEnum(NODE_SELECTOR_OPERATORS, {
        description: 'How the value is compared: In, NotIn, Exists, DoesNotExist, Gt or Lt.',
      }),
      values: Type.Optional(
        StringList(
          { description: 'Values to compare with: some for In and NotIn, one integer for Gt and Lt, none for Exists and DoesNotExist.' },
          'One value.',
        ),
      ),
    },
    options,
  );
}

/** core/v1 NodeSelectorTerm: requirements on node labels and fields, ANDed. */
function NodeSelectorTerm(options: Described) {
  return Type.Object(
    {
      matchExpressions: Type.Optional(
        Type.Array(NodeSelectorRequirement({ description: 'One requirement on a node label.' }, 'The node label key.'), {
          description: 'Requirements on node labels, ANDed.',
        }),
      ),
      matchFields: Type.Optional(
        Type.Array(NodeSelectorRequirement({ description: 'One requirement on a node field.' }, 'The node field, for example metadata.name.'), {
          description: 'Requirements on node fields, ANDed.',
        }),
      ),
    },
    { ...options, 'x-kubernetes-map-type': 'atomic' },
  );
}

/** Weight of a preferred scheduling term: 1 to 100, as Kubernetes requires. */
function TermWeight() {
  return Type.Integer({ description: 'Weight of the term, 1 to 100; the highest total wins.', format: 'int32', minimum: 1, maximum: 100 });
}

/** core/v1 NodeAffinity. */
function NodeAffinity(options: Described) {
  return Type.Object(
    {
      requiredDuringSchedulingIgnoredDuringExecution: Type.Optional(
        Type.Object(
          {
            nodeSelectorTerms: Type.Array(NodeSelectorTerm({ description: 'One node selector term.' }), {
              description: 'Node selector terms, ORed; at least one.',
              minItems: 1,
            }),
          },
          { description: 'Nodes the pods must be scheduled on.', 'x-kubernetes-map-type': 'atomic' },
        ),
      ),
      preferredDuringSchedulingIgnoredDuringExecution: Type.Optional(
        Type.Array(
          Type.Object(
            {
              weight: TermWeight(),
              preference: NodeSelectorTerm({ description: 'The nodes this term prefers.' }),
            },
            { description: 'One weighted preference for nodes.' },
          ),
          { description: 'Nodes the scheduler prefers for the pods, by weight.' },
        ),
      ),
    },
    options,
  );
}

/** meta/v1 LabelSelector: labels that must match, and requirements, ANDed. */
export function LabelSelector(options: Described) {
  return Type.Object(
    {
      matchLabels: Type.Optional(StringMap({ description: 'Labels that must all match exactly.' })),
      matchExpressions: Type.Optional(
        Type.Array(
          Type.Object(
            {
              key: Type.String({ description: 'The label key.' }),
              operator: StringEnum(LABEL_SELECTOR_OPERATORS, {
                description: 'How the value is compared: In, NotIn, Exists or DoesNotExist.',
              }),
              values: Type.Optional(
                StringList({ description: 'Values to compare with: some for In and NotIn, none for Exists and DoesNotExist.' }, 'One value.'),
              ),
            },
            { description: 'One requirement on a label.' },
          ),
          { description: 'Requirements on labels, ANDed.' },
        ),
      ),
    },
    { ...options, 'x-kubernetes-map-type': 'atomic' },
  );
}
export type LabelSelector = Static<ReturnType<typeof LabelSelector>>;

/** core/v1 PodAffinityTerm: pods selected by labels in some namespaces, within a topology domain. */
function PodAffinityTerm(options: Described) {
  return Type.Object(
    {
      labelSelector: Type.Optional(LabelSelector({ description: 'The pods this term selects; none when unset.' })),
      namespaceSelector: Type.Optional(
        LabelSelector({ description: 'Namespaces searched, by label, in addition to namespaces; {} means all.' }),
      ),
      namespaces: Type.Optional(
        StringList({ description: "Namespaces searched; the pod's own namespace when this and namespaceSelector are unset." }, 'A namespace.'),
      ),
      topologyKey: Type.String({ description: 'Node label whose value defines the topology domain, for example kubernetes.io/hostname.', minLength: 1 }),
      matchLabelKeys: Type.Optional(
        StringList({ description: "Pod label keys whose values, taken from the incoming pod, are ANDed into labelSelector." }, 'A label key.'),
      ),
      mismatchLabelKeys: Type.Optional(
        StringList({ description: "Pod label keys whose values, taken from the incoming pod, must differ in the selected pods." }, 'A label key.'),
      ),
    },
    options,
  );
}

/** core/v1 PodAffinity and PodAntiAffinity (the same shape; `attract` tells which). */
function PodAffinityRules(options: Described, attract: boolean) {
  const relation = attract ? 'with' : 'away from';
  return Type.Object(
    {
      requiredDuringSchedulingIgnoredDuringExecution: Type.Optional(
        Type.Array(PodAffinityTerm({ description: `Pods this pod must be scheduled ${relation}, within the topology domain.` }), {
          description: `Terms the pods must meet, ANDed: scheduled ${relation} the selected pods.`,
        }),
      ),
      preferredDuringSchedulingIgnoredDuringExecution: Type.Optional(
        Type.Array(
          Type.Object(
            {
              weight: TermWeight(),
              podAffinityTerm: PodAffinityTerm({ description: `Pods this pod prefers to be scheduled ${relation}.` }),
            },
            { description: 'One weighted pod affinity term.' },
          ),
          { description: `Terms the scheduler prefers, by weight: scheduled ${relation} the selected pods.` },
        ),
      ),
    },
    options,
  );
}

/** core/v1 Affinity: node affinity, pod affinity and pod anti-affinity, modelled field by field. */
export function Affinity(options: Described) {
  return Type.Object(
    {
      nodeAffinity: Type.Optional(NodeAffinity({ description: 'Node affinity scheduling rules of the pods.' })),
      podAffinity: Type.Optional(
        PodAffinityRules({ description: 'Rules to schedule the pods in the same domain as other pods.' }, true),
      ),
      podAntiAffinity: Type.Optional(
        PodAffinityRules({ description: 'Rules to schedule the pods away from other pods.' }, false),
      ),
    },
    options,
  );
}
export type Affinity = Static<ReturnType<typeof Affinity>>;

/** The Neo4j image. `repo` and `tag` are required; `pullPolicy` defaults to IfNotPresent. */
export function ImageSpec(options: Described) {
  return Type.Object(
    {
      repo: Type.String({ description: 'Image repository, for example neo4j.' }),
      tag: Type.String({ description: 'Image tag, for example 5.26.0-enterprise or 2025.01.0-enterprise.' }),
      // No enum: the operator's CRD accepts any string and only its reconcile-time validator narrowed it.
      pullPolicy: Type.Optional(
        Type.String({ description: 'Image pull policy: Always, Never or IfNotPresent; default IfNotPresent.', default: 'IfNotPresent' }),
      ),
      pullSecrets: Type.Optional(
        StringList(
          { description: 'Names of image pull Secrets in the namespace, added to the pods.' },
          'Name of an image pull Secret.',
        ),
      ),
    },
    options,
  );
}
export type ImageSpec = Static<ReturnType<typeof ImageSpec>>;

/** Storage size in the operator's accepted syntax: digits with an optional K/M/G/T or Ki/Mi/Gi/Ti suffix. */
export const STORAGE_SIZE_RULE: CelRule = {
  rule: "self.size.matches('^[0-9]+([KMGT]i?)?$')",
  message: "storage size must be in format like '100Gi', '1Ti'",
  fieldPath: '.size',
};

/**
 * Longest `storage.size` accepted where its format is checked. The API server rejects a CRD whose CEL
 * rules may cost too much, and `matches()` on an unbounded string is estimated at about 3 MB of input.
 */
export const STORAGE_SIZE_MAX_LENGTH = 64;

/** A StatefulSet's volume claim templates cannot change, so neither can the storage class once set. */
export const STORAGE_CLASS_IMMUTABLE_RULE: CelRule = {
  rule: '!has(oldSelf.className) || self.className == oldSelf.className',
  message: 'storage.className is immutable once set',
  fieldPath: '.className',
};

/**
 * Data volume of the Neo4j pods. `className` and `size` are required; `className` cannot change once
 * set. With `checkSizeFormat` (the cluster, whose operator validator rejected other formats) `size`
 * must match {@link STORAGE_SIZE_RULE}.
 */
export function StorageSpec(options: Described, { checkSizeFormat = false }: { checkSizeFormat?: boolean } = {}) {
  const sizeDescription = 'Size of the data volume per server, for example 100Gi.';
  const schema = Type.Object(
    {
      className: Type.String({ description: 'StorageClass of the data volume; immutable once set.' }),
      size: checkSizeFormat
        ? Type.String({ description: sizeDescription, maxLength: STORAGE_SIZE_MAX_LENGTH })
        : Type.String({ description: sizeDescription }),
      retentionPolicy: Type.Optional(
        StringEnum(['Delete', 'Retain'] as const, {
          description: 'What happens to the data volumes when a cluster is deleted; default Delete (a standalone uses persistence).',
          default: 'Delete',
        }),
      ),
      backupStorage: Type.Optional(
        Type.Object(
          {
            className: Type.Optional(Type.String({ description: 'StorageClass of the backup volume.' })),
            size: Type.Optional(Type.String({ description: 'Size of the backup volume, for example 100Gi.' })),
          },
          { description: 'Volume of the centralized backup pod, when backups are configured.' },
        ),
      ),
    },
    options,
  );
  return withCel(schema, checkSizeFormat ? [STORAGE_SIZE_RULE, STORAGE_CLASS_IMMUTABLE_RULE] : [STORAGE_CLASS_IMMUTABLE_RULE]);
}
export type StorageSpec = Static<ReturnType<typeof StorageSpec>>;

/** External Secrets Operator settings: sync a Secret from an external store. */
export function ExternalSecretsConfig(options: Described) {
  return Type.Object(
    {
      enabled: Type.Optional(
        Type.Boolean({ description: 'Create an ExternalSecret for this Secret; default false.', default: false }),
      ),
      secretStoreRef: Type.Optional(
        Type.Object(
          {
            name: Type.String({ description: 'Name of the SecretStore or ClusterSecretStore.' }),
            kind: Type.Optional(
              StringEnum(['SecretStore', 'ClusterSecretStore'] as const, {
                description: 'Kind of the store; default SecretStore.',
                default: 'SecretStore',
              }),
            ),
          },
          { description: 'The secret store to read from.' },
        ),
      ),
      refreshInterval: Type.Optional(
        Type.String({ description: 'How often the Secret is refreshed, as a Go duration; default 1h.', default: '1h' }),
      ),
      data: Type.Optional(
        Type.Array(
          Type.Object(
            {
              secretKey: Type.String({ description: 'Key in the resulting Kubernetes Secret.' }),
              remoteRef: Type.Optional(
                Type.Object(
                  {
                    key: Type.String({ description: 'Key of the entry in the external store.' }),
                    property: Type.Optional(Type.String({ description: 'Property within the external entry.' })),
                    version: Type.Optional(Type.String({ description: 'Version of the external entry; latest if unset.' })),
                  },
                  { description: 'Where the value comes from in the external store.' },
                ),
              ),
            },
            { description: 'One key of the Secret and its external source.' },
          ),
          { description: 'The keys of the Secret and where each comes from.' },
        ),
      ),
    },
    options,
  );
}
export type ExternalSecretsConfig = Static<ReturnType<typeof ExternalSecretsConfig>>;

/** cert-manager needs an issuer: with mode cert-manager (the default) `issuerRef.name` must be set. */
export const TLS_ISSUER_RULE: CelRule = {
  rule: "(has(self.mode) && self.mode != 'cert-manager') || (has(self.issuerRef) && size(self.issuerRef.name) > 0)",
  message: 'issuer name must be specified when using cert-manager',
  fieldPath: '.issuerRef',
};

/** TLS for Bolt, HTTPS and cluster traffic. With mode cert-manager (the default) an issuer is required. */
export function TLSSpec(options: Described) {
  const schema = Type.Object(
    {
      mode: Type.Optional(
        StringEnum(['cert-manager', 'disabled'] as const, {
          description: 'TLS mode: certificates from cert-manager, or disabled; default cert-manager when tls is set.',
          default: 'cert-manager',
        }),
      ),
      issuerRef: Type.Optional(
        Type.Object(
          {
            name: Type.String({ description: 'Name of the cert-manager issuer.' }),
            kind: Type.Optional(
              StringEnum(['Issuer', 'ClusterIssuer'] as const, {
                description: 'Kind of the issuer; default ClusterIssuer.',
                default: 'ClusterIssuer',
              }),
            ),
            group: Type.Optional(Type.String({ description: 'API group of the issuer; cert-manager.io when unset.' })),
          },
          { description: 'The cert-manager issuer that signs the certificates; required with mode cert-manager.' },
        ),
      ),
      certificateSecret: Type.Optional(
        Type.String({ description: 'Name of an existing TLS Secret (unused by the operator).' }),
      ),
      externalSecrets: Type.Optional(
        ExternalSecretsConfig({ description: 'Sync the TLS Secret from an external store instead.' }),
      ),
      duration: Type.Optional(
        Type.String({ description: "Certificate lifetime as a Go duration, for example 2160h; cert-manager's default when unset." }),
      ),
      renewBefore: Type.Optional(
        Type.String({ description: 'Renew this long before expiry, as a Go duration, for example 360h.' }),
      ),
      subject: Type.Optional(
        Type.Object(
          {
            organizations: Type.Optional(StringList({ description: 'Organizations (O) of the subject.' }, 'An organization.')),
            countries: Type.Optional(StringList({ description: 'Countries (C) of the subject.' }, 'A country.')),
            organizationalUnits: Type.Optional(
              StringList({ description: 'Organizational units (OU) of the subject.' }, 'An organizational unit.'),
            ),
            localities: Type.Optional(StringList({ description: 'Localities (L) of the subject.' }, 'A locality.')),
            provinces: Type.Optional(StringList({ description: 'Provinces or states (ST) of the subject.' }, 'A province.')),
          },
          { description: 'Distinguished-name fields of the certificate subject.' },
        ),
      ),
      usages: Type.Optional(
        StringList(
          { description: 'cert-manager key usages; default digital signature, key encipherment, server auth, client auth.' },
          'A cert-manager key usage.',
        ),
      ),
    },
    options,
  );
  return withCel(schema, [TLS_ISSUER_RULE]);
}
export type TLSSpec = Static<ReturnType<typeof TLSSpec>>;

/** The cluster rejects a non-native auth provider without a provider Secret. */
export const AUTH_SECRET_REF_RULE: CelRule = {
  rule: "!has(self.provider) || self.provider == 'native' || (has(self.secretRef) && size(self.secretRef) > 0)",
  message: 'secretRef is required for non-native auth providers',
  fieldPath: '.secretRef',
};

/** LDAP search settings (user or group search). */
function LdapSearch(options: Described) {
  return Type.Object(
    {
      baseDN: Type.Optional(Type.String({ description: 'Base DN of the search.' })),
      filter: Type.Optional(Type.String({ description: 'LDAP search filter.' })),
      scope: Type.Optional(
        StringEnum(['base', 'one', 'sub'] as const, { description: 'Search scope; default sub.', default: 'sub' }),
      ),
    },
    options,
  );
}

/**
 * Authentication: provider (default native), the admin credentials Secret, and provider settings.
 * With `requireProviderSecret` (the cluster, whose operator validator required it) a non-native
 * provider needs `secretRef`.
 */
export function AuthSpec(options: Described, { requireProviderSecret = false }: { requireProviderSecret?: boolean } = {}) {
  const schema = Type.Object(
    {
      provider: Type.Optional(
        StringEnum(['native', 'ldap', 'kerberos', 'jwt'] as const, {
          description: 'Authentication provider; default native.',
          default: 'native',
        }),
      ),
      secretRef: Type.Optional(
        Type.String({ description: 'Secret with the configuration of a non-native authentication provider.' }),
      ),
      adminSecret: Type.Optional(
        Type.String({ description: 'Secret with keys username and password for the initial admin user.' }),
      ),
      externalSecrets: Type.Optional(
        ExternalSecretsConfig({ description: 'Sync the authentication Secrets from an external store.' }),
      ),
      passwordPolicy: Type.Optional(
        Type.Object(
          {
            minLength: Type.Optional(
              Type.Integer({ description: 'Minimum password length; default 8.', minimum: 1, default: 8 }),
            ),
            requireUppercase: Type.Optional(
              Type.Boolean({ description: 'Require an uppercase character; default true.', default: true }),
            ),
            requireLowercase: Type.Optional(
              Type.Boolean({ description: 'Require a lowercase character; default true.', default: true }),
            ),
            requireNumbers: Type.Optional(Type.Boolean({ description: 'Require a digit; default true.', default: true })),
            requireSpecialChars: Type.Optional(
              Type.Boolean({ description: 'Require a special character; default false.', default: false }),
            ),
          },
          { description: 'Password policy (not enforced by the operator).' },
        ),
      ),
      jwt: Type.Optional(
        Type.Object(
          {
            validation: Type.Optional(
              Type.Object(
                {
                  jwksUrl: Type.Optional(Type.String({ description: 'URL of the JWKS endpoint.' })),
                  issuer: Type.Optional(Type.String({ description: 'Expected token issuer.' })),
                  audience: Type.Optional(StringList({ description: 'Accepted token audiences.' }, 'An audience.')),
                },
                { description: 'How tokens are validated.' },
              ),
            ),
            claimsMapping: Type.Optional(StringMap({ description: 'Mapping of token claims to Neo4j attributes.' })),
          },
          { description: 'Settings of the jwt provider.' },
        ),
      ),
      ldap: Type.Optional(
        Type.Object(
          {
            server: Type.Optional(
              Type.Object(
                {
                  urls: Type.Optional(StringList({ description: 'LDAP server URLs.' }, 'An LDAP server URL.')),
                  tls: Type.Optional(Type.Boolean({ description: 'Use TLS to the LDAP server; default true.', default: true })),
                  insecureSkipVerify: Type.Optional(
                    Type.Boolean({ description: 'Skip TLS certificate verification; default false.', default: false }),
                  ),
                },
                { description: 'LDAP server connection.' },
              ),
            ),
            userSearch: Type.Optional(LdapSearch({ description: 'How users are searched.' })),
            groupSearch: Type.Optional(LdapSearch({ description: 'How groups are searched.' })),
          },
          { description: 'Settings of the ldap provider.' },
        ),
      ),
      kerberos: Type.Optional(
        Type.Object(
          {
            realm: Type.Optional(Type.String({ description: 'Kerberos realm.' })),
            servicePrincipal: Type.Optional(Type.String({ description: 'Service principal name.' })),
            keytab: Type.Optional(
              Type.Object(
                {
                  secretRef: Type.Optional(Type.String({ description: 'Secret holding the keytab file.' })),
                  key: Type.Optional(
                    Type.String({ description: 'Key of the keytab in the Secret; default keytab.', default: 'keytab' }),
                  ),
                },
                { description: 'Where the keytab is.' },
              ),
            ),
          },
          { description: 'Settings of the kerberos provider.' },
        ),
      ),
    },
    options,
  );
  return requireProviderSecret ? withCel(schema, [AUTH_SECRET_REF_RULE]) : schema;
}
export type AuthSpec = Static<ReturnType<typeof AuthSpec>>;

/** An Ingress in front of a Service. */
export function IngressSpec(options: Described) {
  return Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ description: 'Create the Ingress; default false.' })),
      className: Type.Optional(Type.String({ description: 'IngressClass of the Ingress.' })),
      annotations: Type.Optional(StringMap({ description: 'Annotations added to the Ingress.' })),
      host: Type.Optional(Type.String({ description: 'Host name the Ingress serves.' })),
      tlsSecretName: Type.Optional(Type.String({ description: 'TLS Secret for the host; no TLS if unset.' })),
    },
    options,
  );
}
export type IngressSpec = Static<ReturnType<typeof IngressSpec>>;

/** The client Service of the deployment, and an optional Ingress. */
export function ServiceSpec(options: Described) {
  return Type.Object(
    {
      type: Type.Optional(
        StringEnum(['ClusterIP', 'NodePort', 'LoadBalancer'] as const, {
          description: 'Service type; default ClusterIP.',
          default: 'ClusterIP',
        }),
      ),
      annotations: Type.Optional(StringMap({ description: 'Annotations added to the Service.' })),
      loadBalancerIP: Type.Optional(Type.String({ description: 'Requested IP of a LoadBalancer Service.' })),
      loadBalancerSourceRanges: Type.Optional(
        StringList({ description: 'Client CIDRs allowed to reach a LoadBalancer Service.' }, 'A CIDR.'),
      ),
      externalTrafficPolicy: Type.Optional(
        StringEnum(['Cluster', 'Local'] as const, {
          description: 'External traffic policy of a NodePort or LoadBalancer Service; Kubernetes default Cluster.',
        }),
      ),
      ingress: Type.Optional(IngressSpec({ description: 'An Ingress for the HTTP endpoint.' })),
    },
    options,
  );
}
export type ServiceSpec = Static<ReturnType<typeof ServiceSpec>>;

const CLOUD_PROVIDERS = ['aws', 'gcp', 'azure'] as const;

/** Cloud provider and workload identity used to reach object storage. */
export function CloudBlock(options: Described) {
  return Type.Object(
    {
      provider: Type.Optional(StringEnum(CLOUD_PROVIDERS, { description: 'Cloud provider: aws, gcp or azure.' })),
      identity: Type.Optional(
        Type.Object(
          {
            provider: StringEnum(CLOUD_PROVIDERS, { description: 'Provider of the workload identity: aws, gcp or azure.' }),
            serviceAccount: Type.Optional(
              Type.String({ description: 'ServiceAccount bound to the cloud identity.' }),
            ),
            autoCreate: Type.Optional(
              Type.Object(
                {
                  enabled: Type.Optional(
                    Type.Boolean({ description: 'Create the ServiceAccount; default true.', default: true }),
                  ),
                  annotations: Type.Optional(
                    StringMap({ description: 'Annotations of the created ServiceAccount (for example the IAM role).' }),
                  ),
                },
                { description: 'Create the ServiceAccount with identity annotations.' },
              ),
            ),
          },
          { description: 'Workload identity used instead of static credentials.' },
        ),
      ),
      credentialsSecretRef: Type.Optional(
        Type.String({
          description: 'Secret with static cloud credentials (AWS_*, AZURE_STORAGE_*, GOOGLE_APPLICATION_CREDENTIALS_JSON keys); neo4j-hooks addition.',
        }),
      ),
    },
    options,
  );
}
export type CloudBlock = Static<ReturnType<typeof CloudBlock>>;

/** Where backups are read or written: a bucket of s3, gcs or azure, or a PVC. `type` is required. */
export function StorageLocation(options: Described) {
  return Type.Object(
    {
      type: StringEnum(['s3', 'gcs', 'azure', 'pvc'] as const, { description: 'Kind of storage: s3, gcs, azure or pvc.' }),
      bucket: Type.Optional(Type.String({ description: 'Bucket or container name (s3, gcs, azure).' })),
      path: Type.Optional(Type.String({ description: 'Path prefix inside the bucket or volume.' })),
      pvc: Type.Optional(
        Type.Object(
          {
            name: Type.Optional(Type.String({ description: 'Name of an existing PVC, or of the PVC to create.' })),
            storageClassName: Type.Optional(Type.String({ description: 'StorageClass of a created PVC.' })),
            size: Type.Optional(Type.String({ description: 'Size of a created PVC, for example 100Gi.' })),
          },
          { description: 'The volume (type pvc).' },
        ),
      ),
      cloud: Type.Optional(CloudBlock({ description: 'Cloud identity used to reach the bucket.' })),
    },
    options,
  );
}
export type StorageLocation = Static<ReturnType<typeof StorageLocation>>;

/** Daily run time of the cluster backup agent: `HH:MM`, 24-hour, UTC. */
export const BACKUP_AGENT_TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

/**
 * Backup defaults of a deployment; on a cluster their presence adds the centralized backup agent
 * (StatefulSet `<c>-backup`). `schedule` and `keep` are neo4j-hooks additions: the operator's
 * agent always ran at 02:00 and kept 10 backups, which stay the defaults.
 */
export function BackupsSpec(options: Described) {
  return Type.Object(
    {
      defaultStorage: Type.Optional(
        StorageLocation({
          description: "Where the cluster's backup agent writes: an s3, gcs or azure folder; without one (or with type pvc) the agent's own volume.",
        }),
      ),
      cloud: Type.Optional(CloudBlock({ description: 'Cloud identity or credentials of the backup agent, completing defaultStorage.cloud.' })),
      schedule: Type.Optional(
        Type.String({
          description: 'Daily time of the backup agent\'s FULL backup, "HH:MM" in UTC; default "02:00" (neo4j-hooks addition; clusters only).',
          pattern: BACKUP_AGENT_TIME_PATTERN,
        }),
      ),
      keep: Type.Optional(
        Type.Integer({
          description: "How many of the backup agent's backups to keep on its volume, newest first; default 10 (neo4j-hooks addition; clusters only).",
          format: 'int32',
          minimum: 1,
        }),
      ),
    },
    options,
  );
}
export type BackupsSpec = Static<ReturnType<typeof BackupsSpec>>;

/** A backup to restore from when the deployment is created (not acted on by the operator). */
export function RestoreFrom(options: Described) {
  return Type.Object(
    {
      backupRef: Type.Optional(Type.String({ description: 'Name of a Neo4jBackup to restore from.' })),
      storage: Type.Optional(StorageLocation({ description: 'A storage location to restore from.' })),
      pointInTime: Type.Optional(Timestamp({ description: 'Restore up to this time (RFC 3339).' })),
    },
    options,
  );
}
export type RestoreFrom = Static<ReturnType<typeof RestoreFrom>>;

/** The web UI (not deployed by the operator). */
export function UISpec(options: Described) {
  return Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ description: 'Deploy the web UI; default false.', default: false })),
      ingress: Type.Optional(IngressSpec({ description: 'An Ingress for the web UI.' })),
      resources: Type.Optional(ResourceRequirements({ description: 'Compute resources of the web UI pods.' })),
    },
    options,
  );
}
export type UISpec = Static<ReturnType<typeof UISpec>>;

/** How an image change is rolled out; timeouts are Go durations. */
export function UpgradeStrategy(options: Described) {
  return Type.Object(
    {
      strategy: Type.Optional(
        StringEnum(['RollingUpgrade', 'Recreate'] as const, {
          description: 'Upgrade one server at a time, or recreate all; default RollingUpgrade.',
          default: 'RollingUpgrade',
        }),
      ),
      preUpgradeHealthCheck: Type.Optional(
        Type.Boolean({ description: 'Check cluster health before upgrading; default true.', default: true }),
      ),
      postUpgradeHealthCheck: Type.Optional(
        Type.Boolean({ description: 'Check cluster health after upgrading; default true.', default: true }),
      ),
      maxUnavailableDuringUpgrade: Type.Optional(
        Type.Integer({ description: 'Servers that may be unavailable during the upgrade; default 1.', format: 'int32', default: 1 }),
      ),
      upgradeTimeout: Type.Optional(
        Type.String({ description: 'Timeout of the whole upgrade; default 30m.', default: '30m' }),
      ),
      healthCheckTimeout: Type.Optional(
        Type.String({ description: 'Timeout of one health check; default 5m.', default: '5m' }),
      ),
      stabilizationTimeout: Type.Optional(
        Type.String({ description: 'How long to wait for the cluster to stabilise after a step; default 3m.', default: '3m' }),
      ),
      autoPauseOnFailure: Type.Optional(
        Type.Boolean({ description: 'Pause the upgrade on failure for manual intervention; default true.', default: true }),
      ),
    },
    options,
  );
}
export type UpgradeStrategy = Static<ReturnType<typeof UpgradeStrategy>>;

/** Query logging and monitoring settings. */
export function QueryMonitoring(options: Described) {
  return Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ description: 'Enable query monitoring; default true.', default: true })),
      slowQueryThreshold: Type.Optional(
        Type.String({ description: 'Queries slower than this are logged; default 5s.', default: '5s' }),
      ),
      explainPlan: Type.Optional(Type.Boolean({ description: 'Log query plans; default true.', default: true })),
      indexRecommendations: Type.Optional(
        Type.Boolean({ description: 'Report index recommendations; default true.', default: true }),
      ),
      sampling: Type.Optional(
        Type.Object(
          {
            rate: Type.Optional(Type.String({ description: 'Fraction of queries sampled, 0.0 to 1.0.' })),
            maxQueriesPerSecond: Type.Optional(
              Type.Integer({ description: 'Maximum sampled queries per second.', format: 'int32' }),
            ),
          },
          { description: 'Query sampling (unused by the operator).' },
        ),
      ),
      metricsExport: Type.Optional(
        Type.Object(
          {
            prometheus: Type.Optional(Type.Boolean({ description: 'Expose metrics to Prometheus; default false.' })),
            customEndpoint: Type.Optional(Type.String({ description: 'Custom endpoint to export metrics to.' })),
            interval: Type.Optional(Type.String({ description: 'Export interval, as a Go duration.' })),
          },
          { description: 'Where query metrics are exported.' },
        ),
      ),
    },
    options,
  );
}
export type QueryMonitoring = Static<ReturnType<typeof QueryMonitoring>>;

/** Connection endpoints reported in the status of a cluster or standalone. */
export function Endpoints(options: Described) {
  return Type.Object(
    {
      bolt: Type.Optional(Type.String({ description: 'Bolt URL of the client Service.' })),
      http: Type.Optional(Type.String({ description: 'HTTP URL of the client Service.' })),
      https: Type.Optional(Type.String({ description: 'HTTPS URL of the client Service.' })),
      internal: Type.Optional(
        Type.Object(
          {
            headless: Type.Optional(Type.String({ description: 'DNS name of the headless Service.' })),
            client: Type.Optional(Type.String({ description: 'DNS name of the client Service.' })),
          },
          { description: 'In-cluster Service names.' },
        ),
      ),
      connectionExamples: Type.Optional(
        Type.Object(
          {
            portForward: Type.Optional(Type.String({ description: 'kubectl port-forward command.' })),
            browserURL: Type.Optional(Type.String({ description: 'Neo4j Browser URL.' })),
            boltURI: Type.Optional(Type.String({ description: 'bolt:// URI for drivers.' })),
            neo4jURI: Type.Optional(Type.String({ description: 'neo4j:// URI for drivers (routing).' })),
            pythonExample: Type.Optional(Type.String({ description: 'Python driver snippet.' })),
            javaExample: Type.Optional(Type.String({ description: 'Java driver snippet.' })),
          },
          { description: 'Ready-made connection snippets.' },
        ),
      ),
    },
    options,
  );
}
export type Endpoints = Static<ReturnType<typeof Endpoints>>;

/** `status.observedGeneration`: the `.metadata.generation` the status was computed from. */
export function ObservedGeneration(options: Described) {
  return Type.Integer({ ...options, format: 'int64' });
}

/** `status.warnings`: deterministic validation warnings (neo4j-hooks addition). */
export function Warnings(options: Described) {
  return StringList(options, 'One validation warning.');
}
