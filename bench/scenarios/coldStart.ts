/**
 * Scenario 6: how long a fresh Node process takes to load the compiled app (every file of
 * package.json `main`) with each function registered through a fake @azure/functions-core,
 * against a bare `node -e 0`, interleaved so both see the same machine load. One extra run
 * under --cpu-prof says which packages the load time goes to.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { BenchContext } from '../support/context';
import { loadTimeByPackage } from '../support/cpuProfile';
import { atMost, type Figure, reported, round } from '../support/figures';

const SCENARIO = '6 cold start';
const ROOT = resolve(__dirname, '..', '..');
const FAKE_CORE = join(ROOT, 'test', 'support', 'fake-functions-core.cjs');
const FUNCTIONS_DIRECTORY = join(ROOT, 'dist', 'src', 'functions');
const TARGET_ABOVE_BARE_IN_MS = 300;

function loadScript(files: readonly string[]): string {
  return files.map((file) => `require(${JSON.stringify(file)});`).join('');
}

/** Wall time of one fresh process, in ms; fails unless every function registered. */
function timeProcess(args: readonly string[], expectFunctions: number): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, FUNCTIONS_WORKER_RUNTIME: 'node' },
    encoding: 'utf8',
  });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`cold start process failed: ${result.stderr}`);
  if (expectFunctions > 0) {
    const line = result.stdout.split('\n').find((l) => l.startsWith('REGISTRATIONS='));
    const registered = line === undefined ? [] : (JSON.parse(line.slice(14)) as unknown[]);
    if (registered.length !== expectFunctions) {
      throw new Error(
        `${String(registered.length)} of ${String(expectFunctions)} functions registered`,
      );
    }
  }
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function profileLoad(script: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'bench-cpuprof-'));
  try {
    execFileSync(
      process.execPath,
      ['--cpu-prof', '--cpu-prof-dir', directory, '--require', FAKE_CORE, '-e', script],
      { cwd: ROOT, env: { ...process.env, FUNCTIONS_WORKER_RUNTIME: 'node' }, stdio: 'ignore' },
    );
    return loadTimeByPackage(directory)
      .slice(0, 7)
      .map((entry) => `${entry.owner} ${String(Math.round(entry.ms))} ms`)
      .join(', ');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export function coldStart(context: BenchContext): Promise<Figure[]> {
  context.log('  npm run build (tsc -p tsconfig.build.json)');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  const files = readdirSync(FUNCTIONS_DIRECTORY)
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => join(FUNCTIONS_DIRECTORY, name));
  const script = loadScript(files);
  const runs = context.profile.coldStartRuns;
  context.log(
    `  ${String(runs)} × (node -e 0, load main with ${String(files.length)} functions), interleaved`,
  );
  const bare: number[] = [];
  const app: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    bare.push(timeProcess(['-e', '0'], 0));
    app.push(timeProcess(['--require', FAKE_CORE, '-e', script], files.length));
  }
  const bareMedian = median(bare);
  const appMedian = median(app);
  const above = appMedian - bareMedian;
  const profile = profileLoad(script);
  return Promise.resolve([
    atMost(
      {
        scenario: SCENARIO,
        figure: 'load main, median above bare node',
        value: round(above, 0),
        unit: 'ms',
        detail: `median ${String(round(appMedian, 0))} ms vs node -e 0 ${String(round(bareMedian, 0))} ms (${String(runs)} fresh processes each)`,
      },
      TARGET_ABOVE_BARE_IN_MS,
      `≤ ${String(TARGET_ABOVE_BARE_IN_MS)} ms`,
    ),
    reported({
      scenario: SCENARIO,
      figure: 'load main, median / bare node',
      value: round(appMedian / bareMedian, 2),
      unit: '×',
      detail: `load time by package (--cpu-prof, one run; a package includes what it loads): ${profile}`,
    }),
    reported({
      scenario: SCENARIO,
      figure: 'load main, median (absolute)',
      value: round(appMedian, 0),
      unit: 'ms',
    }),
  ]);
}
