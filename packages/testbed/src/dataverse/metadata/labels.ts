import type { SimLabel } from '../tableTypes';
import { stableGuid } from './resolveDefinition';

/** A label as the Web API writes it (Label ComplexType). */
export interface WireLabel {
  LocalizedLabels: WireLocalizedLabel[];
  UserLocalizedLabel: WireLocalizedLabel | null;
}

interface WireLocalizedLabel {
  Label: string;
  LanguageCode: number;
  IsManaged: boolean;
  MetadataId: string;
  HasChanged: null;
}

export const EMPTY_LABEL: WireLabel = { LocalizedLabels: [], UserLocalizedLabel: null };

/**
 * Every language of the label, plus `UserLocalizedLabel` in the caller's language. An
 * application user reads in the organization's base language; when the label has no text in
 * it, UserLocalizedLabel is null and a client falls back to LocalizedLabels (README).
 */
export function wireLabel(
  label: SimLabel | undefined,
  language: number,
  isManaged: boolean,
  owner: string,
): WireLabel {
  if (label === undefined) return EMPTY_LABEL;
  const localized = label.LocalizedLabels.map((item) => ({
    Label: item.Label,
    LanguageCode: item.LanguageCode,
    IsManaged: isManaged,
    MetadataId: stableGuid('label', owner, String(item.LanguageCode)),
    HasChanged: null,
  }));
  return {
    LocalizedLabels: localized,
    UserLocalizedLabel: localized.find((item) => item.LanguageCode === language) ?? null,
  };
}
