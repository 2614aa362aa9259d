/**
 * The warehouse's and the supplier's tables. Stock can never go negative, nor reserve more than is on
 * hand: the CHECKs hold whatever the code does. Each change is keyed: a reservation by (workflow id, run id,
 * item) and its state moves only forward; a shipment by its own key in stock_movements; a reorder by the
 * shortfall that caused it.
 */
import { CATALOG } from './catalog.js';

const seed = CATALOG.map((i) => `(${i.id}, '${i.description.replace(/'/g, "''")}', ${i.initialStock}, 0, ${i.minimum}, ${i.target})`).join(',\n  ');

export const WAREHOUSE_SCHEMA = `
CREATE TABLE stock (
  item_id integer PRIMARY KEY,
  description text NOT NULL,
  on_hand integer NOT NULL CHECK (on_hand >= 0),
  reserved integer NOT NULL CHECK (reserved >= 0),
  minimum integer NOT NULL CHECK (minimum >= 0),
  target integer NOT NULL CHECK (target > minimum),
  CHECK (reserved <= on_hand)
);
INSERT INTO stock (item_id, description, on_hand, reserved, minimum, target) VALUES
  ${seed};
-- One row per order run and item; quantity 0 with state 'released' marks a release that came first.
CREATE TABLE reservations (
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  item_id integer NOT NULL REFERENCES stock (item_id),
  quantity integer NOT NULL CHECK (quantity >= 0),
  state text NOT NULL CHECK (state IN ('reserved', 'released', 'shipped')),
  reserved_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz,
  PRIMARY KEY (workflow_id, run_id, item_id)
);
CREATE INDEX reservations_open ON reservations (workflow_id, item_id) WHERE state = 'reserved';
CREATE TABLE stock_movements (
  idempotency_key text PRIMARY KEY,
  item_id integer NOT NULL REFERENCES stock (item_id),
  kind text NOT NULL CHECK (kind IN ('ship', 'restock')),
  quantity integer NOT NULL CHECK (quantity > 0),
  workflow_id text,
  run_id text,
  moved_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE supplier_orders (
  id bigserial PRIMARY KEY,
  item_id integer NOT NULL REFERENCES stock (item_id),
  quantity integer NOT NULL CHECK (quantity > 0),
  available_before integer NOT NULL,
  shortfall_key text NOT NULL UNIQUE,
  ordered_at timestamptz NOT NULL DEFAULT now()
);
`;
