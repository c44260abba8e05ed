import {
  isLookup,
  metadataTypeOf,
  type ValueKind,
  valueKindOf,
  wireNameOf,
} from './metadata/attributeKinds';
import {
  resolveAttribute,
  type ResolvedAttribute,
  type ResolvedTableInfo,
  resolveTableInfo,
} from './metadata/resolveDefinition';
import type { SimAttributeDefinition, SimTableDefinition } from './tableTypes';

/** How a lookup is written: `<navigation>@odata.bind` names one of its target tables. */
export interface LookupSpec {
  readonly targets: readonly string[];
}

/** One column as rows carry it. */
export interface ColumnSpec {
  readonly wireName: string;
  readonly attribute: ResolvedAttribute;
  readonly kind: ValueKind;
  /** Image bytes: only sent when named in `$select` (README). */
  readonly selectOnly: boolean;
  /** Clients may set it (IsValidForCreate or IsValidForUpdate); others are ignored in a body. */
  readonly writable: boolean;
  readonly lookup: LookupSpec | undefined;
}

/** A navigation property of a lookup: writing it sets `column` to a row of `target`. */
export interface NavigationProperty {
  readonly column: ColumnSpec;
  /** The target table, or undefined for a single-target lookup's own name (any of its targets). */
  readonly target: string | undefined;
}

/**
 * The live schema of one table: its definition with defaults resolved, the columns rows carry,
 * and the schema changes tests make (addColumn/removeColumn). Columns added after seeding read
 * null in generated rows even when the generator knows a column of that name.
 */
export class TableSchema {
  readonly info: ResolvedTableInfo;
  changeTrackingEnabled: boolean;
  private attributeList: ResolvedAttribute[] = [];
  private columnsByWire = new Map<string, ColumnSpec>();
  private navigation = new Map<string, NavigationProperty>();
  private defaults: string[] = [];
  private readonly resetColumns = new Set<string>();

  constructor(definition: SimTableDefinition) {
    this.info = resolveTableInfo(definition);
    this.changeTrackingEnabled = definition.ChangeTrackingEnabled;
    for (const attribute of definition.Attributes) this.insert(attribute);
    this.rebuild();
  }

  get logicalName(): string {
    return this.info.LogicalName;
  }

  get entitySetName(): string {
    return this.info.EntitySetName;
  }

  get primaryId(): string {
    return this.info.PrimaryIdAttribute;
  }

  /** True once a column was added or removed: rows then need {@link conform}. */
  get changed(): boolean {
    return this.resetColumns.size > 0;
  }

  attributes(): readonly ResolvedAttribute[] {
    return this.attributeList;
  }

  attribute(logicalName: string): ResolvedAttribute | undefined {
    return this.attributeList.find((attribute) => attribute.LogicalName === logicalName);
  }

  column(wireName: string): ColumnSpec | undefined {
    return this.columnsByWire.get(wireName);
  }

  columns(): IterableIterator<ColumnSpec> {
    return this.columnsByWire.values();
  }

  /** The columns of a row without `$select`, in attribute order (image bytes left out). */
  defaultColumns(): readonly string[] {
    return this.defaults;
  }

  navigationProperty(name: string): NavigationProperty | undefined {
    return this.navigation.get(name);
  }

  addAttribute(attribute: SimAttributeDefinition): void {
    if (this.attribute(attribute.LogicalName) !== undefined)
      throw new Error(`'${this.logicalName}' already has a column '${attribute.LogicalName}'`);
    const parent = attribute.AttributeOf ?? null;
    if (parent !== null && this.attribute(parent) === undefined)
      throw new Error(`AttributeOf '${parent}' is not a column of '${this.logicalName}'`);
    const resolved = this.insert(attribute);
    this.rebuild();
    const wireName = wireNameOf(resolved, undefined);
    if (wireName !== undefined) this.resetColumns.add(wireName);
  }

  /** Removes a column and the shadows that are AttributeOf it; returns the wire names dropped. */
  removeAttribute(logicalName: string): string[] {
    const attribute = this.attribute(logicalName);
    if (attribute === undefined)
      throw new Error(`'${this.logicalName}' has no column '${logicalName}'`);
    if (attribute.IsPrimaryId || attribute.IsPrimaryName || logicalName === 'versionnumber')
      throw new Error(`'${logicalName}' cannot be removed from '${this.logicalName}'`);
    const removed = new Set([logicalName]);
    const dropped: string[] = [];
    for (const candidate of this.attributeList) {
      if (candidate.AttributeOf !== null && removed.has(candidate.AttributeOf))
        removed.add(candidate.LogicalName);
    }
    for (const name of removed) {
      const wireName = [...this.columnsByWire.values()].find(
        (column) => column.attribute.LogicalName === name,
      )?.wireName;
      if (wireName !== undefined) {
        dropped.push(wireName);
        this.resetColumns.add(wireName);
      }
    }
    this.attributeList = this.attributeList.filter((item) => !removed.has(item.LogicalName));
    this.rebuild();
    return dropped;
  }

  /** Whether generated values of this column no longer count (it was added or re-added). */
  isReset(wireName: string): boolean {
    return this.resetColumns.has(wireName);
  }

  /** The current definition, as a test would write it. */
  definition(): SimTableDefinition {
    return {
      ...this.info,
      ChangeTrackingEnabled: this.changeTrackingEnabled,
      Attributes: this.attributeList.map((attribute) => ({ ...attribute })),
    };
  }

  private insert(attribute: SimAttributeDefinition): ResolvedAttribute {
    const resolved = resolveAttribute(this.info, attribute);
    this.attributeList.push(resolved);
    return resolved;
  }

  private rebuild(): void {
    this.columnsByWire = new Map();
    this.navigation = new Map();
    const byName = new Map(this.attributeList.map((a) => [a.LogicalName, a]));
    for (const attribute of this.attributeList) {
      const parent = attribute.AttributeOf === null ? undefined : byName.get(attribute.AttributeOf);
      const wireName = wireNameOf(attribute, parent);
      if (wireName === undefined) continue;
      const kind = valueKindOf(attribute);
      const column: ColumnSpec = {
        wireName,
        attribute,
        kind,
        selectOnly: kind === 'image',
        writable: attribute.IsValidForCreate || attribute.IsValidForUpdate,
        lookup: isLookup(attribute) ? { targets: attribute.Targets ?? [] } : undefined,
      };
      this.columnsByWire.set(wireName, column);
      if (column.lookup !== undefined) this.addNavigation(column);
    }
    this.defaults = [...this.columnsByWire.values()]
      .filter((column) => !column.selectOnly)
      .map((column) => column.wireName);
  }

  /**
   * Navigation names as Dataverse forms them: a system lookup by its logical name, a custom one
   * by its SchemaName (case matters); a Customer lookup once per target (`parentcustomerid_account`).
   */
  private addNavigation(column: ColumnSpec): void {
    const attribute = column.attribute;
    const base = attribute.IsCustomAttribute ? attribute.SchemaName : attribute.LogicalName;
    if (attribute.AttributeTypeName.Value === 'CustomerType') {
      for (const target of column.lookup?.targets ?? [])
        this.navigation.set(`${base}_${target}`, { column, target });
    } else {
      this.navigation.set(base, { column, target: undefined });
    }
  }
}

/** Whether a derived metadata type name (`PicklistAttributeMetadata`) applies to the attribute. */
export function hasMetadataType(attribute: ResolvedAttribute, typeName: string): boolean {
  return metadataTypeOf(attribute) === typeName;
}
