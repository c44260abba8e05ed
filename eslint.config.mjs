// ESLint flat config: typescript-eslint's type-aware rules, import sorting, and the folder rule:
// code outside a src/lib folder imports it only through that folder's index.ts (see
// docs/architecture.md). The rule is generated per folder and per file depth, because a relative
// specifier only says where it points once you know where the importing file sits.
import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

const LIB_FOLDERS = readdirSync(new URL('./src/lib', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const THROUGH_INDEX =
  'Reach another src/lib folder only through its index.ts: folders talk through their public surface (docs/architecture.md).';

const TESTBED_API =
  "Import the test bed as '@dataverse-s2s/testbed' (its public API, packages/testbed/src/index.ts).";

/** `no-restricted-imports` that forbids reaching past another folder's index. */
function restrict(regexes) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: regexes.map(([regex, message]) => ({ regex, message })),
      },
    ],
  };
}

/** src/lib/<folder>/**: `../<other>/<anything>` at the file's depth is a deep import. */
const libOverrides = LIB_FOLDERS.flatMap((folder) =>
  [1, 2, 3].map((depth) => ({
    files: [`src/lib/${folder}/${Array(depth).fill('*').join('/')}.ts`],
    rules: restrict([[`^(\\.\\./){${depth}}(?!${folder}/)[A-Za-z][\\w-]*/.+`, THROUGH_INDEX]]),
  })),
);

/** test/lib/<folder>/** may reach into src/lib/<folder> (its own unit tests), nothing else. */
const testOverrides = LIB_FOLDERS.map((folder) => ({
  files: [`test/lib/${folder}/**/*.ts`],
  rules: restrict([
    [`src/lib/(?!${folder}/)[\\w-]+/.+`, THROUGH_INDEX],
    ['(^|/)packages/testbed/', TESTBED_API],
  ]),
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/return-await': ['error', 'always'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-param-reassign': 'error',
    },
  },
  ...libOverrides,
  {
    files: ['src/functions/**/*.ts', 'src/cli/**/*.ts'],
    rules: restrict([['^(\\.\\./)+lib/[\\w-]+/.+', THROUGH_INDEX]]),
  },
  {
    files: [
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'packages/**/*.ts',
      'examples/**/*.ts',
    ],
    rules: restrict([
      ['src/lib/[\\w-]+/.+', THROUGH_INDEX],
      ['(^|/)packages/testbed/', TESTBED_API],
    ]),
  },
  ...testOverrides,
  {
    // Tests and the test bed may use the non-null assertion on fixtures they just built.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'packages/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
