/**
 * The request and response shapes that flow through the pipeline steps. They are our own plain
 * objects: nothing from axios (whose errors and responses carry config.headers, i.e. the bearer
 * token) ever leaves the transport.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** State of one logical call across all its attempts (retries, token refresh). */
export interface CallContext {
  /** Operation name for errors and logs, e.g. "WhoAmI", "query page". */
  readonly step: string;
  /** x-ms-client-request-id sent on every attempt of this call. */
  clientRequestId: string;
  /** Clock time (ms) after which no further attempt starts. */
  deadlineAt: number;
  attempts: number;
  /** Set once the bearer step forced a token refresh after a 401 (at most once per call). */
  tokenRefreshed: boolean;
  /** Why the retry loop stopped retrying, for the final error's message. */
  gaveUp: 'deadline' | 'maxRetries' | undefined;
  throttledWaitInMs: number;
}

export interface DataverseRequest {
  readonly method: HttpMethod;
  /** Absolute URL on the environment's origin. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The caller's signal, or the per-attempt signal once the timeout step has run. */
  readonly signal: AbortSignal | undefined;
  readonly call: CallContext;
}

export interface DataverseResponse {
  readonly status: number;
  /** Lower-cased header names; multi-valued headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
}

export type SendRequest = (request: DataverseRequest) => Promise<DataverseResponse>;

/** One cross-cutting concern: looks at or changes the request, calls `next`, looks at the result. */
export interface PipelineStep {
  readonly name: string;
  send(request: DataverseRequest, next: SendRequest): Promise<DataverseResponse>;
}

/**
 * A request that got no HTTP response: network failure or our own per-attempt timeout.
 * Carries only a Node/axios error code and a message we composed: never the axios error.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Code TransportError uses when our per-attempt timeout fired. */
export const REQUEST_TIMEOUT_CODE = 'REQUEST_TIMEOUT';

/** Path of a URL for messages and logs: no query (skip tokens are long; links may be stored). */
export function describeTarget(request: Pick<DataverseRequest, 'method' | 'url'>): string {
  let path = request.url;
  try {
    path = new URL(request.url).pathname;
  } catch {
    // Keep the raw value: it was built by us, not supplied by a user.
  }
  return `${request.method} ${path}`;
}
