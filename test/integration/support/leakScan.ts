import type { Logger } from '../../../src/lib/util';

/** One piece of text an operator could see: a log line, a response body, an error text. */
export interface VisibleText {
  /** Where it came from, e.g. `log:warn` or `body:GET /api/health`. */
  readonly source: string;
  readonly text: string;
}

/** A secret found in visible text; the secret itself is not repeated, only a masked label. */
export interface Leak {
  readonly secret: string;
  readonly source: string;
  /** Up to 40 characters before the match, so the failure says where it was without quoting it. */
  readonly before: string;
}

/**
 * Shorter strings could occur by chance (a GUID-shaped header still passes this bar). It is also
 * the length of a quote that counts as a leak: any 12 characters of a secret in a row, because
 * a truncated or partial quote (66 of a key's 88 characters) gives most of the key away.
 */
const MIN_SECRET_LENGTH = 12;

/** A label for a secret that identifies it in a failure message without printing it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…(${String(secret.length)} chars)`;
}

/** The signature of a JWT-shaped secret (its secret part), if it is one. */
function jwtSignature(secret: string): string | undefined {
  const parts = secret.split('.');
  const signature = parts[2];
  return parts.length === 3 && signature !== undefined && signature.length >= MIN_SECRET_LENGTH
    ? signature
    : undefined;
}

/**
 * The strings to search for: each secret as given, and for a JWT also its signature alone (a
 * partial quote of a token is still a leak and the signature is its secret part).
 */
export function searchTermsOf(secrets: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    terms.add(secret);
    const signature = jwtSignature(secret);
    if (signature !== undefined) terms.add(signature);
  }
  return [...terms];
}

/**
 * Every run of {@link MIN_SECRET_LENGTH} characters of every term, mapped to its term. A JWT is
 * matched through its signature only: its header (`eyJhbGciOi…`) is the same in every token and
 * says nothing secret.
 */
function fragmentIndex(terms: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const term of terms) {
    if (jwtSignature(term) !== undefined) continue;
    for (let at = 0; at + MIN_SECRET_LENGTH <= term.length; at++) {
      const fragment = term.slice(at, at + MIN_SECRET_LENGTH);
      if (!index.has(fragment)) index.set(fragment, term);
    }
  }
  return index;
}

/** The first position in `text` of each term one of whose fragments occurs there. */
function fragmentHits(text: string, index: ReadonlyMap<string, string>): Map<string, number> {
  const hits = new Map<string, number>();
  for (let at = 0; at + MIN_SECRET_LENGTH <= text.length; at++) {
    const term = index.get(text.slice(at, at + MIN_SECRET_LENGTH));
    if (term !== undefined && !hits.has(term)) hits.set(term, at);
  }
  return hits;
}

/**
 * Every secret quoted, whole or in part (any {@link MIN_SECRET_LENGTH} characters in a row), in
 * the visible texts: one leak per secret and text. Whitespace is removed before searching as
 * well, because a PEM body may be quoted with its line breaks.
 */
export function findLeaks(texts: readonly VisibleText[], secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const index = fragmentIndex(searchTermsOf(secrets));
  for (const { source, text } of texts) {
    const compact = text.replace(/\s+/g, '');
    const found = new Map<string, { haystack: string; at: number }>();
    for (const haystack of compact === text ? [text] : [text, compact]) {
      for (const [term, at] of fragmentHits(haystack, index)) {
        if (!found.has(term)) found.set(term, { haystack, at });
      }
    }
    for (const [term, { haystack, at }] of found) {
      leaks.push({
        secret: maskSecret(term),
        source,
        before: haystack.slice(Math.max(0, at - 40), at),
      });
    }
  }
  return leaks;
}

/**
 * Patterns that are leaks whatever the value: an Authorization header, a PEM private key, a
 * storage account key or shared access key in a connection string, a SAS signature (`sig=`) or
 * a function key (`code=`) in a URL. The sanitiser's `[redacted]` does not match them.
 */
export function findSecretShapes(texts: readonly VisibleText[]): VisibleText[] {
  const shapes = [
    /Bearer\s+ey[\w-]+\./i,
    /BEGIN [A-Z ]*PRIVATE KEY/,
    /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{16,}/i,
    /[?&;]sig=[A-Za-z0-9%+/]{16,}/i,
    /[?&]code=[A-Za-z0-9%+/_-]{20,}/i,
  ];
  return texts.filter(({ text }) => shapes.some((shape) => shape.test(text)));
}

/**
 * Collects everything visible during a test file: log lines through {@link VisibleOutput.logger}
 * and response bodies through {@link VisibleOutput.add}. Scan it once at the end.
 */
export class VisibleOutput {
  private readonly collected: VisibleText[] = [];

  get texts(): readonly VisibleText[] {
    return this.collected;
  }

  add(source: string, text: string): void {
    this.collected.push({ source, text });
  }

  /** Log lines only (`level: message`), for assertions on what was logged. */
  logLines(): string[] {
    return this.collected
      .filter((entry) => entry.source.startsWith('log:'))
      .map((entry) => `${entry.source.slice(4)}: ${entry.text}`);
  }

  /** A logger whose every line is collected (and so scanned). */
  logger(): Logger {
    return {
      info: (message) => {
        this.add('log:info', message);
      },
      warn: (message) => {
        this.add('log:warn', message);
      },
      error: (message) => {
        this.add('log:error', message);
      },
    };
  }
}
