import type { ResolvedClientOptions } from '../options';
import { type PipelineStep, TransportError } from '../request';
import { toDataverseError } from '../toDataverseError';

/**
 * Turns what the retry loop gave back (a non-2xx response, or a network failure) into a typed
 * DataverseError, so everything above this step sees either a 2xx response or our error.
 */
export function failedResponseStep(options: ResolvedClientOptions): PipelineStep {
  return {
    name: 'failedResponse',
    async send(request, next) {
      let response;
      try {
        response = await next(request);
      } catch (error) {
        if (error instanceof TransportError) throw toDataverseError(request, { error }, options);
        throw error;
      }
      if (response.status >= 200 && response.status < 300) return response;
      throw toDataverseError(request, { response }, options);
    },
  };
}
