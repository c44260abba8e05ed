import { queryError, unknownProperty } from '../errors';
import type { Json } from './metadataJson';

/** One `$expand` item with its nested options: `OptionSet($select=Options)`. */
export interface ExpandItem {
  property: string;
  select: string[] | undefined;
  filter: string | undefined;
}

/** `$select` of a metadata type: every name must be a property of `typeName`. */
export function parseMetadataSelect(
  value: string | null | undefined,
  properties: readonly string[],
  typeName: string,
): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  const names: string[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (!properties.includes(name)) throw unknownProperty(name, typeName);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Splits at commas outside parentheses. */
function splitTopLevel(value: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of value) {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (character === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

export function parseExpand(value: string | null): ExpandItem[] {
  if (value === null) return [];
  return splitTopLevel(value, ',').map((item) => {
    const match = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(item);
    if (match === null) throw queryError(`Syntax error in $expand '${value}'.`);
    const expand: ExpandItem = { property: match[1] ?? '', select: undefined, filter: undefined };
    for (const option of splitTopLevel(match[2] ?? '', ';')) {
      const [name, ...rest] = option.split('=');
      const optionValue = rest.join('=');
      if (name === '$select') expand.select = optionValue.split(',').map((part) => part.trim());
      else if (name === '$filter') expand.filter = optionValue;
      else throw queryError(`The query option ${name ?? ''} is not supported inside $expand.`);
    }
    return expand;
  });
}

/** The selected properties, in the order asked for, then MetadataId (always returned). */
export function pickProperties(json: Json, select: readonly string[] | undefined): Json {
  if (select === undefined) return { ...json };
  const picked: Json = {};
  for (const name of select) picked[name] = json[name];
  if ('MetadataId' in json && !('MetadataId' in picked)) picked.MetadataId = json.MetadataId;
  return picked;
}

/** The `(…)` part of an `@odata.context`: selected properties, expanded ones, their selects. */
export function contextColumns(
  select: readonly string[] | undefined,
  expand: readonly ExpandItem[],
): string {
  const parts = [...(select ?? [])];
  for (const item of expand) parts.push(item.property);
  for (const item of expand) {
    if (item.select !== undefined) parts.push(`${item.property}(${item.select.join(',')})`);
  }
  return parts.length === 0 ? '' : `(${parts.join(',')})`;
}
