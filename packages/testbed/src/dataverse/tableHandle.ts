import { parseControlInput } from './rowBody';
import type { SimTable } from './simTable';
import type { SimRow, SimRowInput, SimTableHandle } from './tableTypes';

/**
 * The control handle of one table (`SimEnvironment.table(name)`): writes behave like a client's
 * (new version, change-log entry), with the same value checks as the wire, minus the wire.
 */
export function createTableHandle(table: SimTable, environmentName: string): SimTableHandle {
  const { schema, store } = table;
  const requirePosition = (id: string): number => {
    const position = store.positionOfId(id);
    if (position === undefined)
      throw new Error(`No ${schema.logicalName} with id ${id} in environment '${environmentName}'`);
    return position;
  };
  return {
    logicalName: schema.logicalName,
    entitySetName: schema.entitySetName,
    primaryIdAttribute: schema.primaryId,
    create(fields: SimRowInput = {}): string {
      const { values, id } = parseControlInput(fields, table);
      return String(store.create(values, id)[schema.primaryId]);
    },
    update(id: string, fields: SimRowInput): void {
      store.update(requirePosition(id), parseControlInput(fields, table).values);
    },
    delete(id: string): void {
      store.delete(requirePosition(id));
    },
    get(id: string): SimRow | undefined {
      const position = store.positionOfId(id);
      return position === undefined ? undefined : store.rowAt(position);
    },
    rows: () => table.liveRows(),
    count: () => store.liveCount,
    seed(input): void {
      store.seed(input.count, input.seed);
    },
    definition: () => schema.definition(),
  };
}
