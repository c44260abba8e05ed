import {
  BASE_CURRENCY_ID,
  baseRowId,
  mix,
  pick,
  positionOfBaseRowId,
  seededOwnerId,
  toDataverseDateTime,
} from './tables/seededValues';
import type { AccountRow } from './types';

/**
 * Deterministic seeded account rows, generated on demand from (seed, position) so that an
 * environment can hold a million untouched rows without a million objects (the id scheme is
 * in `tables/seededValues.ts`). The alternate key `accountnumber` is decodable too.
 */

const COMPANY_WORDS = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Adventure',
  'Litware',
  'Proseware',
  'Tailspin',
  'Wingtip',
  'Alpine',
  'Blue Yonder',
  'Coho',
  'Humongous',
  'Lucerne',
  'Margie',
  'Trey',
  'Woodgrove',
  'Graphic',
  'Southridge',
  'Fourth',
  'Wide World',
];
const COMPANY_NOUNS = [
  'Traders',
  'Works',
  'Logistics',
  'Labs',
  'Foods',
  'Systems',
  'Outfitters',
  'Partners',
  'Energy',
  'Airlines',
  'Bank',
  'Insurance',
  'Media',
  'Pharma',
  'Motors',
  'Studios',
];
const COMPANY_SUFFIXES = ['Ltd', 'Inc.', 'GmbH', 'S.A.', 'LLC', 'AG', 'plc', 'Corp.'];
const CITIES: readonly (readonly [string, string, string])[] = [
  ['Seattle', 'United States', '98101'],
  ['London', 'United Kingdom', 'EC1A 1BB'],
  ['Berlin', 'Germany', '10115'],
  ['Paris', 'France', '75001'],
  ['Madrid', 'Spain', '28001'],
  ['Toronto', 'Canada', 'M5H 2N2'],
  ['Sydney', 'Australia', '2000'],
  ['Tokyo', 'Japan', '100-0001'],
  ['Zurich', 'Switzerland', '8001'],
  ['Amsterdam', 'Netherlands', '1011'],
  ['Dublin', 'Ireland', 'D01 F5P2'],
  ['Milan', 'Italy', '20121'],
];
const STREETS = ['Main St', 'High Street', 'Market Rd', 'Station Ave', 'Park Lane', 'King St'];
const BASE_CREATED_ON_MS = Date.UTC(2020, 0, 1);

/** GUID of base row `position` for `seed`. */
export function baseAccountId(seed: number, position: number): string {
  return baseRowId(seed, position);
}

/** Position of a base row id, or undefined when the id is not one of this seed's base ids. */
export function positionOfBaseId(seed: number, baseCount: number, id: string): number | undefined {
  return positionOfBaseRowId(seed, baseCount, id);
}

/** Account number of base row `position`: the alternate key, decodable without an index. */
export function baseAccountNumber(position: number): string {
  return `AC${String(position + 1).padStart(7, '0')}`;
}

/** Position encoded in a base account number, or undefined if it is not one. */
export function positionOfBaseAccountNumber(accountNumber: string): number | undefined {
  const match = /^AC(\d{7,})$/.exec(accountNumber);
  if (match === null) return undefined;
  const position = Number(match[1]) - 1;
  return baseAccountNumber(position) === accountNumber ? position : undefined;
}

export { seededOwnerId, toDataverseDateTime };

/** Base row `position`: pure function of (seed, position); versionnumber = position + 1. */
export function generateBaseAccount(seed: number, position: number): AccountRow {
  const h1 = mix(seed, position, 1);
  const h2 = mix(seed, position, 2);
  const h3 = mix(seed, position, 3);
  const name = `${pick(COMPANY_WORDS, h1)} ${pick(COMPANY_NOUNS, h1 >>> 8)} ${pick(COMPANY_SUFFIXES, h1 >>> 16)} ${position + 1}`;
  const slug = `${pick(COMPANY_WORDS, h1).toLowerCase().replace(/ /g, '')}${position + 1}`;
  const [city, country, postalCode] = pick(CITIES, h2);
  const inactive = h3 % 20 === 0;
  const createdOnMs = BASE_CREATED_ON_MS + (h2 % (3 * 365 * 24 * 60)) * 60_000;
  const modifiedOnMs = createdOnMs + (h3 % (90 * 24 * 60)) * 60_000;
  const revenue = (h1 % 1_000_000_000) / 100;
  return {
    accountid: baseAccountId(seed, position),
    name,
    accountnumber: baseAccountNumber(position),
    telephone1: `+1-555-${String(h2 % 10_000).padStart(4, '0')}`,
    emailaddress1: `info@${slug}.example.com`,
    websiteurl: `https://www.${slug}.example.com`,
    address1_line1: `${(h3 % 400) + 1} ${pick(STREETS, h3 >>> 9)}`,
    address1_city: city,
    address1_postalcode: postalCode,
    address1_country: country,
    revenue,
    revenue_base: revenue,
    numberofemployees: (h2 >>> 12) % 50_000,
    industrycode: ((h3 >>> 5) % 33) + 1,
    description: null,
    statecode: inactive ? 1 : 0,
    statuscode: inactive ? 2 : 1,
    createdon: toDataverseDateTime(createdOnMs),
    modifiedon: toDataverseDateTime(modifiedOnMs),
    versionnumber: position + 1,
    _primarycontactid_value: null,
    _ownerid_value: seededOwnerId(seed),
    _transactioncurrencyid_value: BASE_CURRENCY_ID,
    entityimage: null,
    entityimage_url: null,
    entityimage_timestamp: null,
    entityimageid: null,
  };
}
