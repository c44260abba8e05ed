import { queryError, unknownProperty } from './errors';
import { checkCompatible, type ColumnType, columnTypeOf, type Literal } from './filterTypes';
import type { TableSchema } from './tableSchema';
import type { SimRow } from './tableTypes';

/**
 * The subset of OData `$filter` the simulator understands: comparisons (eq ne gt ge lt le) of a
 * column with a literal, `contains` / `startswith` / `endswith`, `and`, `or`, `not` and
 * parentheses. String comparisons ignore case, like Dataverse's SQL collation.
 */
export type FilterExpression =
  | {
      kind: 'compare';
      column: string;
      type: ColumnType;
      operator: CompareOperator;
      literal: Literal;
    }
  | {
      kind: 'function';
      name: 'contains' | 'startswith' | 'endswith';
      column: string;
      text: string;
    }
  | { kind: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; operand: FilterExpression };

type CompareOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

interface Token {
  text: string;
  position: number;
  literal?: Literal;
}

const TOKEN_PATTERN =
  /\s*(?:('(?:[^']|'')*')|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)|(\d{4}-\d{2}-\d{2}(?![\dT]))|([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([(),]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_PATTERN.lastIndex = 0;
  while (TOKEN_PATTERN.lastIndex < source.length) {
    const start = TOKEN_PATTERN.lastIndex;
    if (/^\s*$/.test(source.slice(start))) break;
    const match = TOKEN_PATTERN.exec(source);
    if (match === null) throw syntaxError(start, source);
    const [whole, quoted, datetime, date, guid, numeric, word, punctuation] = match;
    const position = start + whole.length - whole.trimStart().length;
    if (quoted !== undefined) {
      tokens.push({
        text: quoted,
        position,
        literal: { type: 'string', value: quoted.slice(1, -1).replace(/''/g, "'") },
      });
    } else if (datetime !== undefined) {
      tokens.push({ text: datetime, position, literal: { type: 'datetime', value: datetime } });
    } else if (date !== undefined) {
      tokens.push({ text: date, position, literal: { type: 'date', value: date } });
    } else if (guid !== undefined) {
      tokens.push({ text: guid, position, literal: { type: 'guid', value: guid.toLowerCase() } });
    } else if (numeric !== undefined) {
      tokens.push({ text: numeric, position, literal: { type: 'number', value: Number(numeric) } });
    } else if (word !== undefined) {
      const literal = wordLiteral(word);
      tokens.push(literal ? { text: word, position, literal } : { text: word, position });
    } else {
      tokens.push({ text: punctuation ?? '', position });
    }
  }
  return tokens;
}

function wordLiteral(word: string): Literal | undefined {
  if (word === 'null') return { type: 'null', value: null };
  if (word === 'true' || word === 'false') return { type: 'boolean', value: word === 'true' };
  return undefined;
}

function syntaxError(position: number, source: string): Error {
  return queryError(`Syntax error at position ${position} in '${source}'.`);
}

/** Parses a `$filter` value; throws a 400 SimHttpError on anything outside the subset. */
export function parseFilter(source: string, schema: TableSchema): FilterExpression {
  const tokens = tokenize(source);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const next = (): Token => {
    const token = tokens[index++];
    if (token === undefined) throw syntaxError(source.length, source);
    return token;
  };
  const expect = (text: string): void => {
    const token = next();
    if (token.text !== text) throw syntaxError(token.position, source);
  };
  const column = (): { name: string; type: ColumnType } => {
    const token = next();
    if (token.literal !== undefined || !/^[A-Za-z_]/.test(token.text))
      throw syntaxError(token.position, source);
    const spec = schema.column(token.text);
    if (spec === undefined)
      throw unknownProperty(token.text, `Microsoft.Dynamics.CRM.${schema.logicalName}`);
    return { name: token.text, type: columnTypeOf(spec.kind) };
  };

  const parseOr = (): FilterExpression => {
    let left = parseAnd();
    while (peek()?.text === 'or') {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpression => {
    let left = parseUnary();
    while (peek()?.text === 'and') {
      next();
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterExpression => {
    if (peek()?.text === 'not') {
      next();
      return { kind: 'not', operand: parseUnary() };
    }
    if (peek()?.text === '(') {
      next();
      const inner = parseOr();
      expect(')');
      return inner;
    }
    const name = peek()?.text;
    if (name === 'contains' || name === 'startswith' || name === 'endswith') {
      next();
      expect('(');
      const target = column();
      expect(',');
      const token = next();
      if (token.literal?.type !== 'string') throw syntaxError(token.position, source);
      expect(')');
      return { kind: 'function', name, column: target.name, text: String(token.literal.value) };
    }
    const target = column();
    const operatorToken = next();
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operatorToken.text)) {
      throw syntaxError(operatorToken.position, source);
    }
    const literalToken = next();
    if (literalToken.literal === undefined) throw syntaxError(literalToken.position, source);
    checkCompatible(target.type, literalToken.literal);
    return {
      kind: 'compare',
      column: target.name,
      type: target.type,
      operator: operatorToken.text as CompareOperator,
      literal: literalToken.literal,
    };
  };

  const expression = parseOr();
  const rest = peek();
  if (rest !== undefined) throw syntaxError(rest.position, source);
  return expression;
}

/** Evaluates a parsed filter against one row. */
export function matchesFilter(expression: FilterExpression, row: SimRow): boolean {
  switch (expression.kind) {
    case 'and':
      return matchesFilter(expression.left, row) && matchesFilter(expression.right, row);
    case 'or':
      return matchesFilter(expression.left, row) || matchesFilter(expression.right, row);
    case 'not':
      return !matchesFilter(expression.operand, row);
    case 'function': {
      const value = row[expression.column] ?? null;
      if (typeof value !== 'string') return false;
      const haystack = value.toLowerCase();
      const needle = expression.text.toLowerCase();
      if (expression.name === 'contains') return haystack.includes(needle);
      return expression.name === 'startswith'
        ? haystack.startsWith(needle)
        : haystack.endsWith(needle);
    }
    case 'compare':
      return compare(
        row[expression.column] ?? null,
        expression.operator,
        expression.literal,
        expression.type,
      );
  }
}

function compare(
  value: unknown,
  operator: CompareOperator,
  literal: Literal,
  type: ColumnType,
): boolean {
  if (literal.value === null || value === null) {
    const bothNull = literal.value === null && value === null;
    if (operator === 'eq') return bothNull;
    if (operator === 'ne') return !bothNull;
    return false;
  }
  const order = compareValues(value, literal.value, type);
  switch (operator) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

/** Orders two non-null column values the way Dataverse sorts them (strings ignore case). */
export function compareValues(left: unknown, right: unknown, type: ColumnType): number {
  if (type === 'datetime') return Date.parse(String(left)) - Date.parse(String(right));
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  const a = String(left).toLowerCase();
  const b = String(right).toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}
