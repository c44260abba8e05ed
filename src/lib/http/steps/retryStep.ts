import type { PipelineOptions } from '../options';
import type { RetryDecision, RetryState, RetryStrategy } from '../retryStrategies';
import type { StatsRecorder } from '../stats';
import {
  describeTarget,
  type PipelineResponse,
  type PipelineStep,
  serviceRequestIdOf,
  TransportError,
} from '../types';

function decide(strategies: readonly RetryStrategy[], state: RetryState): RetryDecision {
  for (const strategy of strategies) {
    const decision = strategy.retry(state);
    if (!('skip' in decision)) return decision;
  }
  return { skip: true };
}

/**
 * The retry loop. It only obeys the strategies; its own rule is the call's deadline (set by the
 * deadline step): a wait that would end past it is not started, and the last failure is handed
 * up instead. A 3xx is handed up at once: no client follows redirects.
 */
export function retryStep(
  options: Pick<PipelineOptions, 'name' | 'logger' | 'maxRetries' | 'now' | 'sleep'>,
  strategies: readonly RetryStrategy[],
  stats: StatsRecorder,
): PipelineStep {
  return {
    name: 'retry',
    async send(request, next) {
      const { call } = request;
      let transientRetries = 0;
      let throttledRetries = 0;
      for (;;) {
        call.attempts += 1;
        let response: PipelineResponse | undefined;
        let error: TransportError | undefined;
        try {
          response = await next(request);
          if (response.status < 400) return response;
        } catch (caught) {
          // Only network failures are candidates; token errors and aborts go straight up.
          if (!(caught instanceof TransportError)) throw caught;
          error = caught;
        }
        const decision = decide(strategies, {
          request,
          response,
          error,
          transientRetries,
          throttledRetries,
        });
        const giveUp = (): PipelineResponse => {
          if (response !== undefined) return response;
          throw error ?? new TransportError('UNKNOWN', 'no response and no error');
        };
        if ('errorToThrow' in decision) {
          call.gaveUp = 'maxRetries';
          throw decision.errorToThrow;
        }
        if ('skip' in decision) return giveUp();
        const delayInMs = decision.retryAfterInMs;
        if (options.now() + delayInMs >= call.deadlineAt) {
          call.gaveUp = 'deadline';
          return giveUp();
        }
        const what =
          response === undefined ? (error?.code ?? 'error') : `HTTP ${String(response.status)}`;
        if (decision.throttled) {
          throttledRetries += 1;
          call.throttledWaitInMs += delayInMs;
          stats.throttled(delayInMs);
          options.logger.info(
            `${options.name}: ${describeTarget(request)} throttled (${decision.reason ?? what}); waiting ${String(delayInMs)} ms as told (client request id ${call.clientRequestId})`,
          );
        } else {
          transientRetries += 1;
          stats.retried();
          options.logger.info(
            `${options.name}: ${describeTarget(request)} → ${what}; retry ${String(transientRetries)}/${String(options.maxRetries)} in ${String(delayInMs)} ms (client request id ${call.clientRequestId}, service request id ${(response === undefined ? undefined : serviceRequestIdOf(response)) ?? 'none'})`,
          );
        }
        await options.sleep(delayInMs, request.signal);
      }
    },
  };
}
