/**
 * Building blocks of the seeded generators: every value of base row i is a pure function of
 * (seed, i), so a table can hold a million untouched rows without a million objects.
 *
 * The id of base row i is reversible: its last 48 bits are a keyed Feistel permutation of i,
 * so `positionOfBaseRowId` finds the row in O(1) without an index; the other bits are hashes of
 * (seed, i) and are checked on the way back, so random GUIDs never alias a base row.
 */

/** 32-bit avalanche hash of three integers (murmur3 finaliser). */
export function mix(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ c;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function pick<T>(items: readonly T[], hash: number): T {
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

/** GUID of base row `position` for an id seed (each table derives its own from the row seed). */
export function baseRowId(idSeed: number, position: number): string {
  const a = mix(idSeed, position, 11);
  const b = mix(idSeed, position, 12);
  const tail = permute(idSeed, position).toString(16).padStart(12, '0');
  const variant = (8 + (b & 3)).toString(16);
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b >>> 4, 3)}-${variant}${hex(a >>> 7, 3)}-${tail}`;
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Position of a base row id, or undefined when the id is not one of this seed's base ids. */
export function positionOfBaseRowId(
  idSeed: number,
  baseCount: number,
  id: string,
): number | undefined {
  const normalised = id.toLowerCase();
  if (!GUID_PATTERN.test(normalised)) return undefined;
  const position = unpermute(idSeed, parseInt(normalised.slice(24), 16));
  if (position >= baseCount) return undefined;
  return baseRowId(idSeed, position) === normalised ? position : undefined;
}

/** The id seed of a table: accounts keep the row seed (ids unchanged since the first release). */
export function tableIdSeed(seed: number, tableSalt: number): number {
  return tableSalt === 0 ? seed : mix(seed, tableSalt, 97);
}

/** ISO timestamp the way Dataverse writes it: seconds precision, `Z`. */
export function toDataverseDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A DateOnly value the way Dataverse writes an Edm.Date: `YYYY-MM-DD`. */
export function toDataverseDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The deterministic owner (a systemuser) of every seeded row in an environment. */
export function seededOwnerId(seed: number): string {
  let owner = ownerIds.get(seed);
  if (owner === undefined) {
    owner = baseRowId(seed ^ 0x5bd1e995, 0);
    ownerIds.set(seed, owner);
  }
  return owner;
}
const ownerIds = new Map<number, string>();

/** The simulated organization's base currency (US Dollar), the same in every environment. */
export const BASE_CURRENCY_ID = '6b1f7c21-0a0e-4f4e-9d6e-5a1c2b3d4e5f';
