/** The simulated outside systems, all on one database: what the activities and the console are given. */
import type { Database } from './database.js';
import { createPaymentProvider, type PaymentProvider } from '../payments/provider.js';
import { createWarehouse, type Warehouse } from '../warehouse/warehouse.js';
import { createNotifier, type Notifier } from '../notifications/notifier.js';

export interface Systems {
  payments: PaymentProvider;
  warehouse: Warehouse;
  notifications: Notifier;
}

export function createSystems(db: Database): Systems {
  return { payments: createPaymentProvider(db), warehouse: createWarehouse(db), notifications: createNotifier(db) };
}

/** The password in a DATABASE_URL, for a logger's list of strings never to print. */
export function databaseSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password, url] : [];
  } catch {
    return [];
  }
}
