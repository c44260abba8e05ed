/**
 * Turns SDK errors into something safe to keep as an error `cause` or to log. Azure SDK errors
 * (RestError, MSAL errors) carry the request and response objects, headers included, and MSAL
 * messages can quote request bodies; none of that may reach a log line or health output.
 */

/** The fields of an SDK error that are safe to keep. */
export interface SafeErrorSummary {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

const MAX_MESSAGE_LENGTH = 600;
const REDACTED = '[redacted]';

// JSON properties whose string value is a credential (matched case-insensitively).
const SECRET_JSON_FIELDS =
  'client_secret|clientSecret|client_assertion|access_token|refresh_token|id_token|password|pwd|secret|value|AccountKey|SharedAccessKey|SharedAccessSignature|sasToken|sig';

// Shapes that must never be printed, whatever produced them, with what replaces them.
const REDACTIONS: readonly (readonly [RegExp, string])[] = [
  // PEM blocks: private keys, certificates, anything armoured (also a truncated one).
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, REDACTED],
  // JWTs (access tokens, client assertions): base64url segments of a JSON header '{"'.
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Storage Shared Key authorization: `SharedKey account:signature`.
  [/\b(SharedKey(?:Lite)?)\s+([^\s:]+):[A-Za-z0-9+/=]+/g, `$1 $2:${REDACTED}`],
  // Connection strings: a storage account key, a Service Bus/Event Hubs key, a whole SAS. A
  // placeholder such as `AccountKey=<key>` in an example is left alone.
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature)=(?!<)[^;\s"']+/gi, `$1=${REDACTED}`],
  // URL query credentials: a function key (`code=`), a SAS signature, API keys. `code` only in
  // a query, so an "error code=0x..." in prose survives.
  [
    /([?&](?:code|sig|api[-_]?key|subscription-key|access_token|client_secret)=)[^&\s"'#]+/gi,
    `$1${REDACTED}`,
  ],
  // The same inside a URL that is itself URL-encoded (a redirect or callback parameter).
  [/((?:%3F|%26)(?:code|sig)%3D)(?:(?!%26)[^&\s"'#])+/gi, `$1${REDACTED}`],
  // A SAS token on its own (`sv=...&sig=...`), without the URL around it.
  [/\b(sig)=(?!\[redacted\])[^&\s"'#;]+/gi, `$1=${REDACTED}`],
  // A password in a URL's user info (a database connection string: postgres://user:pw@host).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"']*):[^@/?#\s"']+@/gi, `$1:${REDACTED}@`],
  // Function keys sent as a header.
  [/\b(x-functions-key)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, `$1$2${REDACTED}`],
  // Form fields that carry credentials (token requests, ADO-style connection strings).
  [
    /\b(client_secret|client_assertion|assertion|access_token|refresh_token|password|pwd)=[^&;\s"']*/gi,
    `$1=${REDACTED}`,
  ],
  // JSON properties that carry credentials, whole or escaped inside another JSON string.
  [
    new RegExp(`"(${SECRET_JSON_FIELDS})"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`, 'gi'),
    `"$1":"${REDACTED}"`,
  ],
  [
    new RegExp(`\\\\"(${SECRET_JSON_FIELDS})\\\\"\\s*:\\s*\\\\"(?:(?!\\\\")[^"])*\\\\"`, 'gi'),
    `\\"$1\\":\\"${REDACTED}\\"`,
  ],
];

/**
 * Removes every secret-shaped substring from `text` (keys, signatures, tokens, passwords),
 * whatever its length: what `describe()` and `describeError()` apply to every text an operator
 * reads. Idempotent: a redacted text comes back unchanged.
 */
export function redactSecretShapes(text: string): string {
  let result = text;
  for (const [pattern, replacement] of REDACTIONS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Removes every known secret value and every secret-shaped substring from `text`, and caps its
 * length. `knownSecrets` are the literal values this process holds (the client secret, the PEM).
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    // Very short strings would blank out ordinary words; real secrets are far longer.
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  result = redactSecretShapes(result);
  return result.length > MAX_MESSAGE_LENGTH ? `${result.slice(0, MAX_MESSAGE_LENGTH)}…` : result;
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

function readNumber(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'number' ? field : undefined;
}

function readHeader(response: unknown, name: string): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const headers = (response as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get !== 'function') return undefined;
  const value: unknown = get.call(headers, name);
  return typeof value === 'string' ? value : undefined;
}

/** Keeps name, redacted message, status, code and request id of anything thrown; drops the rest. */
export function summarizeError(
  error: unknown,
  knownSecrets: readonly string[] = [],
): SafeErrorSummary {
  const name = readString(error, 'name') ?? 'Error';
  const rawMessage =
    readString(error, 'message') ?? (typeof error === 'string' ? error : 'unknown error');
  const response =
    typeof error === 'object' && error !== null
      ? (error as { response?: unknown }).response
      : undefined;
  return {
    name,
    message: redactSecrets(rawMessage, knownSecrets),
    status: readNumber(error, 'statusCode') ?? readNumber(error, 'status'),
    code: readString(error, 'code') ?? readString(error, 'errorCode'),
    requestId:
      readHeader(response, 'x-ms-request-id') ?? readHeader(response, 'x-ms-service-request-id'),
  };
}

/**
 * An Error built only from a {@link SafeErrorSummary}: what our errors keep as `cause`. Its stack
 * is its own (frames in our code), so inspecting it prints nothing the summary does not hold.
 */
export class SanitizedError extends Error {
  override readonly name: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;

  constructor(summary: SafeErrorSummary) {
    super(summary.message);
    this.name = summary.name;
    this.status = summary.status;
    this.code = summary.code;
    this.requestId = summary.requestId;
  }
}

/** Shorthand: summarise `error` and wrap the summary as a safe `cause`. */
export function sanitizeError(
  error: unknown,
  knownSecrets: readonly string[] = [],
): SanitizedError {
  return new SanitizedError(summarizeError(error, knownSecrets));
}
