import type { TableRows } from '../simTable';
import { lookupTargetKey } from '../simTable';
import type { SimRow, SimTableDefinition, SimValue } from '../tableTypes';
import { dateTime, english, lookup, primaryKey, text } from './attributeBuilders';
import {
  baseRowId,
  mix,
  pick,
  positionOfBaseRowId,
  seededOwnerId,
  tableIdSeed,
  toDataverseDate,
  toDataverseDateTime,
} from './seededValues';
import { stateAndStatus, systemColumns } from './systemAttributes';

/**
 * The `contact` table: a DateOnly `birthdate` (`YYYY-MM-DD` on the wire) and the Customer lookup
 * `parentcustomerid` (account or contact), whose target table rows keep next to the GUID.
 */

export function contactDefinition(): SimTableDefinition {
  return {
    LogicalName: 'contact',
    EntitySetName: 'contacts',
    PrimaryIdAttribute: 'contactid',
    PrimaryNameAttribute: 'fullname',
    ObjectTypeCode: 2,
    ChangeTrackingEnabled: true,
    MetadataId: '608861bc-50a4-4c5f-a02c-21fe1943e2cf',
    OwnershipType: 'UserOwned',
    DisplayName: english('Contact'),
    DisplayCollectionName: english('Contacts'),
    Attributes: [
      primaryKey('contactid'),
      text('firstname', 50),
      text('lastname', 50, { RequiredLevel: 'ApplicationRequired' }),
      text('fullname', 160, { IsValidForCreate: false, IsValidForUpdate: false }),
      text('emailaddress1', 100, { Format: 'Email' }),
      dateTime('birthdate', 'DateOnly'),
      ...lookup('parentcustomerid', 'Customer', ['account', 'contact']),
      ...stateAndStatus('contact'),
      ...systemColumns(),
    ],
  };
}

const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Chloé',
  'David',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kai',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Paula',
];
const LAST_NAMES = [
  'Müller',
  'Smith',
  'García',
  'Rossi',
  'Dubois',
  'Nowak',
  'Jensen',
  'Tanaka',
  'Silva',
  'Novak',
  "O'Brien",
  'Schmidt',
];
const CONTACT_SALT = 2;
const BASE_CREATED_ON_MS = Date.UTC(2021, 0, 1);
const BIRTHDATE_FROM_MS = Date.UTC(1950, 0, 1);

/** The seeded accounts a contact may point to, read when a row is generated. */
export interface ContactLinks {
  accounts(): { seed: number; count: number };
}

/**
 * Base contact `position`: a pure function of (seed, position) and the seeded accounts. Six in
 * ten point to an account, one in ten to an earlier contact, the rest to nobody.
 */
export function generateBaseContact(seed: number, position: number, links: ContactLinks): SimRow {
  const idSeed = tableIdSeed(seed, CONTACT_SALT);
  const h1 = mix(idSeed, position, 1);
  const h2 = mix(idSeed, position, 2);
  const h3 = mix(idSeed, position, 3);
  const firstname = pick(FIRST_NAMES, h1);
  const lastname = pick(LAST_NAMES, h1 >>> 8);
  const createdOnMs = BASE_CREATED_ON_MS + (h2 % (2 * 365 * 24 * 60)) * 60_000;
  const inactive = h3 % 25 === 0;
  const row: Record<string, SimValue> = {
    contactid: baseRowId(idSeed, position),
    firstname,
    lastname,
    fullname: `${firstname} ${lastname}`,
    emailaddress1: `${firstname}.${lastname}${position + 1}@example.com`
      .toLowerCase()
      .replace(/[^a-z0-9.@]/g, ''),
    birthdate:
      h2 % 7 === 0 ? null : toDataverseDate(BIRTHDATE_FROM_MS + (h2 % 18_250) * 86_400_000),
    _parentcustomerid_value: null,
    statecode: inactive ? 1 : 0,
    statuscode: inactive ? 2 : 1,
    createdon: toDataverseDateTime(createdOnMs),
    modifiedon: toDataverseDateTime(createdOnMs + (h3 % (60 * 24 * 60)) * 60_000),
    _ownerid_value: seededOwnerId(seed),
    versionnumber: position + 1,
  };
  const accounts = links.accounts();
  const parent = h3 % 10;
  if (parent < 6 && accounts.count > 0) {
    row._parentcustomerid_value = baseRowId(accounts.seed, (h3 >>> 4) % accounts.count);
    row[lookupTargetKey('_parentcustomerid_value')] = 'account';
  } else if (parent < 7 && position > 0) {
    row._parentcustomerid_value = baseRowId(idSeed, position >>> 1);
    row[lookupTargetKey('_parentcustomerid_value')] = 'contact';
  }
  return row;
}

export function contactRows(links: ContactLinks): TableRows {
  return {
    generate: (seed, position) => generateBaseContact(seed, position, links),
    positionOfBaseId: (seed, baseCount, id) =>
      positionOfBaseRowId(tableIdSeed(seed, CONTACT_SALT), baseCount, id),
    derive: (row) => {
      // fullname is the platform's "first last" (the default full-name format).
      const parts = [row.firstname, row.lastname].filter((part) => typeof part === 'string');
      row.fullname = parts.length === 0 ? null : parts.join(' ');
    },
  };
}
