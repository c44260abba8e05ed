import type { PipelineStep, SendRequest } from './types';

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
