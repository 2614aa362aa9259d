/**
 * Links from the console into the Temporal Web UI (the dev server's, a self-hosted one, or Temporal Cloud's:
 * the same app, so the same paths). The one place that knows the UI's URL layout.
 */

export interface TemporalUiLinks {
  /**
   * One workflow's history: `{ui}/namespaces/{ns}/workflows/{id}/{runId}/history`; without a run id (a child
   * or a Nexus-started workflow seen from its caller) `{ui}/namespaces/{ns}/workflows/{id}`, which the UI
   * resolves to the latest run. Undefined when no UI is configured.
   */
  workflow(namespace: string, workflowId: string, runId?: string): string | undefined;
  /** The workflow list filtered by a visibility query: `{ui}/namespaces/{ns}/workflows?query=...`. */
  workflowList(namespace: string, query: string): string | undefined;
  /** A Worker Deployment's page (its versions, which is current): `{ui}/namespaces/{ns}/deployments/{name}`. */
  deployment(namespace: string, name: string): string | undefined;
}

export function temporalUiLinks(uiUrl: string | undefined): TemporalUiLinks {
  const base = uiUrl?.replace(/\/+$/, '');
  const ns = (namespace: string): string => `${base}/namespaces/${encodeURIComponent(namespace)}/workflows`;
  return {
    workflow: (namespace, workflowId, runId) => {
      if (!base) return undefined;
      const workflow = `${ns(namespace)}/${encodeURIComponent(workflowId)}`;
      return runId ? `${workflow}/${encodeURIComponent(runId)}/history` : workflow;
    },
    workflowList: (namespace, query) => (base ? `${ns(namespace)}?query=${encodeURIComponent(query)}` : undefined),
    deployment: (namespace, name) => (base ? `${base}/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}` : undefined),
  };
}

/** The visibility query for the orders at one OrderStatus step (AdvancedVisibility's search attribute). */
export function orderStatusQuery(orderStatus: string): string {
  return `OrderStatus = "${orderStatus.replace(/["\\]/g, '\\$&')}"`;
}
