import { normaliseErrorCode } from '../errors';

/** The `{"error":{"code","message"}}` body of a failed Dataverse response, when it has one. */
export interface ServiceErrorBody {
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** Reads a Dataverse error body; anything else gives undefined fields, never a throw. */
export function parseErrorBody(bodyText: string): ServiceErrorBody {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed !== 'object' || parsed === null)
      return { code: undefined, message: undefined };
    const error = (parsed as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return { code: undefined, message: undefined };
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' && code.trim() !== '' ? normaliseErrorCode(code) : undefined,
      message: typeof message === 'string' && message !== '' ? message.slice(0, 1000) : undefined,
    };
  } catch {
    return { code: undefined, message: undefined };
  }
}
