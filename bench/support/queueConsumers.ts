import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { QueueClient } from '@azure/storage-queue';
import { QueueHost, type QueueHostOptions } from '@dataverse-s2s/testbed';

import type { Runtime } from '../../src/lib/runtime';
import { SYNC_QUEUE_NAME } from '../../src/lib/settings';
import { silentLogger } from '../../src/lib/util';

/** host.json `extensions.queues`, as QueueHost takes it. */
export type HostQueueSettings = Pick<
  QueueHostOptions,
  'batchSize' | 'newBatchThreshold' | 'maxDequeueCount' | 'maxPollingIntervalInMs'
>;

/** "hh:mm:ss" (host.json's TimeSpan) in ms. */
function timeSpanInMs(value: string): number {
  const parts = value.split(':').map(Number);
  if (parts.length !== 3 || parts.some((part) => !Number.isFinite(part))) {
    throw new Error(`host.json: "${value}" is not a hh:mm:ss duration`);
  }
  const [hours = 0, minutes = 0, seconds = 0] = parts;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * The queue listener settings the app deploys with (the repository's host.json), so the
 * stand-in instances take as many messages at once as real ones would; the host's own
 * defaults apply to whatever host.json leaves out.
 */
export function hostQueueSettings(): HostQueueSettings {
  const path = join(__dirname, '..', '..', 'host.json');
  const host = JSON.parse(readFileSync(path, 'utf8')) as {
    extensions?: { queues?: Record<string, unknown> };
  };
  const queues = host.extensions?.queues ?? {};
  const { batchSize, newBatchThreshold, maxDequeueCount, maxPollingInterval } = queues;
  return {
    ...(typeof batchSize === 'number' ? { batchSize } : {}),
    ...(typeof newBatchThreshold === 'number' ? { newBatchThreshold } : {}),
    ...(typeof maxDequeueCount === 'number' ? { maxDequeueCount } : {}),
    ...(typeof maxPollingInterval === 'string'
      ? { maxPollingIntervalInMs: timeSpanInMs(maxPollingInterval) }
      : {}),
  };
}

/** Jobs one instance runs at once: the host fetches again while in-flight ≤ newBatchThreshold. */
export function jobsInFlightPerInstance(settings: HostQueueSettings): number {
  const batchSize = settings.batchSize ?? 16;
  return batchSize + (settings.newBatchThreshold ?? Math.floor(batchSize / 2));
}

/** One job as the handler saw it. */
export interface JobRecord {
  readonly instance: string;
  readonly job: string;
  readonly outcome: string;
  readonly elapsedInMs: number;
}

/** What a pool did until the queue was drained. */
export interface DrainResult {
  readonly elapsedInMs: number;
  readonly jobs: readonly JobRecord[];
  /** Messages the listeners completed, per instance. */
  readonly completedPerInstance: readonly number[];
}

const POLL_INTERVAL_IN_MS = 20;

/**
 * Stand-in Flex Consumption instances, one QueueHost per runtime, each running the syncJob
 * function's body (`runtime.jobs.handle`) for the messages it takes. `drain` starts them all,
 * waits until `jobs` messages are completed, and stops them; a failed or poisoned message
 * fails the drain at once instead of waiting for its retries.
 */
export async function drainQueue(input: {
  readonly connectionString: string;
  readonly runtimes: readonly Runtime[];
  readonly host: HostQueueSettings;
  readonly jobs: number;
  readonly timeoutInMs: number;
}): Promise<DrainResult> {
  const records: JobRecord[] = [];
  const hosts = input.runtimes.map((runtime, index) => {
    const name = `instance-${String(index + 1)}`;
    return new QueueHost({
      connectionString: input.connectionString,
      queueName: SYNC_QUEUE_NAME,
      name,
      ...input.host,
      handler: async (body, delivery) => {
        const began = performance.now();
        const result = await runtime.jobs.handle(body, {
          dequeueCount: delivery.dequeueCount,
          logger: silentLogger,
          signal: delivery.signal,
        });
        // Every bench job is configured, so none is dropped as unknown.
        if (result === undefined) throw new Error('a bench job was dropped as not configured');
        records.push({
          instance: name,
          job: `${result.environment}/${result.table}`,
          outcome: result.outcome,
          elapsedInMs: performance.now() - began,
        });
      },
    });
  });
  const began = performance.now();
  try {
    await Promise.all(hosts.map((host) => host.start()));
    const deadline = began + input.timeoutInMs;
    for (;;) {
      const events = hosts.flatMap((host) => host.events);
      const bad = events.find((event) => event.kind !== 'completed');
      if (bad !== undefined) {
        throw new Error(
          `${bad.instance}: job ${bad.body} ${bad.kind} (attempt ${String(bad.dequeueCount)}): ${bad.error ?? ''}`,
        );
      }
      if (events.length >= input.jobs) break;
      if (performance.now() > deadline) {
        throw new Error(
          `${String(events.length)} of ${String(input.jobs)} jobs done after ${String(input.timeoutInMs / 1000)} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_IN_MS));
    }
    return {
      elapsedInMs: performance.now() - began,
      jobs: records,
      completedPerInstance: hosts.map((host) => host.events.length),
    };
  } finally {
    await Promise.all(hosts.map((host) => host.stop()));
  }
}

/** Messages on the job queue, visible or not (0 when it does not exist yet). */
export async function jobQueueLength(connectionString: string): Promise<number> {
  const queue = new QueueClient(connectionString, SYNC_QUEUE_NAME);
  if (!(await queue.exists())) return 0;
  return (await queue.getProperties()).approximateMessagesCount ?? 0;
}
