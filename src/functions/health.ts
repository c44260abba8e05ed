import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';

import { healthResponse } from '../lib/health';
import { getSharedRuntime } from '../lib/runtime';

/** GET /api/health: the cached, coalesced health report as application/health+json. */
export async function health(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return await healthResponse(async () => (await getSharedRuntime()).health, context);
}

app.http('health', { methods: ['GET'], authLevel: 'function', route: 'health', handler: health });
