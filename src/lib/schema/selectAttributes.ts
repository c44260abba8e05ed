import { ConfigurationError } from '../errors';
import { kindOf, NEVER_COPIED } from './attributeKinds';
import type { AttributeFacts } from './metadataReads';

/** Handled apart: the row's version guards every write. */
const VERSION = 'versionnumber';

/**
 * Whether an attribute is copied when no column list is configured: readable, a real column
 * (not a `…name`/`…yominame` shadow with AttributeOf), and of a type with a row value (no
 * images, files or virtual columns). Logical attributes (stored in a related table, such as
 * account's address1_*) are copied: they are read like any other column, and leaving the
 * address out of a replica by default would surprise everyone.
 */
export function copiedByDefault(attribute: AttributeFacts): boolean {
  return (
    attribute.isValidForRead &&
    attribute.attributeOf === undefined &&
    !NEVER_COPIED.has(attribute.typeName) &&
    kindOf(attribute.typeName) !== undefined
  );
}

/** `_parentcustomerid_value` (the wire name) means `parentcustomerid`. */
function normalise(column: string): string {
  const lookup = /^_(.+)_value$/.exec(column);
  return (lookup?.[1] ?? column).toLowerCase();
}

/**
 * The attributes to copy, primary id first: every copyable one, or the configured list (which
 * must name existing, copyable columns; each wrong one is named). `versionnumber` is not in
 * the result: the engine always reads it.
 */
export function selectAttributes(
  attributes: readonly AttributeFacts[],
  table: string,
  primaryId: string,
  configured: readonly string[] | undefined,
  setting: string,
): AttributeFacts[] {
  const byName = new Map(attributes.map((attribute) => [attribute.logicalName, attribute]));
  const primary = byName.get(primaryId);
  if (primary === undefined) {
    throw new ConfigurationError(`table ${table} has no attribute ${primaryId} (its primary id)`, {
      step: 'read table metadata',
    });
  }
  const chosen =
    configured === undefined
      ? attributes.filter((attribute) => copiedByDefault(attribute))
      : pickConfigured(configured, byName, table, setting);
  const rest = chosen.filter(
    (attribute) => attribute.logicalName !== primaryId && attribute.logicalName !== VERSION,
  );
  return [primary, ...rest];
}

/** `…_base` columns: AttributeOf names their Money column, yet they are selectable values. */
const BASE_CURRENCY_TYPE = 'MoneyType';

function pickConfigured(
  configured: readonly string[],
  byName: ReadonlyMap<string, AttributeFacts>,
  table: string,
  setting: string,
): AttributeFacts[] {
  const problems: string[] = [];
  const chosen: AttributeFacts[] = [];
  for (const column of configured) {
    const name = normalise(column);
    if (name === VERSION) continue;
    const attribute = byName.get(name);
    if (attribute === undefined) problems.push(`${column} does not exist`);
    else if (kindOf(attribute.typeName) === undefined || NEVER_COPIED.has(attribute.typeName))
      problems.push(`${column} is of type ${attribute.typeName}, which has no value to copy`);
    else if (!attribute.isValidForRead) problems.push(`${column} is not valid for read`);
    else if (attribute.attributeOf !== undefined && attribute.typeName !== BASE_CURRENCY_TYPE)
      // A lookup's …name/…yominame/…type is no property of the Web API entity: $select would
      // fail on every run. A base-currency Money column is one, so it stays selectable.
      problems.push(
        `${column} is a helper column of ${attribute.attributeOf}, not a Web API property (list ${attribute.attributeOf}: its _table or _label column comes with it)`,
      );
    else chosen.push(attribute);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(
      `${setting} names columns of ${table} that cannot be copied: ${problems.join('; ')}`,
      {
        step: 'read table metadata',
        hint: `Use the columns' logical names (Power Apps → Tables → ${table} → Columns → the column → Advanced options → Logical name), or leave the list out to copy every column.`,
      },
    );
  }
  return chosen;
}
