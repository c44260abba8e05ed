import { AccountStore } from './accountStore';
import type { StoreContext } from './database';
import { SimTable } from './simTable';
import { accountDefinition } from './tables/accountDefinition';
import { contactDefinition, contactRows } from './tables/contactTable';
import { newProjectDefinition, newProjectRows } from './tables/newProjectTable';
import type { SimSeedOptions } from './tableTypes';

/** Tables lookups point to that the simulator does not hold rows of: entity set by name. */
const OTHER_ENTITY_SETS: Readonly<Record<string, string>> = {
  systemuser: 'systemusers',
  team: 'teams',
  transactioncurrency: 'transactioncurrencies',
};

export interface TableSeeds {
  account: SimSeedOptions;
  contact: SimSeedOptions;
  new_project: SimSeedOptions & { changeTracking: boolean };
}

/**
 * The tables of one environment, sharing one version clock and one undo log. Seeded rows of
 * contact and new_project point to the seeded accounts of the moment they are generated, so
 * they follow a reseeded account table.
 */
export class TableRegistry {
  readonly account: SimTable;
  private readonly tables: readonly SimTable[];

  constructor(shared: StoreContext, seeds: TableSeeds) {
    this.account = new SimTable(
      accountDefinition(),
      () => new AccountStore(shared.nowInMs, shared),
      shared,
    );
    const accounts = (): SimSeedOptions => ({
      seed: this.account.store.currentSeed,
      count: this.account.store.baseCount,
    });
    const contact = new SimTable(contactDefinition(), contactRows({ accounts }), shared);
    const project = new SimTable(
      newProjectDefinition(seeds.new_project.changeTracking),
      newProjectRows({ accounts }),
      shared,
    );
    this.tables = [this.account, contact, project];
    this.account.store.seed(seeds.account.count, seeds.account.seed);
    contact.store.seed(seeds.contact.count, seeds.contact.seed);
    project.store.seed(seeds.new_project.count, seeds.new_project.seed);
  }

  all(): readonly SimTable[] {
    return this.tables;
  }

  byLogicalName(logicalName: string): SimTable | undefined {
    return this.tables.find((table) => table.logicalName === logicalName);
  }

  byEntitySet(entitySetName: string): SimTable | undefined {
    return this.tables.find((table) => table.schema.entitySetName === entitySetName);
  }

  require(logicalName: string): SimTable {
    const table = this.byLogicalName(logicalName);
    if (table === undefined) {
      const names = this.tables.map((item) => item.logicalName).join(', ');
      throw new Error(`No simulated table '${logicalName}' (have: ${names})`);
    }
    return table;
  }

  /** The table an entity set in an `@odata.bind` names, simulated or not. */
  logicalNameOfEntitySet(entitySetName: string): string | undefined {
    const simulated = this.byEntitySet(entitySetName)?.logicalName;
    if (simulated !== undefined) return simulated;
    return Object.entries(OTHER_ENTITY_SETS).find(([, set]) => set === entitySetName)?.[0];
  }
}
