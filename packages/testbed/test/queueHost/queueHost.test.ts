import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningAzurite, startAzurite } from '../../src/azurite';
import type { QueueHandler, QueueHostOptions } from '../../src/queueHost';
import { QueueHost } from '../../src/queueHost';

/**
 * The queue-listener stand-in against Azurite's real queue service: the host's documented
 * semantics (completion, retry after visibilityTimeout, poison after maxDequeueCount, base64,
 * a crashed instance's message reappearing) are what the app's queue tests rely on.
 */
let azurite: RunningAzurite;
let queueCounter = 0;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

function newQueue(): { name: string; client: QueueClient; poison: QueueClient } {
  queueCounter += 1;
  const name = `jobs-${String(queueCounter)}`;
  return {
    name,
    client: new QueueClient(azurite.connectionString, name),
    poison: new QueueClient(azurite.connectionString, `${name}-poison`),
  };
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function host(
  queueName: string,
  handler: QueueHandler,
  options: Partial<QueueHostOptions> = {},
): QueueHost {
  return new QueueHost({
    connectionString: azurite.connectionString,
    queueName,
    handler,
    maxPollingIntervalInMs: 200,
    messageLeaseSeconds: 2,
    maxDequeueCount: 3,
    ...options,
  });
}

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutInMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function count(queue: QueueClient): Promise<number> {
  if (!(await queue.exists())) return 0;
  return (await queue.getProperties()).approximateMessagesCount ?? 0;
}

describe('QueueHost: the Functions host queue semantics on Azurite', () => {
  it('hands the handler the parsed JSON body and deletes the message on success', async () => {
    const queue = newQueue();
    await queue.client.create();
    await queue.client.sendMessage(base64('{"environment":"contoso","table":"account"}'));
    const bodies: unknown[] = [];
    const instance = host(queue.name, (body) => {
      bodies.push(body);
      return Promise.resolve();
    });
    await instance.start();
    await until(() => instance.events.length === 1);
    await instance.stop();

    expect(bodies).toEqual([{ environment: 'contoso', table: 'account' }]);
    expect(instance.events[0]).toMatchObject({ kind: 'completed', dequeueCount: 1 });
    expect(await count(queue.client)).toBe(0);
  });

  it('retries a failing message with a rising dequeueCount, then moves it to <queue>-poison', async () => {
    const queue = newQueue();
    await queue.client.create();
    await queue.client.sendMessage(base64('"always fails"'));
    const counts: number[] = [];
    const instance = host(queue.name, (_body, delivery) => {
      counts.push(delivery.dequeueCount);
      return Promise.reject(new Error('boom'));
    });
    await instance.start();
    await until(() => instance.events.some((event) => event.kind === 'poisoned'));
    await instance.stop();

    expect(counts).toEqual([1, 2, 3]);
    expect(instance.events.map((event) => event.kind)).toEqual(['failed', 'failed', 'poisoned']);
    expect(await count(queue.client)).toBe(0);
    const [poisoned] = (await queue.poison.receiveMessages()).receivedMessageItems;
    expect(Buffer.from(poisoned?.messageText ?? '', 'base64').toString('utf8')).toBe(
      '"always fails"',
    );
  });

  it('waits visibilityTimeout before a failed message is visible again', async () => {
    const queue = newQueue();
    await queue.client.create();
    await queue.client.sendMessage(base64('1'));
    const seenAt: number[] = [];
    const instance = host(
      queue.name,
      () => {
        seenAt.push(Date.now());
        return seenAt.length === 1 ? Promise.reject(new Error('once')) : Promise.resolve();
      },
      { retryDelayInMs: 2000 },
    );
    await instance.start();
    await until(() => instance.events.some((event) => event.kind === 'completed'));
    await instance.stop();
    expect((seenAt[1] ?? 0) - (seenAt[0] ?? 0)).toBeGreaterThanOrEqual(1900);
  });

  it('poisons a body that is not base64 without running the handler', async () => {
    const queue = newQueue();
    await queue.client.create();
    await queue.client.sendMessage('not base64 at all!');
    let ran = false;
    const instance = host(queue.name, () => {
      ran = true;
      return Promise.resolve();
    });
    await instance.start();
    await until(() => instance.events.length === 1);
    await instance.stop();
    expect(ran).toBe(false);
    expect(instance.events[0]?.kind).toBe('poisoned');
    expect(await count(queue.poison)).toBe(1);
  });

  it("a killed instance's message reappears after its lease and another instance completes it", async () => {
    const queue = newQueue();
    await queue.client.create();
    await queue.client.sendMessage(base64('"job"'));
    let started = false;
    const crashing = host(queue.name, async (_body, delivery) => {
      started = true;
      await new Promise((resolve) => {
        delivery.signal.addEventListener('abort', resolve);
      });
    });
    await crashing.start();
    await until(() => started);
    await crashing.kill();
    expect(crashing.events.map((event) => event.kind)).toEqual(['abandoned']);

    const counts: number[] = [];
    const survivor = host(queue.name, (_body, delivery) => {
      counts.push(delivery.dequeueCount);
      return Promise.resolve();
    });
    await survivor.start();
    await until(() => survivor.events.length === 1);
    await survivor.stop();
    expect(counts).toEqual([2]);
    expect(await count(queue.client)).toBe(0);
  });

  it('keeps a long-running message invisible by renewing it (no second delivery meanwhile)', async () => {
    const queue = newQueue();
    await queue.client.create();
    await queue.client.sendMessage(base64('"slow"'));
    let deliveries = 0;
    const handler: QueueHandler = async () => {
      deliveries += 1;
      await new Promise((resolve) => setTimeout(resolve, 5000)); // 2.5 leases
    };
    const first = host(queue.name, handler, { name: 'a' });
    const second = host(queue.name, handler, { name: 'b' });
    await Promise.all([first.start(), second.start()]);
    await until(() => first.events.length + second.events.length === 1, 20_000);
    await Promise.all([first.stop(), second.stop()]);
    expect(deliveries).toBe(1);
  });
});
