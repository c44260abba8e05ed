import { shown } from './problems';
import type { TableSelection } from './types';

/** Logical names: lowercase letters, digits and underscores, starting with a letter. */
const LOGICAL_NAME = /^[a-z][a-z0-9_]{0,99}$/;
/** A column may also be given by its wire name, `_parentcustomerid_value`. */
const COLUMN_NAME = /^(?:[a-z][a-z0-9_]{0,99}|_[a-z][a-z0-9_]{0,99}_value)$/;

export const DEFAULT_TABLES = 'account';
export const TABLES_EXAMPLE =
  'account,contact(fullname,emailaddress1,parentcustomerid),new_project';

/** A parsed table list, or what is wrong with it (never quoting more than a name). */
export type ParsedTables =
  | { readonly ok: true; readonly tables: readonly TableSelection[] }
  | { readonly ok: false; readonly problem: string };

/** Splits at commas outside parentheses; undefined when the parentheses do not pair up. */
function splitEntries(value: string): string[] | undefined {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth < 0 || depth > 1) return undefined;
    if (char === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else current += char;
  }
  if (depth !== 0) return undefined;
  entries.push(current);
  return entries.map((entry) => entry.trim());
}

const failure = (problem: string): ParsedTables => ({ ok: false, problem });

/**
 * Parses a table list: `account,contact(fullname,parentcustomerid),new_project`. Each entry is
 * a table's logical name, optionally followed by the columns to copy in parentheses (otherwise
 * every copyable column). Names are lowercase logical names, not display names.
 */
export function parseTables(value: string): ParsedTables {
  const entries = splitEntries(value);
  if (entries === undefined) return failure('has parentheses that do not pair up');
  const tables: TableSelection[] = [];
  for (const entry of entries) {
    if (entry === '')
      return failure('has an empty entry (two commas in a row, or a trailing comma)');
    const match = /^([^()\s]+)\s*(?:\(([^()]*)\))?$/.exec(entry);
    const name = match?.[1];
    if (match === null || name === undefined)
      return failure(`has an entry that is not table or table(columns): ${shown(entry)}`);
    if (!LOGICAL_NAME.test(name))
      return failure(
        `names a table that is not a logical name (lowercase letters, digits, underscores): ${shown(name)}`,
      );
    if (tables.some((table) => table.logicalName === name))
      return failure(`lists table ${name} twice`);
    const list = match[2];
    if (list === undefined) {
      tables.push({ logicalName: name });
      continue;
    }
    const columns = list.split(',').map((column) => column.trim());
    const invalid = columns.filter((column) => !COLUMN_NAME.test(column));
    if (columns.length === 0 || invalid.length > 0)
      return failure(
        `lists columns of ${name} that are not logical names: ${invalid.map((c) => shown(c)).join(', ')}`,
      );
    tables.push({ logicalName: name, columns: [...new Set(columns)] });
  }
  return { ok: true, tables };
}

/** The list as the setting would spell it (for messages and the CLI). */
export function formatTables(tables: readonly TableSelection[]): string {
  return tables
    .map((table) =>
      table.columns === undefined
        ? table.logicalName
        : `${table.logicalName}(${table.columns.join(',')})`,
    )
    .join(',');
}
