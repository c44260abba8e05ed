import type { ResolvedClientOptions } from './options';
import { type PipelineStep, type SendRequest, TransportError } from './request';
import { throttlingStrategy, transientStrategy } from './retry/strategies';
import type { ResizableSemaphore } from './semaphore';
import type { StatsRecorder } from './stats';
import { bearerTokenStep } from './steps/bearerTokenStep';
import { concurrencyStep } from './steps/concurrencyStep';
import { correlationStep } from './steps/correlationStep';
import { failedResponseStep } from './steps/failedResponseStep';
import { retryStep } from './steps/retryStep';
import { timeoutStep } from './steps/timeoutStep';
import { toDataverseError } from './toDataverseError';

/** Chains steps around a transport; the first step is the outermost. */
export function composePipeline(
  steps: readonly PipelineStep[],
  transport: SendRequest,
): SendRequest {
  return steps.reduceRight<SendRequest>(
    (next, step) => (request) => step.send(request, next),
    transport,
  );
}

/**
 * Every Dataverse request passes these steps, outermost first:
 * 1. correlation     one x-ms-client-request-id per call; logs the final failure with both ids
 * 2. failedResponse  non-2xx / network failure → typed DataverseError
 * 3. retry           throttling (exact Retry-After, uncounted) and transient backoff, within the deadline
 * 4. bearerToken     Authorization header; one forced refresh on 401
 * 5. concurrency     per-environment semaphore sized by x-ms-dop-hint (token fetch stays outside a slot)
 * 6. timeout         per attempt, after a slot is held, combined with the caller's signal
 */
export function dataversePipeline(
  options: ResolvedClientOptions,
  semaphore: ResizableSemaphore,
  stats: StatsRecorder,
  transport: SendRequest,
): SendRequest {
  const strategies = [
    throttlingStrategy(options),
    transientStrategy(options, (state) => {
      state.request.call.gaveUp = 'maxRetries';
      return toDataverseError(
        state.request,
        state.response === undefined
          ? { error: state.error ?? new TransportError('UNKNOWN', 'no response and no error') }
          : { response: state.response },
        options,
      );
    }),
  ];
  const counted: SendRequest = (request) => {
    stats.requestSent();
    return transport(request);
  };
  return composePipeline(
    [
      correlationStep(options.environment.name, options.logger),
      failedResponseStep(options),
      retryStep(options, strategies, stats),
      bearerTokenStep(options),
      concurrencyStep(semaphore, options.maxConcurrency),
      timeoutStep(options),
    ],
    counted,
  );
}
