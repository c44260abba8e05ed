import { queryError } from '../errors';
import { OPTION_SET_TYPES } from './attributeKinds';
import { matchesMetadataFilter, parseMetadataFilter } from './metadataFilter';
import {
  attributeJson,
  attributePropertiesOf,
  type Json,
  odataTypeOf,
  optionSetJson,
  optionSetProperties,
} from './metadataJson';
import { contextColumns, parseExpand, parseMetadataSelect, pickProperties } from './metadataQuery';
import type { ResolvedAttribute } from './resolveDefinition';

const NS = 'Microsoft.Dynamics.CRM';

/** An Attributes request's options, checked once against the cast type; renders each attribute. */
export interface AttributeQuery {
  /** The `(…)` of the response's `@odata.context`. */
  readonly columns: string;
  /**
   * One attribute's JSON, or undefined when the filter drops it. `typed` adds `@odata.type`
   * (base-typed routes); `singleContext` adds the nested `OptionSet@odata.context` of a single
   * attribute, as in Microsoft's sample.
   */
  render(attribute: ResolvedAttribute, typed: boolean, singleContext?: string): Json | undefined;
}

/** Adds `@odata.type` first, for derived types only (a base-typed collection names the rest). */
export function withType(attribute: ResolvedAttribute, json: Json): Json {
  const type = odataTypeOf(attribute);
  return type === undefined ? json : { '@odata.type': type, ...json };
}

/** `$select`, `$filter` and `$expand` of an Attributes request, checked against the cast type. */
export function attributeQuery(
  params: URLSearchParams,
  cast: string | undefined,
  language: number,
): AttributeQuery {
  const typeName = `${NS}.${cast ?? 'AttributeMetadata'}`;
  const properties = attributePropertiesOf(cast);
  const select = parseMetadataSelect(params.get('$select'), properties, typeName);
  const filterText = params.get('$filter');
  const filter =
    filterText === null ? undefined : parseMetadataFilter(filterText, properties, typeName);
  const expand = parseExpand(params.get('$expand'));
  const navigation =
    cast !== undefined && OPTION_SET_TYPES.has(cast) ? ['OptionSet', 'GlobalOptionSet'] : [];
  for (const item of expand) {
    if (!navigation.includes(item.property))
      throw queryError(`Could not find a property named '${item.property}' on type '${typeName}'.`);
  }
  return {
    columns: contextColumns(select, expand),
    render(attribute: ResolvedAttribute, typed: boolean, singleContext?: string): Json | undefined {
      const full = attributeJson(attribute, language);
      if (filter !== undefined && !matchesMetadataFilter(filter, full)) return undefined;
      const json = pickProperties(full, select);
      for (const item of expand) {
        const optionSet =
          item.property === 'OptionSet' ? attribute.OptionSet : attribute.GlobalOptionSet;
        if (optionSet === undefined || optionSet === null) {
          json[item.property] = null;
          continue;
        }
        const boolean = 'TrueOption' in optionSet;
        const nested = parseMetadataSelect(
          item.select?.join(','),
          optionSetProperties(boolean),
          `${NS}.${boolean ? 'Boolean' : ''}OptionSetMetadata`,
        );
        if (singleContext !== undefined)
          json[`${item.property}@odata.context`] =
            `${singleContext}/${item.property}${nested === undefined ? '' : `(${nested.join(',')})`}/$entity`;
        json[item.property] = pickProperties(
          optionSetJson(
            optionSet,
            optionSetTypeOf(attribute),
            language,
            !attribute.IsCustomAttribute,
          ),
          nested,
        );
      }
      return typed ? withType(attribute, json) : json;
    },
  };
}

function optionSetTypeOf(attribute: ResolvedAttribute): string {
  switch (attribute.AttributeTypeName.Value) {
    case 'StateType':
      return 'State';
    case 'StatusType':
      return 'Status';
    case 'BooleanType':
      return 'Boolean';
    default:
      return 'Picklist';
  }
}
