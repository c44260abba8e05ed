/**
 * `npm run bench` (quick profile) / `npm run bench -- --full`: starts its own test bed, runs
 * every scenario, prints a table and writes bench/results/latest.json and latest.md.
 * `--only 1,4` runs a subset (while working on one scenario). Not a test: no assertions, and
 * the exit code is 0 even when a target is missed (only a scenario that crashes fails the run).
 */
import { ensureProcessTrustsTestBed, type TestBed } from '@dataverse-s2s/testbed';

import { coldStart } from './scenarios/coldStart';
import { exportThroughput } from './scenarios/exportThroughput';
import { fanOut } from './scenarios/fanOut';
import { healthStorm } from './scenarios/healthStorm';
import { memoryFlat } from './scenarios/memoryFlat';
import { throttledSync } from './scenarios/throttledSync';
import { versusDynamicsWebApi } from './scenarios/versusDynamicsWebApi';
import { startBenchBed } from './support/bed';
import type { BenchContext } from './support/context';
import type { Figure } from './support/figures';
import { profileFromArguments } from './support/profile';
import { type ScenarioFailure, writeResults } from './support/results';
import { textTable } from './support/table';

const SCENARIOS: readonly {
  id: string;
  title: string;
  run: (context: BenchContext) => Promise<Figure[]>;
}[] = [
  { id: '6', title: '6 cold start', run: coldStart },
  { id: '1', title: '1 export throughput', run: exportThroughput },
  { id: '2', title: '2 vs dynamics-web-api', run: versusDynamicsWebApi },
  { id: '3', title: '3 memory vs table size', run: memoryFlat },
  { id: '4', title: '4 throttled sync', run: throttledSync },
  { id: '5', title: '5 health polling storm', run: healthStorm },
  { id: '7', title: '7 fan-out', run: fanOut },
];

function selected(argv: readonly string[]): ReadonlySet<string> | undefined {
  const index = argv.indexOf('--only');
  const list = index >= 0 ? argv[index + 1] : undefined;
  return list === undefined ? undefined : new Set(list.split(','));
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function runAll(bed: TestBed, argv: readonly string[]): Promise<void> {
  const startedAt = new Date();
  const profile = profileFromArguments(argv);
  const only = selected(argv);
  const context: BenchContext = { bed, profile, log };
  const figures: Figure[] = [];
  const failures: ScenarioFailure[] = [];
  for (const scenario of SCENARIOS) {
    if (only !== undefined && !only.has(scenario.id)) continue;
    log(`\n=== ${scenario.title}`);
    const began = Date.now();
    try {
      figures.push(...(await scenario.run(context)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ scenario: scenario.title, error: message });
      log(`  FAILED: ${message}`);
    }
    log(`  (${String(Math.round((Date.now() - began) / 1000))} s)`);
  }
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  const path = writeResults({ profile, command, startedAt, figures, failures });
  log(`\n${textTable(figures)}\n`);
  const missed = figures.filter((f) => !f.met).length;
  log(
    `${String(missed)} target(s) missed; ${String(failures.length)} scenario(s) failed. Results: ${path}`,
  );
  if (failures.length > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  await ensureProcessTrustsTestBed();
  const argv = process.argv.slice(2);
  const profile = profileFromArguments(argv);
  log(
    `Benchmarks, ${profile.name} profile: starting the test bed (Dataverse simulator, Entra, Key Vault, Azurite)`,
  );
  const bed = await startBenchBed(profile);
  try {
    await runAll(bed, argv);
  } finally {
    await bed.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Benchmarks failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
