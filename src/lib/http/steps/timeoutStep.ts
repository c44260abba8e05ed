import type { PipelineOptions } from '../options';
import { type PipelineStep, REQUEST_TIMEOUT_CODE, TransportError } from '../types';

/**
 * Bounds one attempt (connect, headers and whole body) by `timeoutInMs`, or by what is left
 * of the call's deadline if that is shorter, combined with the caller's signal. Our timeout
 * surfaces as a TransportError (retryable); the caller's abort surfaces as the caller's reason.
 */
export function timeoutStep(options: Pick<PipelineOptions, 'now' | 'timeoutInMs'>): PipelineStep {
  return {
    name: 'timeout',
    async send(request, next) {
      const timeoutInMs = Math.max(
        1,
        Math.min(options.timeoutInMs, request.call.deadlineAt - options.now()),
      );
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort(
          new TransportError(
            REQUEST_TIMEOUT_CODE,
            `no complete response within ${String(timeoutInMs)} ms`,
          ),
        );
      }, timeoutInMs);
      const signal =
        request.signal === undefined
          ? controller.signal
          : AbortSignal.any([request.signal, controller.signal]);
      try {
        return await next({ ...request, signal });
      } catch (error) {
        if (request.signal?.aborted === true) throw request.signal.reason;
        if (controller.signal.aborted) throw controller.signal.reason;
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
