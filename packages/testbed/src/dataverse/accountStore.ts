import {
  generateBaseAccount,
  positionOfBaseAccountNumber,
  positionOfBaseId,
  seededOwnerId,
} from './accountGenerator';
import { newStoreContext, type StoreContext } from './database';
import { duplicateAlternateKey } from './errors';
import { BASE_CURRENCY_ID } from './tables/seededValues';
import { type RowSource, TableStore } from './tableStore';
import type { AccountRow, SimRow, SimValue } from './types';

export type { ChangeSet } from './tableStore';

const EMPTY_ACCOUNT: Omit<
  AccountRow,
  'accountid' | 'createdon' | 'modifiedon' | 'versionnumber' | '_ownerid_value'
> = {
  name: null,
  accountnumber: null,
  telephone1: null,
  emailaddress1: null,
  websiteurl: null,
  address1_line1: null,
  address1_city: null,
  address1_postalcode: null,
  address1_country: null,
  revenue: null,
  revenue_base: null,
  numberofemployees: null,
  industrycode: null,
  description: null,
  statecode: 0,
  statuscode: 1,
  _primarycontactid_value: null,
  _transactioncurrencyid_value: null,
  entityimage: null,
  entityimage_url: null,
  entityimage_timestamp: null,
  entityimageid: null,
};

/** The account rows: the seeded generator, the `accountnumber` alternate key, money upkeep. */
export const ACCOUNT_ROWS: RowSource = {
  primaryId: 'accountid',
  generate: (seed, position) => generateBaseAccount(seed, position) as unknown as SimRow,
  positionOfBaseId,
  emptyRow: (seed) => ({ ...EMPTY_ACCOUNT, _ownerid_value: seededOwnerId(seed) }),
  derive: deriveMoney,
  alternateKey: {
    column: 'accountnumber',
    positionOfBase: positionOfBaseAccountNumber,
    duplicate: duplicateAlternateKey,
  },
};

/** revenue_base follows revenue (exchange rate 1); any money value sets the currency. */
function deriveMoney(row: Record<string, SimValue>): void {
  const revenue = row.revenue ?? null;
  row.revenue_base = revenue;
  if (revenue !== null && row._transactioncurrencyid_value === null)
    row._transactioncurrencyid_value = BASE_CURRENCY_ID;
}

/**
 * The account table's store: a {@link TableStore} with the account generator, kept as a class
 * of its own so unit tests can build one without an environment.
 */
export class AccountStore extends TableStore {
  constructor(nowInMs: () => number, shared: StoreContext = newStoreContext(nowInMs)) {
    super(ACCOUNT_ROWS, shared);
  }

  positionOfAccountNumber(accountNumber: string): number | undefined {
    return this.positionOfAlternateKey(accountNumber);
  }
}
