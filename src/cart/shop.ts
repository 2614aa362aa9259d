/**
 * What the console's cart pages and API share: the Temporal calls, the live follower per cart, and the
 * audience's rate limits on the room cart (per viewer, and per address so minting cookies does not help).
 */
import type { Logger } from '../logger.js';
import type { CartClient } from './client.js';
import { CartHub } from './live.js';
import { createRateLimit, type RateLimit } from './rate-limit.js';

/** The audience's adds to the room cart: this many per viewer, and per address, in any 10 s. */
export const ROOM_ADDS = { perViewer: 3, perAddress: 30, windowMs: 10_000 } as const;

export interface Shop {
  carts: CartClient;
  live: CartHub;
  roomAdds: { viewer: RateLimit; address: RateLimit };
  continueEvery: number;
}

export function createShop(deps: { carts: CartClient; logger: Logger; continueEvery: number; recheckMs?: number }): Shop {
  return {
    carts: deps.carts,
    live: new CartHub({ carts: deps.carts, logger: deps.logger, recheckMs: deps.recheckMs }),
    roomAdds: {
      viewer: createRateLimit({ limit: ROOM_ADDS.perViewer, windowMs: ROOM_ADDS.windowMs }),
      address: createRateLimit({ limit: ROOM_ADDS.perAddress, windowMs: ROOM_ADDS.windowMs }),
    },
    continueEvery: deps.continueEvery,
  };
}
