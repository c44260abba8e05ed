import { EXPIRED_CHANGE_TOKEN_CODE, SERVICE_PROTECTION_CODES } from '../errors';
import { describeTarget, type FailedOutcome, type PipelineRequest, redirectText } from '../http';
import { isTransientNetworkCode, isTransientStatus } from '../util';
import { parseErrorBody } from './errorBody';
import {
  DataverseAuthorizationError,
  DataverseError,
  DataverseThrottledError,
  ExpiredChangeTokenError,
} from './errors';
import { operatorHint } from './hints';
import type { ResolvedClientOptions } from './options';

function gaveUpText(request: PipelineRequest, options: ResolvedClientOptions): string {
  const { call } = request;
  const attempts = `${String(call.attempts)} attempt${call.attempts === 1 ? '' : 's'}`;
  if (call.gaveUp === 'deadline') {
    const whose = call.deadlineFromCaller
      ? "the caller's deadline"
      : `the call's ${String(Math.round(options.overallDeadlineInMs / 1000))} s deadline`;
    return ` (gave up after ${attempts}: ${whose} would pass before the next attempt)`;
  }
  if (call.gaveUp === 'maxRetries')
    return ` (gave up after ${attempts}: retry limit ${String(options.maxRetries)} reached)`;
  return '';
}

/**
 * Builds the typed error for a failed call from our own response/transport objects only, so it
 * can never carry the Authorization header. Picks the subclass callers branch on.
 */
export function toDataverseError(
  request: PipelineRequest,
  outcome: FailedOutcome,
  options: ResolvedClientOptions,
): DataverseError {
  const { environment } = options;
  const target = describeTarget(request);
  let status: number | undefined;
  let code: string | undefined;
  let serviceMessage: string | undefined;
  let requestId: string | undefined;
  let retryable: boolean;
  let message: string;
  if ('response' in outcome) {
    const { response } = outcome;
    status = response.status;
    ({ code, message: serviceMessage } = parseErrorBody(response.bodyText));
    requestId = response.headers['x-ms-service-request-id'];
    retryable = isTransientStatus(status);
    const detail =
      serviceMessage ??
      (status >= 300 && status < 400 ? redirectText(response) : 'no error details in the body');
    message = `${target} failed with HTTP ${String(status)}: ${detail}`;
  } else {
    code = outcome.error.code;
    retryable = isTransientNetworkCode(code, options.transient);
    message = `${target} got no response: ${outcome.error.message}`;
  }
  message += gaveUpText(request, options);
  const details = {
    step: request.call.step,
    environment: environment.name,
    status,
    code,
    requestId,
    clientRequestId: request.call.clientRequestId,
    retryable,
    hint: operatorHint({
      environmentName: environment.name,
      environmentUrl: environment.url,
      applicationClientId: options.applicationClientId,
      step: request.call.step,
      status,
      code,
      message: serviceMessage,
    }),
  };
  if (code === EXPIRED_CHANGE_TOKEN_CODE)
    return new ExpiredChangeTokenError(message, { ...details, retryable: false });
  if (status === 401 || status === 403)
    return new DataverseAuthorizationError(message, { ...details, retryable: false });
  if (status === 429 && code !== undefined && SERVICE_PROTECTION_CODES.has(code)) {
    return new DataverseThrottledError(message, { ...details, retryable: true });
  }
  return new DataverseError(message, details);
}
