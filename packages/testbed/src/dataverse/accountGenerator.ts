import type { AccountRow } from './types';

/**
 * Deterministic seeded account rows, generated on demand from (seed, position) so that an
 * environment can hold a million untouched rows without a million objects.
 *
 * The id of base row i is reversible: its last 48 bits are a keyed Feistel permutation of i,
 * so `positionOfBaseId` finds the row in O(1) without an index; the other bits are hashes of
 * (seed, i) and are checked on the way back, so random GUIDs never alias a base row.
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

/** 32-bit avalanche hash of three integers (murmur3 finaliser). */
function mix(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ c;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function pick<T>(items: readonly T[], hash: number): T {
  return items[hash % items.length] as T;
}

function hex(value: number, digits: number): string {
  return (value >>> 0)
    .toString(16)
    .padStart(8, '0')
    .slice(8 - digits);
}

const HALF_MASK = 0xffffff;
const ROUNDS = 4;

/** Keyed bijection on 48-bit integers (two 24-bit halves), so base ids do not look sequential. */
function permute(seed: number, value: number): number {
  let left = Math.floor(value / 0x1000000) & HALF_MASK;
  let right = value % 0x1000000;
  for (let round = 0; round < ROUNDS; round++) {
    const next = (left ^ mix(seed, right, round)) & HALF_MASK;
    left = right;
    right = next;
  }
  return left * 0x1000000 + right;
}

function unpermute(seed: number, value: number): number {
  let left = Math.floor(value / 0x1000000) & HALF_MASK;
  let right = value % 0x1000000;
  for (let round = ROUNDS - 1; round >= 0; round--) {
    const previousRight = left;
    const previousLeft = (right ^ mix(seed, previousRight, round)) & HALF_MASK;
    left = previousLeft;
    right = previousRight;
  }
  return left * 0x1000000 + right;
}

/** GUID of base row `position` for `seed`. */
export function baseAccountId(seed: number, position: number): string {
  const a = mix(seed, position, 11);
  const b = mix(seed, position, 12);
  const tail = permute(seed, position).toString(16).padStart(12, '0');
  const variant = (8 + (b & 3)).toString(16);
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b >>> 4, 3)}-${variant}${hex(a >>> 7, 3)}-${tail}`;
}

/** Position of a base row id, or undefined when the id is not one of this seed's base ids. */
export function positionOfBaseId(seed: number, baseCount: number, id: string): number | undefined {
  const normalised = id.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(normalised)) {
    return undefined;
  }
  const position = unpermute(seed, parseInt(normalised.slice(24), 16));
  if (position >= baseCount) return undefined;
  return baseAccountId(seed, position) === normalised ? position : undefined;
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

/** The deterministic owner (a team or user) of every seeded row in an environment. */
export function seededOwnerId(seed: number): string {
  let owner = ownerIds.get(seed);
  if (owner === undefined) {
    owner = baseAccountId(seed ^ 0x5bd1e995, 0);
    ownerIds.set(seed, owner);
  }
  return owner;
}
const ownerIds = new Map<number, string>();

/** ISO timestamp the way Dataverse writes it: seconds precision, `Z`. */
export function toDataverseDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

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
    revenue: (h1 % 1_000_000_000) / 100,
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
  };
}
