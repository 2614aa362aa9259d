/**
 * A process squatting the orders worker's control port (the worker died, something else took the port)
 * must get neither the control secret nor a key the console hands over, and the console must not believe
 * its answers: the console's real client and key panel, a real gateway issuing real keys, and a fake
 * "worker" that records every byte it receives and answers like the real one would, minus the secret.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import { createGatewayAdminClient, createWorkerControlClient } from '../../src/temporal/worker-control-client.js';
import { captureLogs } from '../support/capture.js';
import { startTestConsole, testid, type TestConsole } from './web-support.js';

describe('a squatter on the worker control port', () => {
  const logs = captureLogs('control-squatter');
  const controlSecret = randomBytes(24).toString('base64url');
  const adminSecret = randomBytes(24).toString('base64url');
  const received: string[] = [];
  const issuedKeys: string[] = [];
  let squatter: Server;
  let url: string;
  let gw: RunningGateway;
  let web: TestConsole;

  beforeAll(async () => {
    squatter = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body}`);
        // What the real worker would say, to make the console believe it: a key set, a fix deployed, all fine.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          apiKey: { fingerprint: 'abcd', rotatedAt: new Date().toISOString(), revoked: false },
          pollRejections: { count: 0, lastAt: null }, fixDeployed: true, changed: true,
        }));
      });
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(squatter.address() as AddressInfo).port}`;
    gw = await runGateway({ upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret }, logs.logger);
    const admin = createGatewayAdminClient({ url: gw.admin.url, secret: adminSecret });
    web = startTestConsole({
      workerKeys: createWorkerControlClient({ url, secret: controlSecret }),
      workerControl: createWorkerControlClient({ url, secret: controlSecret }),
      // The real admin client, noting each key it gets from the gateway: none of them may reach the squatter.
      gatewayAdmin: { ...admin, issueKey: async (label) => {
        const issued = await admin.issueKey(label);
        issuedKeys.push(issued.key);
        return issued;
      } },
      logger: logs.logger,
    });
  });

  afterAll(async () => {
    await web?.close();
    await gw?.close();
    await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
  });

  it('gets neither the secret nor a key, and none of its answers is believed', async () => {
    const client = createWorkerControlClient({ url, secret: controlSecret });
    const key = `cloud-key-${randomBytes(24).toString('base64url')}`;
    for (const call of [() => client.status(), () => client.setApiKey(key), () => client.revokeApiKey(), () => client.deployFix(), () => client.restoreBug()]) {
      await expect(call()).rejects.toMatchObject({ name: 'ControlApiError', code: 'unproven-peer' });
    }
    // Through the console, as the presenter would: rotate (gateway mode issues a real key), paste a key, deploy.
    const rotate = await web.post('/api-key/rotate', { revokeOld: 'on' });
    expect(rotate.status).not.toBe(303);
    const pasted = `pasted-key-${randomBytes(24).toString('base64url')}`;
    const set = await web.post('/api-key/set', { key: pasted });
    expect(set.status).not.toBe(303);
    const deploy = await web.post('/worker/deploy-fix', {});
    expect(testid(await deploy.text(), 'deploy-fix-result')).toMatch(/failed/);

    expect(received.length).toBeGreaterThanOrEqual(5);
    const everyKey = [key, pasted, ...issuedKeys];
    for (const bytes of received) {
      expect(bytes).not.toContain(controlSecret);
      expect(bytes).not.toContain(adminSecret);
      for (const k of everyKey) expect(bytes).not.toContain(k);
      expect(bytes).not.toContain(Buffer.from(controlSecret).toString('base64'));
    }
  });
});
