import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { healthResponse } from '../lib/health';
import { getSharedRuntime } from '../lib/runtime';
import { healthDetailedErrorsRequested } from '../lib/settings';

/**
 * GET /api/health: the cached, coalesced health report as application/health+json. Failures say
 * where they happened and where to read the rest, unless HEALTH_DETAILED_ERRORS=true.
 */
export async function health(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return await healthResponse(async () => (await getSharedRuntime()).health, context, {
    detailedErrors: healthDetailedErrorsRequested(),
  });
}

app.http('health', { methods: ['GET'], authLevel: 'function', route: 'health', handler: health });
