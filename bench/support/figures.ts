/** One published number of a scenario: what was measured, against which target, and whether it held. */
export interface Figure {
  readonly scenario: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. "≥ 90%"; "reported" for figures without a target. */
  readonly target: string;
  /** Whether the target held; true for reported-only figures (nothing to miss). */
  readonly met: boolean;
  /** The two measurements the figure compares, for the reader. */
  readonly detail?: string;
}

/** A figure with a target: `value` must be at least `minimum`. */
export function atLeast(
  base: Omit<Figure, 'target' | 'met'>,
  minimum: number,
  targetText: string,
): Figure {
  return { ...base, target: targetText, met: base.value >= minimum };
}

/** A figure with a target: `value` must be at most `maximum`. */
export function atMost(
  base: Omit<Figure, 'target' | 'met'>,
  maximum: number,
  targetText: string,
): Figure {
  return { ...base, target: targetText, met: base.value <= maximum };
}

/** A figure reported without a target. */
export function reported(base: Omit<Figure, 'target' | 'met'>): Figure {
  return { ...base, target: 'reported', met: true };
}

/** Rounds for display and JSON: 3 significant decimals are plenty on a noisy machine. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
