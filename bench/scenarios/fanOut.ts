/**
 * Scenario 7: the fan-out across instances. The syncDispatch timer's work (one message per
 * environment and table on the dataverse-sync-jobs queue, in Azurite) and the syncJob
 * function's work on stand-in instances (QueueHost with the repository's host.json settings,
 * each instance with a runtime of its own, as separate processes would have): 50 environments
 * × 3 tables, a first full load each time, drained once by 4 instances and once by 1. Every
 * mirror partition must hold as many rows as its source table, or the scenario fails.
 *
 * The 4-instance run goes first: whatever the process gains from warming up then favours the
 * single instance, so the speed-up is, if anything, understated.
 *
 * The speed-up is reported without a target. A job waits about 1 s on the modelled Dataverse
 * (EXPORT_LATENCY, mostly its metadata reads) but also costs about a third of a second of CPU
 * here (its mirror's point reads and transactions, on the client and in Azurite), and every
 * stand-in instance shares this process and this machine. Sixteen jobs in flight would need
 * about four cores; a bench machine has two, shared with whatever else runs, so the drain is
 * bound by local CPU rather than by the waits separate instances would overlap. A slower model
 * would make it I/O bound, but a single instance (4 jobs in flight) would then need minutes.
 * The CPU figures show how close each drain came to the machine's bound.
 */
import { availableParallelism } from 'node:os';

import type { TestBed } from '@dataverse-s2s/testbed';

import { createRuntime, type Runtime } from '../../src/lib/runtime';
import { silentLogger } from '../../src/lib/util';
import { type BenchContext, count } from '../support/context';
import {
  FAN_OUT_ENVIRONMENTS,
  FAN_OUT_TABLES,
  fanOutEnvironmentNames,
  fanOutSettings,
} from '../support/fanOut';
import { type Figure, reported, round } from '../support/figures';
import { deleteMirrors, forgetSyncState, mirrorCountMismatches } from '../support/mirrorCounts';
import { type CpuUse, cpuUsedBetween, createCpuMeter, describeCpuUse } from '../support/processCpu';
import { EXPORT_LATENCY } from '../support/profile';
import {
  drainQueue,
  type DrainResult,
  hostQueueSettings,
  jobQueueLength,
  jobsInFlightPerInstance,
} from '../support/queueConsumers';

const SCENARIO = '7 fan-out';
const JOBS = FAN_OUT_ENVIRONMENTS * FAN_OUT_TABLES.length;
/** Measured in this order: see the file comment. */
const INSTANCE_COUNTS = [4, 1] as const;
/** Only a guard against a hang: a drain takes about a minute. */
const DRAIN_TIMEOUT_IN_MS = 300_000;

/** One dispatch and its drain by `instances` stand-in instances. */
interface Measurement {
  readonly instances: number;
  readonly dispatchInMs: number;
  readonly drain: DrainResult;
  readonly cpu: CpuUse;
  /** Requests the simulated environments answered during the drain. */
  readonly dataverseRequests: number;
}

async function runtimeFor(bed: TestBed, prefix: string): Promise<Runtime> {
  return await createRuntime({ source: fanOutSettings(bed, prefix), logger: silentLogger });
}

function connectionStringOf(bed: TestBed): string {
  const connectionString = bed.azurite?.connectionString;
  if (connectionString === undefined) throw new Error('the fan-out scenario needs Azurite');
  return connectionString;
}

function dataverseRequests(bed: TestBed, environments: readonly string[]): number {
  return environments.reduce(
    (sum, name) => sum + bed.dataverse.environment(name).requests.length,
    0,
  );
}

function sourceRows(bed: TestBed, environments: readonly string[]): number {
  return environments.reduce(
    (sum, name) =>
      sum +
      FAN_OUT_TABLES.reduce(
        (rows, table) => rows + bed.dataverse.environment(name).table(table).count(),
        0,
      ),
    0,
  );
}

function meanJobInMs(drain: DrainResult): number {
  return drain.jobs.reduce((sum, job) => sum + job.elapsedInMs, 0) / drain.jobs.length;
}

/** Fails the scenario unless every job synced, the queue is empty and every mirror is whole. */
async function verify(bed: TestBed, prefix: string, drain: DrainResult): Promise<void> {
  const notSynced = drain.jobs.filter((job) => job.outcome !== 'synced');
  if (notSynced.length > 0) {
    const shown = notSynced.slice(0, 5).map((job) => `${job.job} ${job.outcome}`);
    throw new Error(`${String(notSynced.length)} job(s) did not sync: ${shown.join(', ')}`);
  }
  const left = await jobQueueLength(connectionStringOf(bed));
  if (left !== 0) throw new Error(`${String(left)} message(s) left on the queue after the drain`);
  const mismatches = await mirrorCountMismatches(
    bed,
    prefix,
    fanOutEnvironmentNames(),
    FAN_OUT_TABLES,
  );
  if (mismatches.length > 0) {
    const shown = mismatches
      .slice(0, 5)
      .map((m) => `${m.environment}/${m.table} ${String(m.mirror)} of ${String(m.source)} rows`);
    throw new Error(
      `${String(mismatches.length)} mirror(s) differ from their source: ${shown.join(', ')}`,
    );
  }
}

async function measure(
  context: BenchContext,
  dispatcher: Runtime,
  instances: number,
): Promise<Measurement> {
  const { bed } = context;
  const environments = fanOutEnvironmentNames();
  const prefix = `fanx${String(instances)}`;
  await forgetSyncState(bed, environments, FAN_OUT_TABLES);
  if ((await jobQueueLength(connectionStringOf(bed))) !== 0) {
    throw new Error('the job queue is not empty before the dispatch');
  }
  // Built before the clock starts: an instance reads its credential once, at start-up.
  const runtimes = await Promise.all(
    Array.from({ length: instances }, () => runtimeFor(bed, prefix)),
  );

  const dispatchBegan = performance.now();
  const dispatched = await dispatcher.jobs.dispatch(silentLogger);
  const dispatchInMs = performance.now() - dispatchBegan;
  if (dispatched !== JOBS) {
    throw new Error(`dispatched ${String(dispatched)} jobs, not ${String(JOBS)}`);
  }

  const meter = createCpuMeter();
  const requestsBefore = dataverseRequests(bed, environments);
  const before = meter.sample();
  const drain = await drainQueue({
    connectionString: connectionStringOf(bed),
    runtimes,
    host: hostQueueSettings(),
    jobs: JOBS,
    timeoutInMs: DRAIN_TIMEOUT_IN_MS,
  });
  const cpu = cpuUsedBetween(before, meter.sample());
  const requests = dataverseRequests(bed, environments) - requestsBefore;

  await verify(bed, prefix, drain);
  await deleteMirrors(bed, prefix, FAN_OUT_TABLES);
  context.log(
    `  ${String(instances)} instance(s): dispatch ${String(Math.round(dispatchInMs))} ms; drained in ${String(round(drain.elapsedInMs / 1000, 1))} s, jobs per instance ${drain.completedPerInstance.join('/')}, mean job ${String(Math.round(meanJobInMs(drain)))} ms; CPU ${describeCpuUse(cpu)}; row counts of all ${String(JOBS)} mirrors match their sources`,
  );
  return { instances, dispatchInMs, drain, cpu, dataverseRequests: requests };
}

function figures(context: BenchContext, many: Measurement, one: Measurement): Figure[] {
  const perInstance = jobsInFlightPerInstance(hostQueueSettings());
  const seconds = (m: Measurement): number => round(m.drain.elapsedInMs / 1000, 1);
  const jobsPerSecond = (m: Measurement): number => round((JOBS * 1000) / m.drain.elapsedInMs, 1);
  const rows = sourceRows(context.bed, fanOutEnvironmentNames());
  // What a job waits on Dataverse if its requests run one after another, as the engine's do.
  const waitPerJobInMs =
    (one.dataverseRequests * EXPORT_LATENCY.perRequestMs + rows * EXPORT_LATENCY.perRowMs) / JOBS;
  const cpuPerJobInMs = (one.cpu.selfInMs + (one.cpu.azuriteInMs ?? 0)) / JOBS;
  const cores = availableParallelism();
  // The 4-instance run dispatched first, on a dispatcher that had not sent anything yet.
  const firstDispatch = many.dispatchInMs;
  const warmDispatch = one.dispatchInMs;
  return [
    reported({
      scenario: SCENARIO,
      figure: `drain ${String(JOBS)} jobs: speed-up, 4 instances vs 1`,
      value: round(one.drain.elapsedInMs / many.drain.elapsedInMs, 2),
      unit: '×',
      detail: `1 instance ${String(seconds(one))} s vs 4 instances ${String(seconds(many))} s (up to ${String(perInstance)} vs ${String(4 * perInstance)} jobs in flight); mean job ${String(Math.round(meanJobInMs(one.drain)))} ms vs ${String(Math.round(meanJobInMs(many.drain)))} ms`,
    }),
    reported({
      scenario: SCENARIO,
      figure: `drain ${String(JOBS)} jobs, 1 instance`,
      value: seconds(one),
      unit: 's',
      detail: `${String(jobsPerSecond(one))} jobs/s; CPU ${describeCpuUse(one.cpu)}`,
    }),
    reported({
      scenario: SCENARIO,
      figure: `drain ${String(JOBS)} jobs, 4 instances`,
      value: seconds(many),
      unit: 's',
      detail: `${String(jobsPerSecond(many))} jobs/s, jobs per instance ${many.drain.completedPerInstance.join('/')}; CPU ${describeCpuUse(many.cpu)}`,
    }),
    reported({
      scenario: SCENARIO,
      figure: 'CPU per job (instances, simulator and Azurite), 1-instance run',
      value: Math.round(cpuPerJobInMs),
      unit: 'ms',
      detail: `vs ${String(Math.round(waitPerJobInMs))} ms of modelled Dataverse wait per job (${String(round(one.dataverseRequests / JOBS, 1))} requests, ${count(Math.round(rows / JOBS))} rows); on ${String(cores)} cores no drain here beats ${String(JOBS)} × CPU / cores = ${String(round((JOBS * cpuPerJobInMs) / cores / 1000, 1))} s`,
    }),
    reported({
      scenario: SCENARIO,
      figure: `dispatch of ${String(JOBS)} messages (warm dispatcher)`,
      value: Math.round(warmDispatch),
      unit: 'ms',
      detail: `${String(round(warmDispatch / JOBS, 2))} ms per message; the run's first dispatch (queue check, new connections) took ${String(Math.round(firstDispatch))} ms`,
    }),
  ];
}

export async function fanOut(context: BenchContext): Promise<Figure[]> {
  const { bed } = context;
  // The Azure SDK reads the managed-identity endpoint from process.env itself.
  Object.assign(process.env, bed.processEnvironment());
  context.log(
    `  ${String(FAN_OUT_ENVIRONMENTS)} environments × ${FAN_OUT_TABLES.join(', ')}, ${String(EXPORT_LATENCY.perRequestMs)} ms + ${String(EXPORT_LATENCY.perRowMs)} ms/row; first full load into Azurite tables; host.json: ${String(jobsInFlightPerInstance(hostQueueSettings()))} jobs in flight per instance`,
  );
  const dispatcher = await runtimeFor(bed, 'fanxdispatch');
  const measured: Measurement[] = [];
  for (const instances of INSTANCE_COUNTS) {
    measured.push(await measure(context, dispatcher, instances));
  }
  const many = measured.find((m) => m.instances === 4);
  const one = measured.find((m) => m.instances === 1);
  if (many === undefined || one === undefined) throw new Error('a run is missing');
  return figures(context, many, one);
}
