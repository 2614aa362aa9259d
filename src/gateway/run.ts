/**
 * The gateway with its key store and admin API, started together: used by the standalone entry point
 * (main.ts) and by anything that wants the gateway in-process (the launcher, the tests).
 */
import type { Logger } from '../logger.js';
import type { LoopbackServer } from '../process/loopback-api.js';
import { startAdminServer } from './admin.js';
import { KeyStore } from './keys.js';
import { createGateway, type Gateway } from './proxy.js';

export interface GatewaySettings {
  /** Plaintext Temporal frontend to forward to (the dev server), host:port. */
  upstream: string;
  /** Where workers connect (gRPC, h2c), host:port; port 0 picks a free one. */
  listen: string;
  /** Where the console reaches the admin API, host:port; port 0 picks a free one. */
  adminAddress: string;
  /** Shared secret of the admin API. */
  adminSecret: string;
  allowedOrigins?: readonly string[];
}

export interface RunningGateway {
  keys: KeyStore;
  gateway: Gateway;
  admin: LoopbackServer;
  close(): Promise<void>;
}

export async function runGateway(settings: GatewaySettings, logger: Logger): Promise<RunningGateway> {
  const keys = new KeyStore();
  const gateway = await createGateway({ upstream: settings.upstream, listen: settings.listen, keys, logger });
  let admin: LoopbackServer;
  try {
    admin = await startAdminServer({
      keys,
      gateway,
      secret: settings.adminSecret,
      allowedOrigins: settings.allowedOrigins,
      address: settings.adminAddress,
      logger,
    });
  } catch (err) {
    await gateway.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    keys,
    gateway,
    admin,
    // Idempotent: a shutdown signal and a finally block may both call it.
    close: () => (closing ??= admin.close().then(() => gateway.close())),
  };
}
