import { type DequeuedMessageItem, QueueClient } from '@azure/storage-queue';

import type { QueueHostEvent, QueueHostOptions } from './types';

const HOST_MESSAGE_LEASE_SECONDS = 600;
const MIN_POLL_DELAY_IN_MS = 100;

/**
 * A stand-in for the Functions host's queue listener (the host cannot run on these machines),
 * following its documented and coded semantics (reference: queues-scale-and-postgres.md §1,
 * azure-sdk-for-net Microsoft.Azure.WebJobs.Extensions.Storage.Common QueueListener /
 * QueueProcessor):
 * - fetches up to batchSize messages whenever in-flight ≤ newBatchThreshold; when the queue is
 *   empty, waits with a randomised backoff from 100 ms up to maxPollingInterval;
 * - keeps a received message invisible while its function runs, renewing the visibility at half
 *   the lease;
 * - success deletes the message; failure makes it visible again after visibilityTimeout, or,
 *   once dequeueCount reached maxDequeueCount, copies it to `<queue>-poison` (created if
 *   missing) and deletes it; a message received with dequeueCount above the maximum, or whose
 *   base64 body does not decode, goes to poison without running;
 * - the body reaches the handler as the Node worker passes it: parsed when JSON.
 * Several instances on one queue stand in for several Flex Consumption instances. `kill()` is
 * a crash: in-flight work is aborted, nothing is completed or renewed, messages reappear.
 */
export class QueueHost {
  readonly name: string;
  readonly events: QueueHostEvent[] = [];
  private readonly queue: QueueClient;
  private readonly poison: QueueClient;
  private readonly batchSize: number;
  private readonly newBatchThreshold: number;
  private readonly maxDequeueCount: number;
  private readonly leaseSeconds: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly killed = new AbortController();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: QueueHostOptions) {
    this.name = options.name ?? 'instance';
    this.queue = new QueueClient(options.connectionString, options.queueName);
    this.poison = new QueueClient(options.connectionString, `${options.queueName}-poison`);
    this.batchSize = options.batchSize ?? 16;
    this.newBatchThreshold = options.newBatchThreshold ?? Math.floor(this.batchSize / 2);
    this.maxDequeueCount = options.maxDequeueCount ?? 5;
    this.leaseSeconds = Math.max(1, options.messageLeaseSeconds ?? HOST_MESSAGE_LEASE_SECONDS);
  }

  /** Starts listening (creates the queue if missing, as the host does). */
  async start(): Promise<void> {
    await this.queue.createIfNotExists();
    this.running = true;
    this.loop = this.listen();
  }

  /** Graceful stop: no new fetch; waits for running functions to finish and settle. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** A crash: aborts running functions; their messages are left to reappear. */
  async kill(): Promise<void> {
    this.running = false;
    this.killed.abort(new Error(`${this.name} was killed`));
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Read through a call: stop() may flip it while the loop awaits a fetch. */
  private isRunning(): boolean {
    return this.running;
  }

  /** Functions running now on this instance. */
  get busy(): number {
    return this.inFlight.size;
  }

  private async listen(): Promise<void> {
    let delay = MIN_POLL_DELAY_IN_MS;
    const maxDelay = this.options.maxPollingIntervalInMs ?? 60_000;
    while (this.running) {
      if (this.inFlight.size > this.newBatchThreshold) {
        await Promise.race([...this.inFlight, this.sleep(maxDelay)]);
        continue;
      }
      let received: DequeuedMessageItem[] = [];
      try {
        const response = await this.queue.receiveMessages({
          numberOfMessages: this.batchSize,
          visibilityTimeout: this.leaseSeconds,
        });
        received = response.receivedMessageItems;
      } catch {
        // Storage briefly unavailable: the host logs and polls again later.
      }
      if (!this.isRunning()) {
        // Stopped while fetching: what was received reappears after its lease, as on a host
        // that shuts down between receive and dispatch.
        return;
      }
      if (received.length === 0) {
        delay = Math.min(maxDelay, delay * 2);
        await this.sleep(MIN_POLL_DELAY_IN_MS + Math.random() * (delay - MIN_POLL_DELAY_IN_MS));
        continue;
      }
      delay = MIN_POLL_DELAY_IN_MS;
      for (const message of received) {
        const work = this.process(message).finally(() => {
          this.inFlight.delete(work);
          this.wake?.();
        });
        this.inFlight.add(work);
      }
    }
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private decode(text: string): string | undefined {
    if (this.options.messageEncoding === 'none') return text;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
    return Buffer.from(text, 'base64').toString('utf8');
  }

  private record(
    kind: QueueHostEvent['kind'],
    message: DequeuedMessageItem,
    body: string,
    error?: unknown,
  ): void {
    this.events.push({
      instance: this.name,
      kind,
      id: message.messageId,
      dequeueCount: message.dequeueCount,
      body,
      ...(error === undefined
        ? {}
        : { error: error instanceof Error ? error.message : JSON.stringify(error) }),
    });
  }

  private async process(message: DequeuedMessageItem): Promise<void> {
    const decoded = this.decode(message.messageText);
    if (decoded === undefined || message.dequeueCount > this.maxDequeueCount) {
      await this.moveToPoison(message, decoded ?? message.messageText).catch((error: unknown) => {
        this.record('abandoned', message, decoded ?? message.messageText, error);
      });
      return;
    }
    let popReceipt = message.popReceipt;
    // Renewal: the host extends the visibility while the function runs (every half lease).
    // Each renewal returns a new pop receipt; settling waits for the last one in flight, or it
    // would delete with a receipt the service has just replaced (PopReceiptMismatch).
    let renewing = Promise.resolve();
    const renewal = setInterval(
      () => {
        if (this.killed.signal.aborted) return;
        renewing = renewing.then(() =>
          this.queue
            .updateMessage(message.messageId, popReceipt, undefined, this.leaseSeconds)
            .then((updated) => {
              if (updated.popReceipt !== undefined) popReceipt = updated.popReceipt;
            })
            .catch(() => undefined),
        );
      },
      (this.leaseSeconds * 1000) / 2,
    );
    let failure: unknown;
    let failed = false;
    try {
      await this.options.handler(parseBody(decoded), {
        id: message.messageId,
        dequeueCount: message.dequeueCount,
        signal: this.killed.signal,
      });
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      clearInterval(renewal);
      await renewing;
    }
    if (this.killed.signal.aborted) {
      this.record('abandoned', message, decoded);
      return;
    }
    try {
      await this.settle(message, popReceipt, decoded, failed, failure);
    } catch (error) {
      // The host's listener logs a failed delete/update and goes on: the message was taken
      // over (its lease ran out and another instance received it: PopReceiptMismatch) or is
      // gone. It reappears or has been handled elsewhere; this instance forgets it.
      this.record('abandoned', message, decoded, error);
    }
  }

  private async settle(
    message: DequeuedMessageItem,
    popReceipt: string,
    decoded: string,
    failed: boolean,
    failure: unknown,
  ): Promise<void> {
    if (!failed) {
      await this.queue.deleteMessage(message.messageId, popReceipt);
      this.record('completed', message, decoded);
      return;
    }
    if (message.dequeueCount >= this.maxDequeueCount) {
      await this.moveToPoison({ ...message, popReceipt }, decoded, failure);
      return;
    }
    const retryDelaySeconds = Math.ceil((this.options.retryDelayInMs ?? 0) / 1000);
    await this.queue.updateMessage(message.messageId, popReceipt, undefined, retryDelaySeconds);
    this.record('failed', message, decoded, failure);
  }

  private async moveToPoison(
    message: DequeuedMessageItem,
    body: string,
    failure?: unknown,
  ): Promise<void> {
    await this.poison.createIfNotExists();
    await this.poison.sendMessage(message.messageText);
    await this.queue.deleteMessage(message.messageId, message.popReceipt);
    this.record('poisoned', message, body, failure);
  }
}

/** The Node worker hands the trigger a parsed object when the body is JSON. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
