/**
 * The only logging surface src/lib uses. Functions adapt an InvocationContext to it, the CLI
 * adapts the console, tests capture it. Messages must never contain secrets or tokens.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything: for callers that genuinely have no audience. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
