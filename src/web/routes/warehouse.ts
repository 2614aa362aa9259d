/**
 * GET /warehouse — the simulated warehouse as the outside world sees it: stock per item, the latest
 * reservations (which order, reserved, shipped or released) and the supplier's reorders. GET
 * /warehouse/figures is the region the page refreshes every 2 s (the same partial the page includes).
 * Every open page shares one read of the database (one in flight, reused for a second), so a room of
 * phones on this page costs the database what one page costs, next to the workers' own effects.
 * Orders themselves stay in Temporal: a reservation links to its order's page by workflow id.
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { renderPage, renderPartial } from '../respond.js';
import { sharedRead } from '../shared-read.js';

/** How often the page refreshes its figures. */
const REFRESH_SECONDS = 2;
/** How long one read of the figures serves every page that asks: well inside a refresh. */
const SHARED_READ_MS = 1_000;

export function warehouseRoutes(ctx: RouteContext): Hono {
  const figures = sharedRead(() => read(ctx), SHARED_READ_MS);
  return new Hono()
    .get('/warehouse', async (c) => renderPage(ctx, c, 'warehouse', { title: 'Warehouse', nav: 'warehouse', w: await figures.get(), refreshSeconds: REFRESH_SECONDS }))
    .get('/warehouse/figures', async (c) => renderPartial(ctx, c, 'warehouse-figures', { w: await figures.get() }));
}

async function read(ctx: RouteContext) {
  if (!ctx.systems) return { connected: false as const };
  const { warehouse } = ctx.systems;
  try {
    const [stock, reservations, reorders] = await Promise.all([warehouse.stock(), warehouse.recentReservations(15), warehouse.supplierOrders(10)]);
    return { connected: true as const, stock, reservations, reorders, error: undefined };
  } catch (err) {
    ctx.logger.warn('Warehouse could not be read', { error: (err as Error).message });
    return { connected: true as const, stock: [], reservations: [], reorders: [], error: 'The database did not answer; the figures come back with the next refresh.' };
  }
}
