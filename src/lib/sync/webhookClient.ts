import { IntegrationError, isIntegrationError, sanitizeError } from '../errors';
import {
  bearerTokenStep,
  type ClientStats,
  composePipeline,
  correlationStep,
  createAxiosTransport,
  deadlineStep,
  describeTarget,
  exhaustedOutcome,
  type FailedOutcome,
  newCall,
  type PipelineOptions,
  type PipelineOptionsInput,
  type PipelineRequest,
  type PipelineResponse,
  type PipelineStep,
  redirectText,
  resolvePipelineOptions,
  retryStep,
  type SendRequest,
  StatsRecorder,
  timeoutStep,
  transientStrategy,
  typedErrorStep,
} from '../http';
import { isTransientNetworkCode, isTransientStatus, type Logger } from '../util';

/** What the webhook pipeline may tune; the defaults suit a receiver that answers in seconds. */
export type WebhookClientOptions = Omit<PipelineOptionsInput, 'name' | 'logger' | 'transient'> & {
  readonly url: string;
  /** Entra scope of the receiver (SYNC_WEBHOOK_SCOPE); requires `getToken`. */
  readonly scope?: string;
  /** Bearer token for a scope, e.g. from the managed identity credential. */
  readonly getToken?: (scope: string, signal: AbortSignal | undefined) => Promise<string>;
  readonly logger: Logger;
};

/** One POST to the receiver: what it is for (step), whose page, the body and its key. */
export interface WebhookPost {
  readonly step: string;
  readonly environment: string;
  readonly body: string;
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
}

const OWNER = 'webhook';

/**
 * The webhook's HTTP client: the shared pipeline (correlation id, typed errors, deadline,
 * retry with the one transient table, bearer token, timeout, no redirects) around the shared
 * axios transport. A receiver that answers 429/5xx is retried honouring Retry-After; a wait
 * that would pass the call's deadline (2 min) is not started, so the page stays for the next
 * run instead of idling the function.
 */
export class WebhookClient {
  private readonly send: SendRequest;
  private readonly stats_: StatsRecorder;
  private readonly closeTransport: () => void;

  constructor(private readonly options: WebhookClientOptions) {
    if (options.scope !== undefined && options.getToken === undefined) {
      throw new IntegrationError('A webhook scope needs a token provider', {
        step: 'http sink',
        hint: 'Pass getToken (managed identity) when SYNC_WEBHOOK_SCOPE is set.',
      });
    }
    const resolved = resolvePipelineOptions(OWNER, {
      retryDelayInMs: 500,
      overallDeadlineInMs: 120_000,
      ...options,
      name: OWNER,
      // A receiver's DNS (a private zone, a freshly deployed app) can lag: retry ENOTFOUND too.
      transient: { retryUnresolvedHost: true },
    });
    this.stats_ = new StatsRecorder(resolved.now);
    const transport = createAxiosTransport();
    this.closeTransport = () => {
      transport.close();
    };
    const counted: SendRequest = (request) => {
      this.stats_.requestSent();
      return transport.send(request);
    };
    this.send = composePipeline(this.steps(resolved), counted);
  }

  /** POSTs JSON until a 2xx, within the call's deadline; throws IntegrationError otherwise. */
  async post(post: WebhookPost): Promise<PipelineResponse> {
    const request: PipelineRequest = {
      method: 'POST',
      url: this.options.url,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'idempotency-key': post.idempotencyKey,
      },
      body: post.body,
      signal: post.signal,
      call: newCall(post.step, { environment: post.environment }),
    };
    const response = await this.send(request);
    const refusal = notAnAcknowledgement(response);
    if (refusal !== undefined) {
      throw new IntegrationError(
        `Webhook answered HTTP ${String(response.status)} with ${refusal}: not an acknowledgement`,
        {
          step: post.step,
          environment: post.environment,
          status: response.status,
          clientRequestId: request.call.clientRequestId,
          hint: 'A receiver acknowledges a page with a 2xx and an empty or JSON body (docs/webhook-receiver.md). An HTML page usually means a sign-in or proxy page answered instead of the receiver: point SYNC_WEBHOOK_URL at the receiver itself and let it accept the bearer token.',
        },
      );
    }
    return response;
  }

  stats(): ClientStats {
    return this.stats_.snapshot();
  }

  close(): void {
    this.closeTransport();
  }

  private steps(options: PipelineOptions): PipelineStep[] {
    const toError = (request: PipelineRequest, outcome: FailedOutcome): IntegrationError =>
      toWebhookError(request, outcome, options);
    const steps: PipelineStep[] = [
      correlationStep(OWNER, options.logger),
      typedErrorStep(toError),
      deadlineStep(options),
      retryStep(
        options,
        [transientStrategy(options, (state) => toError(state.request, exhaustedOutcome(state)))],
        this.stats_,
      ),
    ];
    const { scope, getToken } = this.options;
    if (scope !== undefined && getToken !== undefined) {
      steps.push(
        bearerTokenStep(
          async ({ signal }) => await webhookToken(scope, getToken, signal),
          OWNER,
          options.logger,
        ),
      );
    }
    steps.push(timeoutStep(options));
    return steps;
  }
}

/**
 * Why a 2xx is not an acknowledgement (docs/webhook-receiver.md: an empty or JSON body), or
 * undefined when it is one. A sign-in page answering 200 must never count as a delivery.
 */
function notAnAcknowledgement(response: PipelineResponse): string | undefined {
  const text = response.bodyText.trim();
  if (text === '') return undefined;
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    return `a ${type} body`;
  }
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return 'a body that is not JSON';
  }
}

/** The receiver's bearer token; a refusal names the scope and the fix, never the SDK error. */
async function webhookToken(
  scope: string,
  getToken: NonNullable<WebhookClientOptions['getToken']>,
  signal: AbortSignal | undefined,
): Promise<string> {
  try {
    return await getToken(scope, signal);
  } catch (error) {
    if (signal?.aborted === true || isIntegrationError(error)) throw error;
    const cause = sanitizeError(error);
    throw new IntegrationError(
      `No managed-identity token for the webhook scope ${scope}: ${cause.message}`,
      {
        step: 'webhook token',
        code: cause.code,
        hint: 'Check SYNC_WEBHOOK_SCOPE (the receiver app registration, e.g. api://<app id>/.default) and that the function app has a managed identity; for a user-assigned one, that AZURE_CLIENT_ID is its client id.',
        cause,
      },
    );
  }
}

/** The webhook's failure in the app's error family, with what the operator should check. */
function toWebhookError(
  request: PipelineRequest,
  outcome: FailedOutcome,
  options: PipelineOptions,
): IntegrationError {
  const { environment } = request.call;
  const gaveUp =
    request.call.gaveUp === undefined
      ? ''
      : ` (gave up after ${String(request.call.attempts)} attempts: ${request.call.gaveUp === 'deadline' ? "the call's deadline would pass before the next attempt" : `retry limit ${String(options.maxRetries)} reached`})`;
  if ('response' in outcome) {
    const { status } = outcome.response;
    const retryable = isTransientStatus(status);
    const redirect = status >= 300 && status < 400;
    return new IntegrationError(
      `Webhook answered HTTP ${String(status)}${redirect ? `: ${redirectText(outcome.response)}` : ''}${gaveUp}`,
      {
        step: request.call.step,
        environment,
        status,
        clientRequestId: request.call.clientRequestId,
        retryable,
        hint: redirect
          ? 'Point SYNC_WEBHOOK_URL at the final URL; a receiver behind App Service authentication must accept the bearer token (SYNC_WEBHOOK_SCOPE) instead of redirecting to a sign-in page.'
          : retryable
            ? 'The receiver is failing or throttling; the page is retried and the checkpoint waits for it.'
            : 'The receiver rejected the delivery; check its logs and the receiver contract (README, "Targets").',
      },
    );
  }
  const { code } = outcome.error;
  return new IntegrationError(`Webhook request failed: ${code}${gaveUp}`, {
    step: request.call.step,
    environment,
    code,
    clientRequestId: request.call.clientRequestId,
    retryable: isTransientNetworkCode(code, options.transient),
    hint: `Check that the webhook URL is reachable from the app (${describeTarget(request)}).`,
  });
}
