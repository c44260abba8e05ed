/** The preferences of a request's Prefer header(s) the simulator acts on. */
export interface Preferences {
  maxPageSize: number | undefined;
  trackChanges: boolean;
  returnRepresentation: boolean;
  continueOnError: boolean;
  /** The annotation patterns of `odata.include-annotations`, as sent (`*`, names, `ns.*`, `-x`). */
  includeAnnotations: string | undefined;
}

/**
 * Splits a Prefer header at top-level commas: `odata.include-annotations="a,b"` keeps its list,
 * as DynamicsWebApi and the .NET client send several preferences in one header.
 */
function splitPreferences(header: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of header) {
    if (character === '"') quoted = !quoted;
    if (character === ',' && !quoted) {
      items.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

export function parsePreferences(header: string | undefined): Preferences {
  const preferences: Preferences = {
    maxPageSize: undefined,
    trackChanges: false,
    returnRepresentation: false,
    continueOnError: false,
    includeAnnotations: undefined,
  };
  for (const item of splitPreferences(header ?? '')) {
    const pageSize = /^odata\.maxpagesize\s*=\s*"?(\d+)"?$/i.exec(item);
    const annotations = /^odata\.include-annotations\s*=\s*"?([^"]*)"?$/i.exec(item);
    if (pageSize) preferences.maxPageSize = Number(pageSize[1]);
    else if (annotations) preferences.includeAnnotations = annotations[1] ?? '';
    else if (/^odata\.track-changes$/i.test(item)) preferences.trackChanges = true;
    else if (/^return\s*=\s*representation$/i.test(item)) preferences.returnRepresentation = true;
    else if (/^odata\.continue-on-error$/i.test(item)) preferences.continueOnError = true;
  }
  return preferences;
}

/**
 * Whether an annotation term is included by the patterns of `odata.include-annotations`: `*`
 * (all), an exact term, `Namespace.*`, and `-term` / `-Namespace.*` exclusions (OData 4.0 §8.2.8.4).
 */
export function annotationMatcher(patterns: string): (term: string) => boolean {
  const list = patterns
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
  const matches = (pattern: string, term: string): boolean =>
    pattern === '*' ||
    pattern === term ||
    (pattern.endsWith('.*') && term.startsWith(pattern.slice(0, -1)));
  return (term) => {
    if (list.some((pattern) => pattern.startsWith('-') && matches(pattern.slice(1), term)))
      return false;
    return list.some((pattern) => !pattern.startsWith('-') && matches(pattern, term));
  };
}
