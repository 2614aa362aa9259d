/**
 * The Nexus shipping service contract, shared by the caller (NexusOperation workflow) and the handler.
 * Workflow-safe: nexus-rpc service definitions are plain data.
 */
import * as nexus from 'nexus-rpc';
import { NEXUS_SHIPPING, type ShippingInput } from '../temporal/contract.js';

/** shipping-service: `ship-item` ships one item of an order; it completes when the ShippingWorkflow does. */
export const shippingService = nexus.service(NEXUS_SHIPPING.service, {
  [NEXUS_SHIPPING.operation]: nexus.operation<ShippingInput, void>(),
});
