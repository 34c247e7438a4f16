/**
 * The operator's label sets (operator.md §3.1), which users' selectors, NetworkPolicies and
 * dashboards rely on. Services and the StatefulSet select server pods by `neo4j.com/cluster` and
 * `neo4j.com/server-name=server`, so no other pod (a backup Job, say) can ever join them.
 */

/** Labels on every object of cluster `c`, plus the component role when given. */
export function clusterLabels(c: string, tag: string, role?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'neo4j',
    'app.kubernetes.io/instance': c,
    'app.kubernetes.io/version': versionLabel(tag),
    'app.kubernetes.io/component': 'database',
    'app.kubernetes.io/part-of': 'neo4j-cluster',
    'app.kubernetes.io/managed-by': 'neo4j-operator',
    'neo4j.com/cluster': c,
    ...(role ? { 'neo4j.com/role': role } : {}),
  };
}

/** The selector of the server pods: stable for the StatefulSet's whole life. */
export function serverSelector(c: string): Record<string, string> {
  return { 'neo4j.com/cluster': c, 'neo4j.com/server-name': 'server' };
}

/** Labels of the server pods. */
export function serverPodLabels(c: string, tag: string): Record<string, string> {
  return {
    ...clusterLabels(c, tag),
    ...serverSelector(c),
    'neo4j.com/clustering': 'true',
    'neo4j.com/service-type': 'internals',
  };
}

/** A label value must be at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
function versionLabel(tag: string): string {
  const cleaned = tag.replace(/[^A-Za-z0-9._-]/gu, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/gu, '');
}
