import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { healthResponse } from '../lib/health/healthResponse';
import { getSharedRuntime } from '../lib/sharedRuntime';

/** GET /api/health: the cached, coalesced health report as application/health+json. */
export async function health(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return await healthResponse(getSharedRuntime, context);
}

app.http('health', { methods: ['GET'], authLevel: 'function', route: 'health', handler: health });
