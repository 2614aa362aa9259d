/**
 * Provisioning a server that has nothing yet (a self-hosted cluster pointed at with TEMPORAL_ADDRESS):
 * the Nexus handler's namespace is registered, then the endpoint that targets it is created at once.
 */
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/temporal/devserver.js';
import { provision } from '../../src/temporal/provision.js';

let server: DevServer | undefined;
afterAll(async () => server?.stop());

describe('provision', () => {
  it('creates the namespace, OrderStatus and the endpoint on a bare server, and nothing the second time', async () => {
    server = await startDevServer({ cliPath: inject('temporalCliPath'), port: 0, namespaces: [], searchAttributes: {} });
    const connection = await Connection.connect({ address: server.address });
    try {
      const target = { namespace: 'default', nexus: { endpoint: 'shipping-endpoint', namespace: 'nexus-demo', taskQueue: 'shipping' } };
      expect((await provision(connection, target)).created).toEqual([
        'namespace nexus-demo',
        'search attribute OrderStatus',
        'Nexus endpoint shipping-endpoint',
      ]);
      expect((await provision(connection, target)).created).toEqual([]);
      const { endpoints } = await connection.operatorService.listNexusEndpoints({ name: 'shipping-endpoint' });
      expect(endpoints?.[0]?.spec?.target?.worker).toMatchObject({ namespace: 'nexus-demo', taskQueue: 'shipping' });
    } finally {
      await connection.close();
    }
  });
});
