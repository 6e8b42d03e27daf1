/**
 * Footprint records: what the footprint readers hand to the rest of the pipeline. Pure types
 * plus the fixed list of BAG attribute names. No Effect, no I/O.
 */
import type { MultiPolygon } from "./geometry-types.ts"

/**
 * - `valid`: geometry needed no change.
 * - `repaired`: geometry was changed; `reasons` says how.
 * - `invalid`: geometry or id could not be made usable; the record is not modelled.
 * - `dropped`: usable, but deliberately not modelled (status, merged duplicate).
 */
export type FootprintStatus = "valid" | "repaired" | "invalid" | "dropped"

/** An attribute value as it travels into CityJSON. */
export type AttributeValue = string | number | boolean | null

/** BAG pand attributes under their 3DBAG (lowercase) names; every record carries all of them. */
export const BAG_ATTRIBUTE_NAMES = [
  "oorspronkelijkbouwjaar",
  "status",
  "geconstateerd",
  "documentnummer",
  "documentdatum",
  "voorkomenidentificatie",
  "begingeldigheid",
  "eindgeldigheid",
  "tijdstipregistratie",
  "eindregistratie",
  "tijdstipinactief",
  "tijdstipregistratielv",
  "tijdstipeindregistratielv",
  "tijdstipinactieflv",
  "tijdstipnietbaglv"
] as const

export type BagAttributeName = (typeof BAG_ATTRIBUTE_NAMES)[number]

export interface FootprintRecord {
  /** `NL.IMBAG.Pand.` + 16 digits when the source id could be normalised, else the raw id. */
  readonly identificatie: string
  /** Every name of `BAG_ATTRIBUTE_NAMES`; null when the source lacks it. */
  readonly attributes: Record<string, AttributeValue>
  /** Repaired geometry, EPSG:28992, 2D; null when nothing usable is left. */
  readonly geometry: MultiPolygon | null
  readonly status: FootprintStatus
  /** Every check that fired, in the order it fired. */
  readonly reasons: string[]
  /** Path of the file the record came from. */
  readonly source: string
  /** m² shared with other modelled footprints; totals under 1 m² are 0. */
  readonly overlapArea: number
}

/** One feature as a reader yields it, before id normalisation, selection and repair. */
export interface RawFootprint {
  /** Source id as found (16 digits, 15 digits, full `NL.IMBAG.Pand.…` form, or anything). */
  readonly id: string | null
  /** Already under 3DBAG names (see `BAG_ATTRIBUTE_NAMES`); missing names are null. */
  readonly attributes: Record<string, AttributeValue>
  /** Rings without the closing vertex; null when the feature has no usable geometry. */
  readonly geometry: MultiPolygon | null
  /** What the decoder noticed (unclosed ring, dropped Z, unsupported type). */
  readonly notes: string[]
}

/** Source field names (BAG 1.0 / NLExtract and BGT) that carry a 3DBAG attribute. */
export const BAG_ATTRIBUTE_ALIASES: Readonly<Record<string, BagAttributeName>> = {
  bouwjaar: "oorspronkelijkbouwjaar",
  pandstatus: "status",
  begindatumtijdvakgeldigheid: "begingeldigheid",
  einddatumtijdvakgeldigheid: "eindgeldigheid"
}

const asAttribute = (name: BagAttributeName, v: unknown): AttributeValue => {
  if (v === undefined || v === null) return null
  if (typeof v === "bigint") return Number(v)
  if (name === "geconstateerd") {
    if (v === "J" || v === 1 || v === true) return true
    if (v === "N" || v === 0 || v === false) return false
  }
  const numeric = name === "oorspronkelijkbouwjaar" || name === "voorkomenidentificatie"
  const isNumber = typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))
  if (numeric && isNumber) return Number(v)
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v
  return null
}

/**
 * Picks the BAG attributes out of a feature's properties (keys matched case-insensitively,
 * aliases applied, a current-schema name wins over an alias). Other properties are left out.
 */
export const bagAttributesFrom = (
  props: Readonly<Record<string, unknown>>
): Record<string, AttributeValue> => {
  const out: Record<string, AttributeValue> = {}
  for (const name of BAG_ATTRIBUTE_NAMES) out[name] = null
  const direct = new Set<string>()
  for (const [key, v] of Object.entries(props)) {
    const lower = key.toLowerCase()
    const name = (BAG_ATTRIBUTE_NAMES as ReadonlyArray<string>).includes(lower)
      ? (lower as BagAttributeName)
      : BAG_ATTRIBUTE_ALIASES[lower]
    if (name === undefined || (direct.has(name) && lower !== name)) continue
    if (lower === name) direct.add(name)
    out[name] = asAttribute(name, v)
  }
  return out
}
