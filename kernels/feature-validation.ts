/**
 * Validation of one CityJSONFeature per LoD (1.2, 1.3, 2.2) with val3dity's codes, and the
 * Building attributes 3DBAG derives from it: `b3_val3dity_lod12/13/22` and
 * `b3_kwaliteitsindicator`. Pure: plain objects in, new objects out; the input is not changed.
 */
import {
  type CityJsonGeometry, type CityJsonTransform, cityJsonSolids
} from "./cityjson-solid.ts"
import { type ValidationOptions, validateSolid } from "./val3dity.ts"

export type LodKey = "lod12" | "lod13" | "lod22"

/** The LoDs validated, with the `lod` value their CityJSON geometries carry. */
export const LOD_KEYS: ReadonlyArray<readonly [LodKey, string]> = [
  ["lod12", "1.2"], ["lod13", "1.3"], ["lod22", "2.2"]
]

/** Per LoD: sorted unique codes over all solids of that LoD ([] = valid), null when absent. */
export type FeatureValidation = Record<LodKey, number[] | null>

/** The part of a CityJSON city object read and written here. */
export interface FeatureObject {
  readonly type: string
  readonly attributes?: Readonly<Record<string, unknown>>
  readonly geometry?: ReadonlyArray<CityJsonGeometry>
  readonly children?: ReadonlyArray<string>
  readonly parents?: ReadonlyArray<string>
}

/** The part of a CityJSONFeature read here (parsed JSON and `buildingFeature` output fit). */
export interface FeatureLike {
  readonly type?: string
  readonly id: string
  readonly CityObjects: Readonly<Record<string, FeatureObject>>
  readonly vertices: ReadonlyArray<ReadonlyArray<number>>
}

const SOLID_TYPES = new Set(["Solid", "MultiSolid", "CompositeSolid"])

/**
 * Validates every Solid / MultiSolid / CompositeSolid of every city object in the feature and
 * merges the codes per LoD. A LoD without any solid geometry gives null. Cost: one
 * `validateSolid` per solid.
 */
export function validateFeature(feature: FeatureLike, transform?: CityJsonTransform,
  options?: ValidationOptions): FeatureValidation {
  const codes: Record<LodKey, Set<number> | null> = { lod12: null, lod13: null, lod22: null }
  for (const id of Object.keys(feature.CityObjects).sort()) {
    for (const g of feature.CityObjects[id].geometry ?? []) {
      if (!SOLID_TYPES.has(g.type)) continue
      const lod = LOD_KEYS.find(([, l]) => l === String(g.lod))
      if (lod === undefined) continue
      const set = codes[lod[0]] ?? new Set<number>()
      for (const s of cityJsonSolids(g, feature.vertices, transform)) {
        for (const c of validateSolid(s.outer, s.inner, options)) set.add(c)
      }
      codes[lod[0]] = set
    }
  }
  const out = (s: Set<number> | null): number[] | null =>
    s === null ? null : [...s].sort((a, b) => a - b)
  return { lod12: out(codes.lod12), lod13: out(codes.lod13), lod22: out(codes.lod22) }
}

/**
 * The attribute value as 3DBAG writes it: a JSON list in a string, "[]" when valid (the
 * reference features of v2024.04.20 carry "[]"), e.g. "[203,307]"; null when the LoD is absent.
 * LIMITATION: no published feature with errors was available, so the separator of a
 * non-empty list ("," here, without a space) is not checked against 3DBAG's own output;
 * `parseCodes` reads both.
 */
export const formatCodes = (codes: ReadonlyArray<number> | null): string | null =>
  codes === null ? null : JSON.stringify([...codes])

/**
 * Reads a `b3_val3dity_*` value: a string like "[]" / "[203, 307]" or an array of numbers.
 * Null when absent or unreadable.
 */
export function parseCodes(value: unknown): number[] | null {
  let v = value
  if (typeof v === "string") {
    try { v = JSON.parse(v) } catch { return null }
  }
  if (!Array.isArray(v)) return null
  const codes = v.map(Number)
  return codes.every(Number.isInteger) ? codes.sort((a, b) => a - b) : null
}

/** DOMAIN.md: footprint overlaps under 1 m² count as none. */
const NO_OVERLAP_BELOW_M2 = 1

/**
 * `b3_kwaliteitsindicator`: no overlap with other footprints, LoD2.2 valid, and a selection
 * reason not starting with `_` (`_HIGHEST_YET_INSUFFICIENT_COVERAGE`, `_LATEST_BUT_OUTDATED`).
 * A missing overlap counts as unknown, so false. Null when there is no LoD2.2 model to judge
 * (skipped buildings, or a pipeline that writes only LoD1.x).
 */
export function qualityIndicator(attributes: Readonly<Record<string, unknown>>,
  lod22: ReadonlyArray<number> | null): boolean | null {
  if (lod22 === null) return null
  const overlap = attributes["b3_bag_bag_overlap"]
  const noOverlap = typeof overlap === "number" && overlap < NO_OVERLAP_BELOW_M2
  const reason = attributes["b3_pw_selectie_reden"]
  const goodReason = !(typeof reason === "string" && reason.startsWith("_"))
  return noOverlap && lod22.length === 0 && goodReason
}

/**
 * A copy of the feature whose Building objects carry `b3_val3dity_lod12/13/22` (see
 * `formatCodes`) and `b3_kwaliteitsindicator`, with the attribute keys sorted. Other objects
 * and the vertices are shared with the input, not copied.
 */
export function withValidationAttributes<F extends FeatureLike>(feature: F,
  transform?: CityJsonTransform, options?: ValidationOptions): F {
  const v = validateFeature(feature, transform, options)
  const objects: Record<string, FeatureObject> = {}
  for (const id of Object.keys(feature.CityObjects)) {
    const o = feature.CityObjects[id]
    if (o.type !== "Building") {
      objects[id] = o
      continue
    }
    const merged: Record<string, unknown> = {
      ...o.attributes,
      b3_val3dity_lod12: formatCodes(v.lod12),
      b3_val3dity_lod13: formatCodes(v.lod13),
      b3_val3dity_lod22: formatCodes(v.lod22),
      b3_kwaliteitsindicator: qualityIndicator(o.attributes ?? {}, v.lod22)
    }
    const attributes: Record<string, unknown> = {}
    for (const k of Object.keys(merged).sort()) attributes[k] = merged[k]
    objects[id] = { ...o, attributes }
  }
  return { ...feature, CityObjects: objects }
}
