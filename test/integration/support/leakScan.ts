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

/** Shorter strings could occur by chance (a GUID-shaped header still passes this bar). */
const MIN_SECRET_LENGTH = 12;

/** A label for a secret that identifies it in a failure message without printing it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…(${String(secret.length)} chars)`;
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
    const parts = secret.split('.');
    const signature = parts[2];
    if (parts.length === 3 && signature !== undefined && signature.length >= MIN_SECRET_LENGTH) {
      terms.add(signature);
    }
  }
  return [...terms];
}

/**
 * Every occurrence of a secret in the visible texts. Whitespace is removed before searching as
 * well, because a PEM body may be quoted with its line breaks.
 */
export function findLeaks(texts: readonly VisibleText[], secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const terms = searchTermsOf(secrets);
  for (const { source, text } of texts) {
    const compact = text.replace(/\s+/g, '');
    for (const term of terms) {
      const at = text.indexOf(term);
      const compactAt = at >= 0 ? at : compact.indexOf(term);
      if (compactAt < 0) continue;
      const haystack = at >= 0 ? text : compact;
      leaks.push({
        secret: maskSecret(term),
        source,
        before: haystack.slice(Math.max(0, compactAt - 40), compactAt),
      });
    }
  }
  return leaks;
}

/** Patterns that are leaks whatever the value: an Authorization header, a PEM private key. */
export function findSecretShapes(texts: readonly VisibleText[]): VisibleText[] {
  return texts.filter(
    ({ text }) => /Bearer\s+ey[\w-]+\./i.test(text) || /BEGIN [A-Z ]*PRIVATE KEY/.test(text),
  );
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
