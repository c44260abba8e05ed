/**
 * Azure Table storage limits and the size arithmetic behind them ("Understanding the Table
 * service data model", Microsoft Learn): a property holds at most 64 KiB, an entity 1 MiB
 * counted as the service counts it (strings as UTF-16) in at most 255 properties, and an
 * entity-group transaction at most 100 operations and a 4 MiB request. Azurite enforces only the first and the count; Azure
 * enforces all of them, and a page that breaks one would fail on every run.
 */
import type { TableEntity } from '@azure/data-tables';

const KIB = 1024;
export const PROPERTY_LIMIT_IN_BYTES = 64 * KIB;
export const ENTITY_LIMIT_IN_BYTES = 1024 * KIB;
export const TRANSACTION_LIMIT_IN_BYTES = 4 * 1024 * KIB;
export const TRANSACTION_OPERATIONS = 100;
/** 255 properties per entity, PartitionKey, RowKey and Timestamp among them. */
export const OWN_PROPERTY_LIMIT = 252;
const SERVICE_PROPERTIES = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp']);
/** Room for the multipart envelope and headers of each operation in a batch request. */
const OPERATION_OVERHEAD_IN_BYTES = 512;

type Property = TableEntity[string];

/** A typed value (`{ value, type: 'Double' }`) or a plain one. */
function valueOf(property: Property): unknown {
  return typeof property === 'object' && property !== null && 'value' in property
    ? property.value
    : property;
}

/** The size the service counts for one property value (UTF-16 strings, 8-byte numbers). */
function valueSize(property: Property): number {
  const value = valueOf(property);
  if (typeof value === 'string') return 4 + value.length * 2;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number' || typeof value === 'bigint') return 8;
  return 0;
}

/** 4 + 2·len(PartitionKey + RowKey) + Σ (8 + 2·len(name) + size of value). */
export function entitySizeInBytes(entity: TableEntity): number {
  let size = 4 + (entity.partitionKey.length + entity.rowKey.length) * 2;
  for (const [name, property] of Object.entries(entity)) {
    if (name === 'partitionKey' || name === 'rowKey' || name === 'etag') continue;
    size += 8 + name.length * 2 + valueSize(property);
  }
  return size;
}

const kib = (bytes: number): string => `${String(Math.floor(bytes / KIB))} KiB`;

/** Why the service can never store this entity, or undefined when it can. */
export function oversizeReason(entity: TableEntity): string | undefined {
  // A table copied with every column, plus a label per choice and a table per lookup, can pass
  // this on a customised table; the service then refuses the row (TooManyProperties).
  const own = Object.keys(entity).filter((name) => !SERVICE_PROPERTIES.has(name)).length;
  if (own > OWN_PROPERTY_LIMIT) {
    return `the entity has ${String(own)} properties; Azure Table allows ${String(OWN_PROPERTY_LIMIT)} besides PartitionKey, RowKey and Timestamp (list fewer columns in SYNC_TABLES)`;
  }
  for (const [name, property] of Object.entries(entity)) {
    const value = valueOf(property);
    if (typeof value === 'string' && value.length * 2 > PROPERTY_LIMIT_IN_BYTES) {
      return `property ${name} holds ${kib(value.length * 2)}; Azure Table allows ${kib(PROPERTY_LIMIT_IN_BYTES)} per property`;
    }
  }
  const size = entitySizeInBytes(entity);
  if (size > ENTITY_LIMIT_IN_BYTES) {
    return `the entity holds ${kib(size)}; Azure Table allows ${kib(ENTITY_LIMIT_IN_BYTES)} per entity`;
  }
  return undefined;
}

/** What one operation adds to a batch request body (its JSON in UTF-8, plus the envelope). */
export function requestSizeInBytes(entity: TableEntity): number {
  return Buffer.byteLength(JSON.stringify(entity)) + OPERATION_OVERHEAD_IN_BYTES;
}

/**
 * True for the service's answers to a request or entity that is too large: 413, or the codes
 * RequestBodyTooLarge, EntityTooLarge, PropertyValueTooLarge, TooManyProperties.
 */
export function isTooLarge(
  status: number | undefined,
  code: string | undefined,
  message: string,
): boolean {
  if (status === 413) return true;
  if (
    code !== undefined &&
    /^(RequestBodyTooLarge|EntityTooLarge|PropertyValueTooLarge|TooManyProperties)$/.test(code)
  )
    return true;
  return /exceeds the maximum allowed size|too large/i.test(message);
}
