import { createHash } from 'node:crypto';

import { sanitizeError } from '../auth/sanitize';
import { parseRetryAfter } from '../dataverse/retry/retryAfter';
import { IntegrationError, isIntegrationError } from '../errors';
import type { SinkPage, SinkPageResult, SyncSink } from './types';

export interface HttpSinkOptions {
  readonly url: string;
  /** Entra scope of the receiver (ACCOUNT_SYNC_WEBHOOK_SCOPE); requires `getToken`. */
  readonly scope?: string;
  /** Bearer token for a scope, e.g. from the managed identity credential. */
  readonly getToken?: (scope: string, signal: AbortSignal) => Promise<string>;
  /** Attempts per request including the first. Default 6. */
  readonly maxAttempts?: number;
  /** First computed backoff; doubles per attempt, with jitter. Default 500 ms. */
  readonly baseDelayInMs?: number;
  /** Cap for computed backoff and for server-given Retry-After. Default 30 s. */
  readonly maxDelayInMs?: number;
  /** Per-request timeout. Default 30 s. */
  readonly timeoutInMs?: number;
  /** Replaceable for tests; must honour the signal. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Body of a page delivery. */
export interface WebhookPageBody {
  readonly environment: string;
  readonly entity: 'account';
  readonly generation: number;
  readonly round: 'full' | 'delta';
  readonly sequence: number;
  readonly upserts: SinkPage['upserts'];
  readonly deletes: readonly string[];
}

/** Body of the instruction sent after a full round completed. */
export interface WebhookSweepBody {
  readonly environment: string;
  readonly entity: 'account';
  readonly generation: number;
  /** Remove rows of `environment` whose generation is lower than `sweep.generation`. */
  readonly sweep: { readonly generation: number };
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Idempotency-Key of a page: a hash of what is delivered (environment, generation, rows,
 * deletions). A page replayed after a crash with the same content gets the same key, so a
 * receiver that remembers keys can answer without re-applying. A replay whose content changed
 * (Dataverse moved on) gets a new key on purpose: deduplicating it would drop newer rows.
 */
export function pageIdempotencyKey(page: SinkPage): string {
  const canonical = JSON.stringify([page.environment, page.generation, page.upserts, page.deletes]);
  return `account-sync-${createHash('sha256').update(canonical).digest('hex')}`;
}

/**
 * Delivers pages to a webhook as JSON POSTs. A page counts as delivered only on a 2xx answer;
 * 408, 429, 5xx (not 501/505) and network errors are retried with backoff, honouring
 * Retry-After. The receiver owns idempotency: keys repeat on replay, and rows must be applied
 * only if their versionnumber is newer (or equal with a newer generation: then only the mark).
 * Uses Node's fetch: one POST per page needs no interceptors, and it takes an AbortSignal.
 */
export class HttpSink implements SyncSink {
  readonly description: string;
  private readonly options: Required<Omit<HttpSinkOptions, 'scope' | 'getToken'>> &
    Pick<HttpSinkOptions, 'scope' | 'getToken'>;

  constructor(options: HttpSinkOptions) {
    if (options.scope !== undefined && options.getToken === undefined) {
      throw new IntegrationError('A webhook scope needs a token provider', {
        step: 'http sink',
        hint: 'Pass getToken (managed identity) when ACCOUNT_SYNC_WEBHOOK_SCOPE is set.',
      });
    }
    this.description = `webhook ${new URL(options.url).origin}`;
    this.options = {
      maxAttempts: 6,
      baseDelayInMs: 500,
      maxDelayInMs: 30_000,
      timeoutInMs: 30_000,
      sleep: abortableSleep,
      ...options,
    };
  }

  async applyPage(page: SinkPage, signal: AbortSignal): Promise<SinkPageResult> {
    const body: WebhookPageBody = {
      environment: page.environment,
      entity: 'account',
      generation: page.generation,
      round: page.roundKind,
      sequence: page.sequence,
      upserts: page.upserts,
      deletes: page.deletes,
    };
    await this.post(page.environment, body, pageIdempotencyKey(page), signal);
    // The receiver decides per row; from here every row counts as delivered.
    return { created: 0, updated: page.upserts.length, deleted: page.deletes.length, skipped: 0 };
  }

  async sweep(environment: string, generation: number, signal: AbortSignal): Promise<number> {
    const body: WebhookSweepBody = {
      environment,
      entity: 'account',
      generation,
      sweep: { generation },
    };
    const key = `account-sync-sweep-${createHash('sha256')
      .update(`${environment}\n${String(generation)}`)
      .digest('hex')}`;
    const answer = await this.post(environment, body, key, signal);
    const removed = (answer as { removed?: unknown } | undefined)?.removed;
    return typeof removed === 'number' ? removed : -1;
  }

  /** POSTs until a 2xx; returns the parsed JSON answer, if any. */
  private async post(
    environment: string,
    body: unknown,
    key: string,
    signal: AbortSignal,
  ): Promise<unknown> {
    const text = JSON.stringify(body);
    for (let attempt = 1; ; attempt += 1) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json; charset=utf-8',
        'Idempotency-Key': key,
      };
      if (this.options.scope !== undefined && this.options.getToken !== undefined) {
        headers.Authorization = `Bearer ${await this.token(environment, this.options.scope, this.options.getToken, signal)}`;
      }
      let waitInMs: number | undefined;
      let failure: IntegrationError;
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers,
          body: text,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutInMs)]),
        });
        const answer = await response.text();
        if (response.ok) return parseJson(answer);
        const retryable = isRetryableStatus(response.status);
        failure = new IntegrationError(`Webhook answered HTTP ${String(response.status)}`, {
          step: 'deliver to webhook',
          environment,
          status: response.status,
          retryable,
          hint: retryable
            ? 'The receiver is failing or throttling; the page is retried and the checkpoint waits for it.'
            : 'The receiver rejected the delivery; check its logs and the contract (docs in httpSink.ts).',
        });
        if (!retryable) throw failure;
        waitInMs = parseRetryAfter(
          response.headers.get('retry-after') ?? undefined,
          Date.now(),
          Number.POSITIVE_INFINITY,
        );
      } catch (error) {
        if (signal.aborted) throw error;
        if (isIntegrationError(error)) {
          if (!error.retryable) throw error;
          failure = error;
        } else {
          const code = networkCode(error);
          const timedOut = error instanceof Error && error.name === 'TimeoutError';
          failure = new IntegrationError(
            `Webhook request failed: ${code ?? (timedOut ? 'timeout' : 'error')}`,
            {
              step: 'deliver to webhook',
              environment,
              code,
              retryable: timedOut || (code !== undefined && NETWORK_CODES.has(code)),
              hint: 'Check that the webhook URL is reachable from the app.',
              cause: sanitizeError(error),
            },
          );
          if (!failure.retryable) throw failure;
        }
      }
      if (attempt >= this.options.maxAttempts) throw failure;
      if (waitInMs !== undefined && waitInMs > this.options.maxDelayInMs) {
        // The receiver asks for longer than a run should idle: stop; the next run retries.
        throw failure;
      }
      await this.options.sleep(waitInMs ?? this.backoff(attempt), signal);
    }
  }

  /** The receiver's bearer token; a refusal names the scope and the fix, never the SDK error. */
  private async token(
    environment: string,
    scope: string,
    getToken: NonNullable<HttpSinkOptions['getToken']>,
    signal: AbortSignal,
  ): Promise<string> {
    try {
      return await getToken(scope, signal);
    } catch (error) {
      if (signal.aborted || isIntegrationError(error)) throw error;
      const cause = sanitizeError(error);
      throw new IntegrationError(
        `No managed-identity token for the webhook scope ${scope}: ${cause.message}`,
        {
          step: 'webhook token',
          environment,
          code: cause.code,
          hint: 'Check ACCOUNT_SYNC_WEBHOOK_SCOPE (the receiver app registration, e.g. api://<app id>/.default) and that the function app has a managed identity; for a user-assigned one, that AZURE_CLIENT_ID is its client id.',
          cause,
        },
      );
    }
  }

  private backoff(attempt: number): number {
    const exponential = this.options.baseDelayInMs * 2 ** (attempt - 1);
    const jittered = exponential * (0.8 + Math.random() * 0.4);
    return Math.min(jittered, this.options.maxDelayInMs);
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function networkCode(error: unknown): string | undefined {
  // fetch wraps socket errors: TypeError('fetch failed', { cause: { code } }).
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 4; depth += 1) {
    if (typeof current !== 'object' || current === null) return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** setTimeout that rejects with the signal's reason when aborted. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
