/**
 * The JSON API's request and answer shapes, one zod schema each: the routes validate with them and the
 * OpenAPI document (/api/openapi.json) is generated from them, so the two cannot drift.
 */
import { z } from '@hono/zod-openapi';
import { isOrderId, SCENARIOS } from '../../temporal/contract.js';
import { addressProblem } from '../validate.js';

/** An address the pages would accept too (length, no control, bidi or zero-width characters). */
const Address = z
  .string()
  .superRefine((value, ctx) => {
    const problem = addressProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ example: '123 Main St. Redwood, CA' });

const OrderIdValue = z.string().refine(isOrderId, 'An order id is 1 to 12 digits.');

export const OrderIdParam = z.object({
  orderId: OrderIdValue.openapi({ param: { name: 'orderId', in: 'path' }, example: '654321' }),
});

export const PlaceOrderBody = z
  .object({
    scenario: z.enum(SCENARIOS).openapi({ description: 'Which story the order tells.' }),
    orderId: OrderIdValue.optional().openapi({ description: 'Placing the same id again returns that order instead of starting another. Default: a new id.' }),
    address: Address.optional().openapi({ description: 'Default: the contract\'s address.' }),
    pace: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional().openapi({ description: 'How many times slower than the console\'s pace (slow motion). Default 1.' }),
  })
  .strict()
  .openapi('PlaceOrder');

export const AddressBody = z.object({ address: Address }).strict().openapi('AddressChange');

export const Problem = z
  .object({
    error: z.string().openapi({ description: 'What went wrong, in a sentence.' }),
    fields: z.record(z.string(), z.string()).optional().openapi({ description: 'Per field, why it was refused (400).' }),
  })
  .openapi('Problem');

export const OrderLinks = z.object({
  page: z.string().openapi({ description: 'The order\'s page in this console.' }),
  events: z.string().openapi({ description: 'Its live HTML regions over server-sent events.' }),
  temporalUi: z.string().nullable().openapi({ description: 'The workflow in the Temporal Web UI, when known.' }),
});

export const PlacedOrder = z
  .object({
    orderId: z.string(),
    workflowId: z.string(),
    started: z.boolean().openapi({ description: 'false: an order with this id already existed and is the answer.' }),
    links: OrderLinks,
  })
  .openapi('PlacedOrder');

export const Order = z
  .object({
    orderId: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    scenario: z.string().nullable(),
    phase: z.enum(['running', 'completed', 'failed', 'terminated', 'timed_out', 'cancelled', 'continued_as_new']),
    progress: z.number().openapi({ description: '0, 25, 50, 75 or 100 (the contract\'s getProgress).' }),
    step: z.string().openapi({ description: 'What it is doing, as the page\'s status pill says it.' }),
    orderStatus: z.string().nullable().openapi({ description: 'The OrderStatus search attribute (AdvancedVisibility).' }),
    awaitingAddress: z.object({ via: z.enum(['signal', 'update']), deadline: z.number().nullable() }).nullable(),
    cancel: z.object({ state: z.enum(['available', 'requested', 'refused']), reason: z.string().optional() }),
    steps: z.array(z.object({ key: z.string(), label: z.string(), state: z.string(), attempt: z.number().nullable() })),
    compensations: z.array(z.object({ key: z.string(), label: z.string(), state: z.string() })),
    result: z.object({ trackingId: z.string(), address: z.string() }).nullable(),
    failure: z.string().nullable(),
    links: OrderLinks,
  })
  .openapi('Order');

export const AddressAnswer = z.object({ accepted: z.literal(true), message: z.string() }).openapi('AddressAnswer');
export const CancelAnswer = z.object({ cancel: z.literal('requested') }).openapi('CancelAnswer');
