import type { PipelineOptions } from '../options';
import type { PipelineStep } from '../types';

/**
 * Fixes the call's deadline before its first attempt: the client's overall deadline from now,
 * or the caller's own when that is sooner (a health check must answer before its poller gives
 * up). The retry loop starts no wait that ends past it; the timeout step cuts the last attempt.
 */
export function deadlineStep(
  options: Pick<PipelineOptions, 'now' | 'overallDeadlineInMs'>,
): PipelineStep {
  return {
    name: 'deadline',
    async send(request, next) {
      const { call } = request;
      const own = options.now() + options.overallDeadlineInMs;
      call.deadlineFromCaller = call.deadlineAt < own;
      call.deadlineAt = Math.min(call.deadlineAt, own);
      return await next(request);
    },
  };
}
