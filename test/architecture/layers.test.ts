// The rules of dependency direction in src/lib (docs/architecture.md), checked on the real
// import graph: which folder may use which, no folder cycle, an index per folder, the function
// files' cold-start closure, and no plain Error outside the error family. ESLint enforces the
// index rule file by file (eslint.config.mjs); this test sees the whole graph.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const lib = join(root, 'src', 'lib');

/** Who may import whom. A folder not listed on the right of another may not be imported by it. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  util: [],
  errors: [],
  http: ['util', 'errors'],
  settings: ['util', 'errors'],
  auth: ['util', 'errors', 'settings'],
  dataverse: ['util', 'errors', 'http', 'settings'],
  schema: ['util', 'errors', 'settings', 'dataverse'],
  sync: ['util', 'errors', 'http', 'settings', 'dataverse', 'schema'],
  health: ['util', 'errors', 'settings', 'auth', 'dataverse'],
  queue: ['util', 'errors', 'settings', 'sync'],
  postgres: ['util', 'errors', 'settings', 'schema', 'sync'],
  runtime: [
    'util',
    'errors',
    'http',
    'settings',
    'auth',
    'dataverse',
    'schema',
    'sync',
    'postgres',
    'queue',
    'health',
  ],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  readonly specifier: string;
  /** `import type` / `export type`: erased at compile time. */
  readonly typeOnly: boolean;
  /** `import('...')`: loaded when the code runs, not when the module loads. */
  readonly dynamic: boolean;
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (node.importClause?.namedBindings !== undefined &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            node.importClause.name === undefined &&
            node.importClause.namedBindings.elements.length > 0 &&
            node.importClause.namedBindings.elements.every((e) => e.isTypeOnly))
        : node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly, dynamic: false });
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function folderOf(file: string): string | undefined {
  const rel = relative(lib, file);
  if (rel.startsWith('..')) return undefined;
  const [folder, ...rest] = rel.split(sep);
  return rest.length === 0 ? undefined : folder;
}

const folders = readdirSync(lib).filter((name) => statSync(join(lib, name)).isDirectory());
const libFiles = sourceFiles(lib);

/** folder → folders it imports (type-only imports included: they are dependencies too). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map(folders.map((folder) => [folder, new Set<string>()]));
  for (const file of libFiles) {
    const from = folderOf(file);
    if (from === undefined) continue;
    for (const { specifier } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      const to = target === undefined ? undefined : folderOf(target);
      if (to !== undefined && to !== from) graph.get(from)?.add(to);
    }
  }
  return graph;
}

describe('src/lib architecture', () => {
  it('has only the folders the layering table knows, each with an index.ts', () => {
    expect([...folders].sort()).toEqual(Object.keys(ALLOWED).sort());
    expect(folders.filter((folder) => !existsSync(join(lib, folder, 'index.ts')))).toEqual([]);
    expect(readdirSync(lib).filter((name) => name.endsWith('.ts'))).toEqual([]);
  });

  it('imports only in the allowed direction', () => {
    const violations = [...folderGraph()].flatMap(([from, targets]) =>
      [...targets]
        .filter((to) => !(ALLOWED[from] ?? []).includes(to))
        .map((to) => `${from} → ${to}`),
    );
    expect(violations).toEqual([]);
  });

  it('has no folder-level import cycle', () => {
    const graph = folderGraph();
    const cycles: string[] = [];
    const visit = (folder: string, path: readonly string[]): void => {
      if (path.includes(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
        return;
      }
      for (const next of graph.get(folder) ?? []) visit(next, [...path, folder]);
    };
    for (const folder of folders) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('keeps src/lib free of the Functions host API', () => {
    const offenders = libFiles.filter((file) =>
      importsOf(file).some(({ specifier }) => specifier.startsWith('@azure/functions')),
    );
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it('throws only errors of the family: no plain new Error outside src/lib/errors', () => {
    const offenders = sourceFiles(join(root, 'src'))
      .filter((file) => folderOf(file) !== 'errors')
      .filter((file) => /\bnew Error\(/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it('registers functions without loading the Azure SDKs and other heavy packages (they load on first use)', () => {
    const heavy = [
      '@azure/identity',
      '@azure/keyvault-secrets',
      '@azure/storage-blob',
      '@azure/data-tables',
      '@azure/storage-queue',
      'pg',
      'axios',
      'node-forge',
      'croner',
    ];
    const reached = new Set<string>();
    const packages = new Set<string>();
    const walk = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const { specifier, typeOnly, dynamic } of importsOf(file)) {
        if (typeOnly || dynamic) continue;
        if (!specifier.startsWith('.')) {
          packages.add(specifier);
          continue;
        }
        const target = resolveRelative(file, specifier);
        if (target !== undefined) walk(target);
      }
    };
    for (const file of sourceFiles(join(root, 'src', 'functions'))) walk(file);
    expect(heavy.filter((name) => packages.has(name))).toEqual([]);
    expect([...reached].map((file) => relative(root, file))).not.toContain(
      join('src', 'lib', 'runtime', 'compose.ts'),
    );
  });
});
