import { queryError, SimHttpError, unknownProperty } from '../errors';

/**
 * `$filter` on metadata (EntityDefinitions, Attributes): comparisons of a property, or of
 * `Complex/Value`, with a literal; `and`, `or`, `not`, parentheses. Enumeration properties take
 * a namespaced literal (`AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'`),
 * and string functions fail as on metadata in Dataverse (README).
 */
export type MetadataFilter =
  | { kind: 'compare'; path: readonly string[]; operator: string; value: unknown }
  | { kind: 'and' | 'or'; left: MetadataFilter; right: MetadataFilter }
  | { kind: 'not'; operand: MetadataFilter };

/** Properties whose values are enumerations, by their enum type. */
const ENUM_TYPES: Readonly<Record<string, string>> = {
  AttributeType: 'AttributeTypeCode',
  OwnershipType: 'OwnershipTypes',
  'RequiredLevel/Value': 'AttributeRequiredLevel',
};

/** Complex properties one level deep, filterable through their primitive members. */
const COMPLEX_MEMBERS = new Set(['Value', 'CanBeChanged']);

const STRING_FUNCTIONS = new Set([
  'startswith',
  'endswith',
  'contains',
  'indexof',
  'substring',
  'tolower',
  'toupper',
]);

interface Token {
  text: string;
  value?: unknown;
  enumType?: string;
  literal: boolean;
}

const TOKEN =
  /\s*(?:(Microsoft\.Dynamics\.CRM\.([A-Za-z]+)'([^']*)')|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?(?![\w-]))|([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|([A-Za-z_][\w.]*)|([()/,]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length && !/^\s*$/.test(source.slice(TOKEN.lastIndex))) {
    const match = TOKEN.exec(source);
    if (match === null) throw queryError(`Syntax error in $filter '${source}'.`);
    const [, enumLiteral, enumType, enumValue, quoted, number, guid, word, punctuation] = match;
    if (enumLiteral !== undefined)
      tokens.push({ text: enumLiteral, value: enumValue, enumType, literal: true });
    else if (quoted !== undefined)
      tokens.push({ text: quoted, value: quoted.slice(1, -1).replace(/''/g, "'"), literal: true });
    else if (number !== undefined)
      tokens.push({ text: number, value: Number(number), literal: true });
    else if (guid !== undefined)
      tokens.push({ text: guid, value: guid.toLowerCase(), literal: true });
    else if (word === 'true' || word === 'false' || word === 'null')
      tokens.push({ text: word, value: word === 'null' ? null : word === 'true', literal: true });
    else tokens.push({ text: word ?? punctuation ?? '', literal: false });
  }
  return tokens;
}

/** Parses a metadata `$filter`; `properties` are the ones the queried type has. */
export function parseMetadataFilter(
  source: string,
  properties: readonly string[],
  typeName: string,
): MetadataFilter {
  const tokens = tokenize(source);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const next = (): Token => {
    const token = tokens[index++];
    if (token === undefined) throw queryError(`Syntax error in $filter '${source}'.`);
    return token;
  };
  const path = (): string[] => {
    const first = next();
    if (first.literal) throw queryError(`Syntax error in $filter '${source}'.`);
    if (peek()?.text === '(' && STRING_FUNCTIONS.has(first.text.toLowerCase()))
      throw new SimHttpError(
        400,
        '0x8006088a',
        `The "${first.text}" function isn't supported for Metadata Entities.`,
      );
    if (!properties.includes(first.text)) throw unknownProperty(first.text, typeName);
    if (peek()?.text !== '/') return [first.text];
    next();
    const member = next();
    if (!COMPLEX_MEMBERS.has(member.text)) throw unknownProperty(member.text, typeName);
    return [first.text, member.text];
  };
  const comparison = (): MetadataFilter => {
    const target = path();
    const operator = next().text;
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator))
      throw queryError(`Syntax error in $filter '${source}'.`);
    const literal = next();
    if (!literal.literal) throw queryError(`Syntax error in $filter '${source}'.`);
    const enumType = ENUM_TYPES[target.join('/')];
    if (literal.value !== null && (enumType ?? null) !== (literal.enumType ?? null)) {
      const left = enumType === undefined ? 'Edm.String' : `Microsoft.Dynamics.CRM.${enumType}`;
      const right =
        literal.enumType === undefined
          ? 'Edm.String'
          : `Microsoft.Dynamics.CRM.${literal.enumType}`;
      if (enumType !== undefined || literal.enumType !== undefined)
        throw queryError(
          `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${operator}'.`,
        );
    }
    return { kind: 'compare', path: target, operator, value: literal.value };
  };
  const unary = (): MetadataFilter => {
    if (peek()?.text === 'not') {
      next();
      return { kind: 'not', operand: unary() };
    }
    if (peek()?.text === '(') {
      next();
      const inner = or();
      if (next().text !== ')') throw queryError(`Syntax error in $filter '${source}'.`);
      return inner;
    }
    return comparison();
  };
  const and = (): MetadataFilter => {
    let left = unary();
    while (peek()?.text === 'and') {
      next();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): MetadataFilter => {
    let left = and();
    while (peek()?.text === 'or') {
      next();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const expression = or();
  if (peek() !== undefined) throw queryError(`Syntax error in $filter '${source}'.`);
  return expression;
}

/** Evaluates a metadata filter against a full metadata object. */
export function matchesMetadataFilter(
  filter: MetadataFilter,
  json: Record<string, unknown>,
): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesMetadataFilter(filter.left, json) && matchesMetadataFilter(filter.right, json);
    case 'or':
      return matchesMetadataFilter(filter.left, json) || matchesMetadataFilter(filter.right, json);
    case 'not':
      return !matchesMetadataFilter(filter.operand, json);
    case 'compare': {
      let value: unknown = json;
      for (const segment of filter.path)
        value =
          typeof value === 'object' && value !== null
            ? (value as Record<string, unknown>)[segment]
            : null;
      return compare(value ?? null, filter.operator, filter.value);
    }
  }
}

function compare(left: unknown, operator: string, right: unknown): boolean {
  const same =
    typeof left === 'string' && typeof right === 'string'
      ? left.toLowerCase() === right.toLowerCase()
      : left === right;
  if (operator === 'eq') return same;
  if (operator === 'ne') return !same;
  if (typeof left !== 'number' || typeof right !== 'number') return false;
  if (operator === 'gt') return left > right;
  if (operator === 'ge') return left >= right;
  if (operator === 'lt') return left < right;
  return left <= right;
}
