import type { ChangeTokenPolicy } from './changeTokens';
import type { StoreContext } from './database';
import { type Annotator } from './formattedValues';
import { annotationMatcher, type Preferences } from './preferences';
import type { TableRegistry } from './tableRegistry';

/** The organization row (`organizations`): what clients read from it. */
export interface OrganizationInfo {
  readonly organizationId: string;
  readonly name: string;
  /** Base language (LCID). */
  readonly languageCode: number;
  /** Organization.ExpireChangeTrackingInDays. */
  readonly changeTokenLifetimeDays: number;
}

/** What the resource handlers (tables, metadata, WhoAmI, $batch parts) need from their environment. */
export interface ResourceContext {
  readonly tables: TableRegistry;
  /** The version clock and the undo log of change sets, shared by every table. */
  readonly shared: StoreContext;
  /** `https://127.0.0.1:PORT/api/data/v9.2/` */
  readonly serviceRoot: string;
  readonly changeTokens: ChangeTokenPolicy;
  /** Page size without odata.maxpagesize (default and maximum 5000). */
  readonly defaultPageSize: number;
  readonly organization: OrganizationInfo;
}

/** One request to a resource, after auth: also what a $batch part turns into. */
export interface ResourceRequest {
  method: string;
  /** Absolute URL (the service root prefix identifies the resource). */
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export const MAX_PAGE_SIZE = 5000;

/** The annotator of a request, or undefined when it asked for no annotations. */
export function annotatorFor(
  context: ResourceContext,
  preferences: Preferences,
): Annotator | undefined {
  if (preferences.includeAnnotations === undefined) return undefined;
  const { tables } = context;
  return {
    includes: annotationMatcher(preferences.includeAnnotations),
    language: context.organization.languageCode,
    nameOf: (logicalName, id) => tables.byLogicalName(logicalName)?.nameOf(id),
  };
}

/** `Preference-Applied` for the preferences a row response honoured. */
export function appliedPreferences(
  preferences: Preferences,
  extra: readonly string[] = [],
): Record<string, string> {
  const applied = [...extra];
  if (preferences.includeAnnotations !== undefined)
    applied.push(`odata.include-annotations="${preferences.includeAnnotations}"`);
  return applied.length === 0 ? {} : { 'Preference-Applied': applied.join(',') };
}
