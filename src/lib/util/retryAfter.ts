/**
 * Parses a Retry-After header into milliseconds: delta-seconds (`120`) or an HTTP date.
 * Returns undefined when absent or malformed (the caller falls back to computed backoff);
 * clamps dates in the past to 0 and anything above `maxInMs` to `maxInMs`.
 */
export function parseRetryAfter(
  value: string | undefined,
  nowInMs: number,
  maxInMs: number,
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  let delayInMs: number;
  if (/^\d+$/.test(trimmed)) {
    delayInMs = Number(trimmed) * 1000;
  } else if (/^-\d+$/.test(trimmed)) {
    // Negative seconds are not valid HTTP, but the intent ("now") is clear.
    delayInMs = 0;
  } else {
    // Only real HTTP dates: Date.parse also accepts things like "5" or "1.5" in some engines.
    if (!/[a-z]/i.test(trimmed)) return undefined;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    delayInMs = at - nowInMs;
  }
  if (!Number.isFinite(delayInMs)) return maxInMs;
  return Math.min(Math.max(0, delayInMs), maxInMs);
}
