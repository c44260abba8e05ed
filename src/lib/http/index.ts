/**
 * The outbound HTTP pipeline every client of the app is built on (Dataverse, the webhook):
 * one axios transport that never follows redirects, and the generic steps — correlation id,
 * typed errors, deadline, retry (strategies apart from the loop), bearer token, timeout —
 * composed by each client in its own pipeline.ts, where it adds its own steps.
 */
export { composePipeline } from './compose';
export {
  type PipelineOptions,
  type PipelineOptionsInput,
  resolvePipelineOptions,
  wholeOption,
} from './options';
export {
  exhaustedOutcome,
  isTransientFailure,
  retryAfterOf,
  type RetryDecision,
  type RetryState,
  type RetryStrategy,
  SKIP,
  transientStrategy,
} from './retryStrategies';
export { type ClientStats, StatsRecorder } from './stats';
export { bearerTokenStep, type GetBearerToken } from './steps/bearerTokenStep';
export { correlationStep } from './steps/correlationStep';
export { deadlineStep } from './steps/deadlineStep';
export { retryStep } from './steps/retryStep';
export { timeoutStep } from './steps/timeoutStep';
export { type ToClientError, typedErrorStep } from './steps/typedErrorStep';
export { createAxiosTransport, type Transport } from './transport';
export {
  type CallContext,
  describeTarget,
  type FailedOutcome,
  type HttpMethod,
  newCall,
  type PipelineRequest,
  type PipelineResponse,
  type PipelineStep,
  redirectText,
  REQUEST_TIMEOUT_CODE,
  type SendRequest,
  serviceRequestIdOf,
  TransportError,
} from './types';
