import type { ResolvedClientOptions } from '../options';
import type { DataverseRequest, PipelineStep } from '../request';

function withToken(request: DataverseRequest, token: string): DataverseRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}

/**
 * Adds the bearer token. A 401 means the cached token was revoked or is for the wrong audience:
 * force one refresh per call and resend; a second 401 goes up as an authorization error.
 */
export function bearerTokenStep(options: ResolvedClientOptions): PipelineStep {
  return {
    name: 'bearerToken',
    async send(request, next) {
      const { signal } = request;
      const token = await options.getToken({ forceRefresh: false, ...(signal ? { signal } : {}) });
      const response = await next(withToken(request, token));
      if (response.status !== 401 || request.call.tokenRefreshed) return response;
      request.call.tokenRefreshed = true;
      options.logger.info(
        `${options.environment.name}: HTTP 401, refreshing the token once (client request id ${request.call.clientRequestId})`,
      );
      const fresh = await options.getToken({ forceRefresh: true, ...(signal ? { signal } : {}) });
      return await next(withToken(request, fresh));
    },
  };
}
