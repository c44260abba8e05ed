/**
 * A small structural reader for this repository's Bicep files. There is no Bicep compiler on
 * the development and CI machines, so the infra tests check what can be checked from the text:
 * bracket balance, declarations, module wiring and the values of named properties.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
export const infraDir = join(repoRoot, 'infra');

/** Every .bicep file under infra/, as paths relative to the repository root. */
export function bicepFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.bicep')) found.push(relative(repoRoot, path));
    }
  };
  walk(infraDir);
  return found.sort();
}

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/**
 * Replaces comments with spaces and string contents with `_`, keeping `${...}` interpolations
 * as code, so brackets and identifiers can be found without false hits. Offsets are preserved.
 * Returns the blanked text and the problems found (unterminated strings or comments).
 */
export function blankCommentsAndStrings(text: string): { code: string; problems: string[] } {
  const out = text.split('');
  const problems: string[] = [];
  // Each entry: the brace depth at which an interpolation returns to its string.
  const interpolations: number[] = [];
  let depth = 0;
  let i = 0;
  const blank = (from: number, to: number, fill: string): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = fill;
  };
  /** Scans string content from i (just after the opening quote); returns true at `${`. */
  const scanString = (): boolean => {
    const start = i;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === "'") {
        blank(start, i, '_');
        i++;
        return false;
      }
      if (c === '$' && text[i + 1] === '{') {
        blank(start, i, '_');
        i += 2;
        return true;
      }
      if (c === '\n') {
        problems.push(`unterminated string at offset ${start}`);
        blank(start, i, '_');
        return false;
      }
      i++;
    }
    problems.push(`unterminated string at offset ${start}`);
    return false;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop, ' ');
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) problems.push(`unterminated comment at offset ${i}`);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop, ' ');
      i = stop;
    } else if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end === -1) problems.push(`unterminated multi-line string at offset ${i}`);
      const stop = end === -1 ? text.length : end + 3;
      blank(i + 3, stop - 3, '_');
      i = stop;
    } else if (c === "'") {
      i++;
      if (scanString()) interpolations.push(depth);
    } else if (
      c === '}' &&
      interpolations.length > 0 &&
      interpolations[interpolations.length - 1] === depth
    ) {
      interpolations.pop();
      i++;
      if (scanString()) interpolations.push(depth);
    } else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      i++;
    }
  }
  if (interpolations.length > 0) problems.push('unterminated string interpolation');
  return { code: out.join(''), problems };
}

/** Bracket problems in blanked code: a closer without opener, a mismatch or a missing closer. */
export function bracketProblems(code: string): string[] {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: { char: string; line: number }[] = [];
  const problems: string[] = [];
  let line = 1;
  for (const c of code) {
    if (c === '\n') line++;
    else if (c === '(' || c === '[' || c === '{') stack.push({ char: c, line });
    else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (open?.char !== pairs[c])
        problems.push(
          `line ${line}: '${c}' closes ${open === undefined ? 'nothing' : `'${open.char}' of line ${open.line}`}`,
        );
    }
  }
  for (const open of stack) problems.push(`line ${open.line}: '${open.char}' is never closed`);
  return problems;
}

/** Index just after the `}` that closes the `{` at openIndex (in blanked code). */
export function matchingBrace(code: string, openIndex: number): number {
  let depth = 0;
  for (let k = openIndex; k < code.length; k++) {
    if (code[k] === '{') depth++;
    else if (code[k] === '}') {
      depth--;
      if (depth === 0) return k + 1;
    }
  }
  throw new Error(`no closing brace for offset ${openIndex}`);
}

/** Keys declared directly inside the object literal that starts at openIndex (one level only). */
export function topLevelKeys(code: string, openIndex: number): string[] {
  const end = matchingBrace(code, openIndex);
  const keys: string[] = [];
  let depth = 0;
  let lineStart = true;
  for (let k = openIndex; k < end; k++) {
    const c = code[k];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    if (c === '\n') {
      lineStart = true;
      continue;
    }
    if (lineStart && depth === 1 && /\S/.test(c ?? '')) {
      lineStart = false;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(code.slice(k));
      if (match?.[1] !== undefined) keys.push(match[1]);
    }
  }
  return keys;
}

/** A `param` declaration: name and whether it has a default value. */
export interface ParamDeclaration {
  name: string;
  hasDefault: boolean;
}

export function paramDeclarations(text: string): ParamDeclaration[] {
  return [...text.matchAll(/^param\s+(\w+)\s+\w+(\s*=.*)?$/gm)].map((m) => ({
    name: m[1] ?? '',
    hasDefault: m[2] !== undefined,
  }));
}

export function outputNames(text: string): string[] {
  return [...text.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1] ?? '');
}

/** A `module` declaration with its path and the keys of its `params` object. */
export interface ModuleDeclaration {
  symbol: string;
  path: string;
  params: string[];
}

export function moduleDeclarations(text: string): ModuleDeclaration[] {
  const { code } = blankCommentsAndStrings(text);
  const modules: ModuleDeclaration[] = [];
  for (const m of text.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*(?:if\s*\(.*\)\s*)?\{/gm)) {
    const bodyStart = m.index + m[0].length - 1;
    const bodyEnd = matchingBrace(code, bodyStart);
    const paramsAt = code.slice(bodyStart, bodyEnd).search(/\bparams\s*:\s*\{/);
    const params =
      paramsAt === -1 ? [] : topLevelKeys(code, code.indexOf('{', bodyStart + paramsAt));
    modules.push({ symbol: m[1] ?? '', path: m[2] ?? '', params });
  }
  return modules;
}

/** The body text of the resource declared with `resource <symbol> '...' = ... {`. */
export function resourceBody(text: string, symbol: string): string {
  const { code } = blankCommentsAndStrings(text);
  const m = new RegExp(
    `^resource\\s+${symbol}\\s+'[^']+'\\s*(?:existing\\s*)?=\\s*(?:if\\s*\\(.*\\)\\s*)?\\{`,
    'm',
  ).exec(text);
  if (m === null) throw new Error(`no resource ${symbol}`);
  const start = m.index + m[0].length - 1;
  return text.slice(start, matchingBrace(code, start));
}

/** Every `resource` declaration: symbol, type, API version and whether it is `existing`. */
export interface ResourceDeclaration {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
}

export function resourceDeclarations(text: string): ResourceDeclaration[] {
  return [...text.matchAll(/^\s*resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing\s*)?=/gm)].map(
    (m) => ({
      symbol: m[1] ?? '',
      type: m[2] ?? '',
      apiVersion: m[3] ?? '',
      existing: m[4] !== undefined,
    }),
  );
}
