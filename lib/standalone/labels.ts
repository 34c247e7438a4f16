/**
 * The operator's standalone labels (operator.md §3.2), which users' selectors and NetworkPolicies
 * rely on, and its pod selector `app=<s>`: existing StatefulSets were created with that selector,
 * which can never change, and the operator's PVC cleanup found the data claim by it.
 */

/** Labels on every object of standalone `s`. */
export function standaloneLabels(s: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'neo4j',
    'app.kubernetes.io/instance': s,
    'app.kubernetes.io/component': 'standalone',
    'app.kubernetes.io/managed-by': 'neo4j-operator',
  };
}

/** The selector of the server pod: stable for the StatefulSet's whole life. */
export function standaloneSelector(s: string): Record<string, string> {
  return { app: s };
}

/** Labels of the server pod: the selector plus the standalone labels. */
export function standalonePodLabels(s: string): Record<string, string> {
  return { ...standaloneSelector(s), ...standaloneLabels(s) };
}
