import type { OptionFacts } from './metadataReads';

/**
 * An option's label in `language` (an LCID, e.g. 1033), falling back to the caller's own
 * language (UserLocalizedLabel), then to any label, then to the value itself: a label column
 * is never empty for a value Dataverse knows. Labels come from metadata, not from the
 * FormattedValue annotations of the delta query (reported to drop the deltaLink).
 */
export function labelFor(option: OptionFacts, language: number): string {
  return (
    option.labels.get(language) ??
    option.userLabel ??
    option.labels.values().next().value ??
    String(option.value)
  );
}

/** value → label, for one choice attribute. */
export function labelMap(options: readonly OptionFacts[], language: number): Map<number, string> {
  return new Map(options.map((option) => [option.value, labelFor(option, language)]));
}
