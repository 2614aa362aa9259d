import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { PROOF_HEADER, isProvenResponse, signRequest } from '../process/channel-auth.js';
import { createControlApp, REVOKED_API_KEY_PLACEHOLDER, type ControlHandlers } from './control.js';

const logger = createLogger({ name: 'test', level: 'error', json: true, write: () => {} });
const secret = 'control-secret-for-unit-tests';

/** A worker whose redeploys take until we let them finish, counting how often each one really ran. */
function fakeWorker() {
  const calls = { deployFix: 0, restoreBug: 0 };
  let fixDeployed = false;
  let release: () => void = () => {};
  const handlers: ControlHandlers = {
    setApiKey: async () => {},
    deployFix: async () => {
      calls.deployFix++;
      await new Promise<void>((resolve) => (release = resolve));
      fixDeployed = true;
    },
    restoreBug: async () => {
      calls.restoreBug++;
      fixDeployed = false;
    },
    status: () => ({ fixDeployed, pollRejections: { count: 0, lastAt: null } }),
  };
  return { calls, handlers, release: () => release() };
}

const post = (app: ReturnType<typeof createControlApp>, path: string) => {
  const signed = signRequest(secret, 'POST', path, '{}');
  return app.request(path, { method: 'POST', headers: signed.headers, body: signed.body });
};

describe('deploy fix and restore bug on the control channel', () => {
  it('redeploys once however often it is clicked, says when nothing changed, and can put the bug back', async () => {
    const worker = fakeWorker();
    const app = createControlApp({ secret, handlers: worker.handlers, logger });
    // Two clicks at once: the second waits for the first, then finds the fix already there.
    const first = post(app, '/deploy-fix');
    const second = post(app, '/deploy-fix');
    await vi.waitFor(() => expect(worker.calls.deployFix).toBe(1));
    worker.release();
    expect(await (await first).json()).toEqual({ fixDeployed: true, changed: true });
    expect(await (await second).json()).toEqual({ fixDeployed: true, changed: false });
    expect(await (await post(app, '/deploy-fix')).json()).toEqual({ fixDeployed: true, changed: false });
    expect(worker.calls.deployFix).toBe(1);

    expect(await (await post(app, '/restore-bug')).json()).toEqual({ fixDeployed: false, changed: true });
    expect(await (await post(app, '/restore-bug')).json()).toEqual({ fixDeployed: false, changed: false });
    expect(worker.calls.restoreBug).toBe(1);
  });

  it('reports a worker restarted with the revoke placeholder as revoked, not as a key ending in "ator"', async () => {
    const app = createControlApp({ secret, handlers: fakeWorker().handlers, logger, initialApiKey: REVOKED_API_KEY_PLACEHOLDER });
    const status = await (await app.request('/status', { headers: signRequest(secret, 'GET', '/status').headers })).json();
    expect(status.apiKey).toMatchObject({ fingerprint: null, revoked: true });
  });
});

describe('the control channel authenticates both ways', () => {
  it('refuses a replayed request, and proves its answers with the secret', async () => {
    const app = createControlApp({ secret, handlers: fakeWorker().handlers, logger });
    const signed = signRequest(secret, 'POST', '/restore-bug', '{}');
    const once = await app.request('/restore-bug', { method: 'POST', headers: signed.headers, body: signed.body });
    expect(once.status).toBe(200);
    expect(isProvenResponse(secret, signed.nonce, 200, await once.text(), once.headers.get(PROOF_HEADER))).toBe(true);
    const again = await app.request('/restore-bug', { method: 'POST', headers: signed.headers, body: signed.body });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: 'replayed' });
  });
});
