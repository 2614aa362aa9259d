import { describe, expect, it } from 'vitest';
import { orderStatusQuery, temporalUiLinks } from './temporal-ui.js';

describe('temporalUiLinks', () => {
  const ui = temporalUiLinks('http://localhost:8233/');

  it("links a run's history, or the workflow (its latest run) when the run id is not known", () => {
    expect(ui.workflow('default', 'order-123456', '0192-abc')).toBe('http://localhost:8233/namespaces/default/workflows/order-123456/0192-abc/history');
    expect(ui.workflow('nexus-demo', 'shipment-123456-654300')).toBe('http://localhost:8233/namespaces/nexus-demo/workflows/shipment-123456-654300');
  });

  it('links the workflow list filtered by a visibility query, encoded', () => {
    expect(ui.workflowList('default', orderStatusQuery('Ship Order'))).toBe(
      'http://localhost:8233/namespaces/default/workflows?query=OrderStatus%20%3D%20%22Ship%20Order%22',
    );
  });

  it('encodes namespaces and ids; Cloud namespaces keep their dots', () => {
    const cloud = temporalUiLinks('https://cloud.temporal.io');
    expect(cloud.workflow('ns.acct', 'order-1')).toBe('https://cloud.temporal.io/namespaces/ns.acct/workflows/order-1');
    expect(cloud.workflow('default', 'a/b ?c')).toBe('https://cloud.temporal.io/namespaces/default/workflows/a%2Fb%20%3Fc');
  });

  it('links nothing without a UI', () => {
    const none = temporalUiLinks(undefined);
    expect(none.workflow('default', 'order-1', 'run')).toBeUndefined();
    expect(none.workflowList('default', 'x')).toBeUndefined();
  });

  it('quotes an OrderStatus value safely', () => {
    expect(orderStatusQuery('a "b" \\c')).toBe('OrderStatus = "a \\"b\\" \\\\c"');
  });
});
