/** How a message was delivered, as the Functions host tells the function (triggerMetadata). */
export interface QueueDelivery {
  readonly id: string;
  /** 1 on the first delivery; rises on every receive, across instances. */
  readonly dequeueCount: number;
  /**
   * Aborted when this stand-in instance is killed: the work should stop as a dying process's
   * would (the message is then neither completed nor retried: it reappears when its
   * visibility lapses).
   */
  readonly signal: AbortSignal;
}

/**
 * The function: resolves to complete the message, throws to fail it. Receives the body as the
 * Node worker does: parsed when it is JSON, the string otherwise.
 */
export type QueueHandler = (body: unknown, delivery: QueueDelivery) => Promise<void>;

export interface QueueHostOptions {
  /** A storage connection string (Azurite's). */
  readonly connectionString: string;
  readonly queueName: string;
  readonly handler: QueueHandler;
  /** Names this instance in events. Default `instance`. */
  readonly name?: string;
  /** host.json extensions.queues.batchSize. Default 16. */
  readonly batchSize?: number;
  /** host.json newBatchThreshold: fetch again when in-flight ≤ this. Default batchSize / 2. */
  readonly newBatchThreshold?: number;
  /** host.json maxDequeueCount. Default 5. */
  readonly maxDequeueCount?: number;
  /** host.json visibilityTimeout: delay before a failed message is visible again. Default 0. */
  readonly retryDelayInMs?: number;
  /** host.json maxPollingInterval. Default 60 s; tests use far less. */
  readonly maxPollingIntervalInMs?: number;
  /**
   * How long a received message stays invisible while its function runs. The host fixes it at
   * 10 minutes and renews it every half of that; tests shorten it to see a killed instance's
   * message reappear in seconds. Whole seconds (the Queue service's unit), at least 1.
   */
  readonly messageLeaseSeconds?: number;
  /** host.json messageEncoding. Default base64. */
  readonly messageEncoding?: 'base64' | 'none';
}

/** What happened to a message on this instance (for assertions and demo output). */
export interface QueueHostEvent {
  readonly instance: string;
  /**
   * `abandoned`: the instance was killed mid-run, or could not settle the message (another
   * instance took it over); either way it reappears or was handled elsewhere.
   */
  readonly kind: 'completed' | 'failed' | 'poisoned' | 'abandoned';
  readonly id: string;
  readonly dequeueCount: number;
  /** The decoded body as text. */
  readonly body: string;
  readonly error?: string;
}
