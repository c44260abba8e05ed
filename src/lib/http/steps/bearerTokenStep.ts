import type { Logger } from '../../util';
import type { PipelineRequest, PipelineStep } from '../types';

/** Returns a bearer token; `forceRefresh` bypasses every cache (after a 401). */
export type GetBearerToken = (options: {
  forceRefresh: boolean;
  signal?: AbortSignal;
}) => Promise<string>;

function withToken(request: PipelineRequest, token: string): PipelineRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}

/**
 * Adds the bearer token. A 401 means the cached token was revoked or is for the wrong audience:
 * force one refresh per call and resend; a second 401 goes up as an authorization error.
 */
export function bearerTokenStep(
  getToken: GetBearerToken,
  name: string,
  logger: Logger,
): PipelineStep {
  return {
    name: 'bearerToken',
    async send(request, next) {
      const { signal } = request;
      const token = await getToken({ forceRefresh: false, ...(signal ? { signal } : {}) });
      const response = await next(withToken(request, token));
      if (response.status !== 401 || request.call.tokenRefreshed) return response;
      request.call.tokenRefreshed = true;
      logger.info(
        `${name}: HTTP 401, refreshing the token once (client request id ${request.call.clientRequestId})`,
      );
      const fresh = await getToken({ forceRefresh: true, ...(signal ? { signal } : {}) });
      return await next(withToken(request, fresh));
    },
  };
}
