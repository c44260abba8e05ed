import { randomUUID } from 'node:crypto';

import { isIntegrationError } from '../../errors';
import type { Logger } from '../../util';
import { describeTarget, type PipelineStep } from '../types';

/**
 * Gives each logical call one x-ms-client-request-id, kept across its retries so the service
 * side can join them, and logs the final failure once with both our id and the service's
 * request id (the two numbers a Microsoft support case asks for).
 */
export function correlationStep(name: string, logger: Logger): PipelineStep {
  return {
    name: 'correlation',
    async send(request, next) {
      const clientRequestId = randomUUID();
      request.call.clientRequestId = clientRequestId;
      try {
        return await next({
          ...request,
          headers: { ...request.headers, 'x-ms-client-request-id': clientRequestId },
        });
      } catch (error) {
        if (isIntegrationError(error)) {
          logger.warn(
            `${name}: ${describeTarget(request)} failed: ${error.message} [${error.code ?? 'no code'}] (client request id ${clientRequestId}, service request id ${error.requestId ?? 'none'})`,
          );
        }
        throw error;
      }
    },
  };
}
