import {
  type FailedOutcome,
  type PipelineRequest,
  type PipelineStep,
  TransportError,
} from '../types';

/** Builds the client's own error for a failed call (a non-2xx response or a network failure). */
export type ToClientError = (request: PipelineRequest, outcome: FailedOutcome) => Error;

/**
 * Turns what the retry loop gave back (a non-2xx response, a 3xx included, or a network
 * failure) into the client's typed error, so everything above this step sees either a 2xx
 * response or our error. The builder sees only our own response/transport objects, so the
 * error can never carry the Authorization header.
 */
export function typedErrorStep(toError: ToClientError): PipelineStep {
  return {
    name: 'typedErrors',
    async send(request, next) {
      let response;
      try {
        response = await next(request);
      } catch (error) {
        if (error instanceof TransportError) throw toError(request, { error });
        throw error;
      }
      if (response.status >= 200 && response.status < 300) return response;
      throw toError(request, { response });
    },
  };
}
