import {
  bearerTokenStep,
  composePipeline,
  correlationStep,
  deadlineStep,
  exhaustedOutcome,
  retryStep,
  type SendRequest,
  type StatsRecorder,
  timeoutStep,
  transientStrategy,
  typedErrorStep,
} from '../http';
import type { ResolvedClientOptions } from './options';
import type { ResizableSemaphore } from './semaphore';
import { concurrencyStep } from './steps/concurrencyStep';
import { throttlingStrategy } from './throttlingStrategy';
import { toDataverseError } from './toDataverseError';

/**
 * Every Dataverse request passes these steps, outermost first (generic ones from src/lib/http):
 * 1. correlation     one x-ms-client-request-id per call; logs the final failure with both ids
 * 2. typedErrors     non-2xx / network failure → typed DataverseError with the operator's hint
 * 3. deadline        the call's overall deadline (5 min by default)
 * 4. retry           throttling (exact Retry-After, uncounted) and transient backoff, within the deadline
 * 5. bearerToken     Authorization header; one forced refresh on 401
 * 6. concurrency     per-environment semaphore sized by x-ms-dop-hint (token fetch stays outside a slot)
 * 7. timeout         per attempt, after a slot is held, combined with the caller's signal
 */
export function dataversePipeline(
  options: ResolvedClientOptions,
  semaphore: ResizableSemaphore,
  stats: StatsRecorder,
  transport: SendRequest,
): SendRequest {
  const strategies = [
    throttlingStrategy(options),
    transientStrategy(options, (state) =>
      toDataverseError(state.request, exhaustedOutcome(state), options),
    ),
  ];
  const counted: SendRequest = (request) => {
    stats.requestSent();
    return transport(request);
  };
  return composePipeline(
    [
      correlationStep(options.environment.name, options.logger),
      typedErrorStep((request, outcome) => toDataverseError(request, outcome, options)),
      deadlineStep(options),
      retryStep(options, strategies, stats),
      bearerTokenStep(options.getToken, options.environment.name, options.logger),
      concurrencyStep(semaphore, options.maxConcurrency),
      timeoutStep(options),
    ],
    counted,
  );
}
