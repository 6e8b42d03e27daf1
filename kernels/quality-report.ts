/**
 * Quality report of a tile's reconstruction output and of a whole release: counts by category
 * attribute, validity per LoD with val3dity codes, RMSE / height / nodata-fraction
 * distributions, skipped and failed buildings, coverage, and the publish decision.
 *
 * Pure aggregation over the Building attributes (`b3_val3dity_*` as written by
 * `withValidationAttributes`); no geometry is validated here. Deterministic: object keys are
 * sorted, lists are sorted, numbers are rounded, no clock is read.
 *
 * Distributions keep an exact sketch (see quality-aggregate.ts), so a release's median and p90
 * are those of all its buildings, not of tile medians.
 */
import {
  type FeatureLike, type FeatureObject, LOD_KEYS, type LodKey, parseCodes
} from "./feature-validation.ts"
import {
  addTo, type BuildingIssue, byId, bump, compareText, type Distribution, distribution, HEIGHT_BINS,
  type LodValidity, lodName, mergeAggregates, NODATA_BINS, nodataMedians, numKey,
  type QualityAggregate, RMSE_BINS, round, share, sortedRecord
} from "./quality-aggregate.ts"

export type {
  BuildingIssue, Coverage, Distribution, Histogram, LodValidity, QualityAggregate
} from "./quality-aggregate.ts"
export type { LodKey } from "./feature-validation.ts"

export interface TileReport extends QualityAggregate {
  readonly tileId: string
  readonly referenceSystem: string | null
  readonly skipped: BuildingIssue[]
  readonly failed: BuildingIssue[]
}

export interface TileReportOptions {
  /** Ids of the footprints the tile should hold, or only their number. */
  readonly expectedFootprints?: ReadonlyArray<string> | number
  /** LoDs every non-skipped building must have; default none (any one solid suffices). */
  readonly requiredLods?: ReadonlyArray<LodKey>
  /** A skip whose reason matches is a failure; default /^internal error/i. */
  readonly failurePattern?: RegExp
}

/** Attribute name -> key in `counts`. */
export const COUNTED: ReadonlyArray<readonly [string, string]> = [
  ["b3_extrusie", "extrusie"], ["b3_dak_type", "dakType"],
  ["b3_pw_selectie_reden", "selectieReden"], ["b3_pw_bron", "pwBron"],
  ["b3_kwaliteitsindicator", "kwaliteitsindicator"]
]
const INTERNAL_ERROR = /^internal error/i
const REASON_KEYS = ["b3_reden", "b3_extrusie_reden", "reason"]
export const MISSING = "(missing)"
export const NOT_IN_OUTPUT = "not in the tile output"

/** The feature's Building: the object named like the feature, else the first Building. */
function buildingOf(f: FeatureLike): FeatureObject | undefined {
  const own = f.CityObjects[f.id]
  if (own?.type === "Building") return own
  const id = Object.keys(f.CityObjects).sort().find((k) => f.CityObjects[k].type === "Building")
  return id === undefined ? undefined : f.CityObjects[id]
}

/** LoDs for which the feature has a solid geometry. */
function solidLods(f: FeatureLike): Set<LodKey> {
  const out = new Set<LodKey>()
  for (const o of Object.values(f.CityObjects)) {
    for (const g of o.geometry ?? []) {
      if (!g.type.endsWith("Solid")) continue
      const lod = LOD_KEYS.find(([, l]) => l === String(g.lod))
      if (lod !== undefined) out.add(lod[0])
    }
  }
  return out
}

const text = (v: unknown): string => (v === null || v === undefined ? MISSING : String(v))

function reasonOf(a: Readonly<Record<string, unknown>>): string {
  for (const k of REASON_KEYS) if (typeof a[k] === "string" && a[k] !== "") return a[k] as string
  return "(no reason given)"
}

/** Why a building failed, or null. */
function failureOf(extrusie: unknown, reason: string, lods: Set<LodKey>,
  o: TileReportOptions): string | null {
  if (extrusie === "skip") return (o.failurePattern ?? INTERNAL_ERROR).test(reason) ? reason : null
  if (lods.size === 0) return `no solid geometry although b3_extrusie is ${text(extrusie)}`
  const missing = (o.requiredLods ?? []).filter((l) => !lods.has(l))
  if (missing.length === 0) return null
  return `missing ${missing.map(lodName).join(", ")}`
}

class Accumulator {
  readonly counts = new Map(COUNTED.map(([, k]) => [k, new Map<string, number>()]))
  readonly valid = new Map(LOD_KEYS.map(([l]) => [l, [0, 0, 0]]))
  readonly codes = new Map(LOD_KEYS.map(([l]) => [l, new Map<string, number>()]))
  readonly rmse = new Map(LOD_KEYS.map(([l]) => [l, new Map<number, number>()]))
  readonly height = new Map<number, number>()
  readonly nodata = new Map<string, Map<number, number>>()
  readonly skipReasons = new Map<string, number>()
  readonly skipped: BuildingIssue[] = []
  readonly failed: BuildingIssue[] = []
  modelled = 0

  add(f: FeatureLike, o: TileReportOptions): void {
    const a = buildingOf(f)?.attributes ?? {}
    for (const [attr, key] of COUNTED) bump(this.counts.get(key)!, text(a[attr]))
    const lods = solidLods(f)
    if (lods.size > 0) this.modelled++
    for (const [l] of LOD_KEYS) this.addValidity(l, parseCodes(a[`b3_val3dity_${l}`]), lods)
    for (const [l] of LOD_KEYS) addTo(this.rmse.get(l)!, a[`b3_rmse_${l}`], RMSE_BINS)
    const roof = a["b3_h_dak_70p"] ?? a["b3_h_70p"], ground = a["b3_h_maaiveld"]
    if (typeof roof === "number" && typeof ground === "number") {
      addTo(this.height, roof - ground, HEIGHT_BINS)
    }
    for (const k of Object.keys(a)) {
      const m = /^b3_nodata_fractie_(.+)$/.exec(k)
      if (m === null) continue
      if (!this.nodata.has(m[1])) this.nodata.set(m[1], new Map())
      addTo(this.nodata.get(m[1])!, a[k], NODATA_BINS)
    }
    this.addIssue(f.id, a, lods, o)
  }

  private addValidity(l: LodKey, codes: number[] | null, lods: Set<LodKey>): void {
    const v = this.valid.get(l)!
    if (codes === null) { if (lods.has(l)) v[2]++; return }
    v[codes.length === 0 ? 0 : 1]++
    for (const c of new Set(codes)) bump(this.codes.get(l)!, String(c))
  }

  private addIssue(id: string, a: Readonly<Record<string, unknown>>, lods: Set<LodKey>,
    o: TileReportOptions): void {
    const ex = a["b3_extrusie"], reason = reasonOf(a)
    const extrusie = typeof ex === "string" ? ex : null
    const failure = failureOf(ex, reason, lods, o)
    if (failure !== null) this.failed.push({ id, extrusie, reason: failure })
    else if (ex === "skip") {
      this.skipped.push({ id, extrusie, reason })
      bump(this.skipReasons, reason)
    }
  }

  validity(): Record<LodKey, LodValidity> {
    const out = {} as Record<LodKey, LodValidity>
    for (const [l] of LOD_KEYS) {
      const [valid, invalid, unvalidated] = this.valid.get(l)!
      const buildings = valid + invalid + unvalidated
      const codes = new Map([...this.codes.get(l)!].sort((x, y) => numKey(x[0], y[0])))
      out[l] = {
        buildings, valid, invalid, unvalidated, validShare: share(valid, buildings),
        codes: Object.fromEntries(codes)
      }
    }
    return out
  }
}

/** Footprints in `expected` not present among the features, sorted. */
function missingIds(expected: TileReportOptions["expectedFootprints"],
  features: ReadonlyArray<FeatureLike>): string[] {
  if (expected === undefined || typeof expected === "number") return []
  const present = new Set(features.map((f) => f.id))
  return [...new Set(expected)].filter((id) => !present.has(id)).sort()
}

/**
 * Quality report of one tile's CityJSONSeq: `header` is its first line, `features` the rest.
 * Missing expected footprints are failed buildings ("not in the tile output").
 */
export function tileReport(tileId: string, header: unknown, features: ReadonlyArray<FeatureLike>,
  options: TileReportOptions = {}): TileReport {
  const acc = new Accumulator()
  for (const f of features) acc.add(f, options)
  const missing = missingIds(options.expectedFootprints, features)
  for (const id of missing) acc.failed.push({ id, extrusie: null, reason: NOT_IN_OUTPUT })
  const exp = options.expectedFootprints
  const expected = exp === undefined ? null : typeof exp === "number" ? exp : new Set(exp).size
  const present = expected === null || typeof exp === "number"
    ? features.length : expected - missing.length
  const nodataFraction = sortedRecord(new Map([...acc.nodata].map(([k, m]) =>
    [k, distribution(m, NODATA_BINS)])))
  const meta = (header as { metadata?: { referenceSystem?: unknown } } | null)?.metadata
  return {
    tileId,
    referenceSystem: typeof meta?.referenceSystem === "string" ? meta.referenceSystem : null,
    buildings: features.length,
    counts: sortedRecord(new Map([...acc.counts].map(([k, m]) => [k, sortedRecord(m)]))),
    validity: acc.validity(),
    rmse: Object.fromEntries(LOD_KEYS.map(([l]) =>
      [l, distribution(acc.rmse.get(l)!, RMSE_BINS)])) as Record<LodKey, Distribution>,
    height: distribution(acc.height, HEIGHT_BINS), nodataFraction,
    coverage: {
      expected, present, missing: expected === null ? 0 : Math.max(0, expected - present),
      modelled: acc.modelled, share: expected === null ? null : share(present, expected),
      modelledShare: share(acc.modelled, expected ?? features.length),
      nodataFractionMedian: nodataMedians(nodataFraction)
    },
    skipReasons: sortedRecord(acc.skipReasons),
    skippedCount: acc.skipped.length, failedCount: acc.failed.length,
    skipped: acc.skipped.sort(byId), failed: acc.failed.sort(byId)
  }
}

export interface FailedTile { readonly tileId: string; readonly reason: string }

export interface TileSummary {
  readonly tileId: string
  readonly buildings: number
  readonly modelled: number
  readonly skipped: number
  readonly failed: number
  readonly validShare: Record<LodKey, number | null>
  readonly rmseMedian: Record<LodKey, number | null>
  /** Why the tile failed; null when it did not. */
  readonly failure: string | null
}

export interface ReleaseReportOptions {
  readonly failedTiles?: ReadonlyArray<FailedTile>
  /** Minimum share of valid solids (0..1), for every LoD or per LoD. */
  readonly minValidShare?: number | Partial<Record<LodKey, number>>
  /** Longest `skipped` / `failed` list kept in the release report; default 1000. */
  readonly maxListed?: number
  /** Written as given; the report reads no clock. */
  readonly generatedAt?: string
}

export interface ReleaseReport {
  readonly version: string
  readonly generatedAt: string | null
  readonly tiles: number
  readonly totals: QualityAggregate
  readonly tileSummaries: TileSummary[]
  readonly failedTiles: FailedTile[]
  /** The first `listedLimit` skipped / failed buildings by tile and id; totals give counts. */
  readonly skipped: BuildingIssue[]
  readonly failed: BuildingIssue[]
  readonly listedLimit: number
  readonly thresholds: Record<LodKey, number | null>
  readonly publishable: boolean
  readonly blockers: string[]
}

/** 0.955 -> "95.5%". */
const percent = (t: number): string => `${round(t * 100, 2)}%`
/** valid / total as a percentage rounded down to 0.1, so a failing share never reads as passing. */
const percentDown = (valid: number, total: number): string =>
  `${(Math.floor((valid * 1000) / total) / 10).toFixed(1)}%`

function thresholdsOf(o: ReleaseReportOptions["minValidShare"]): Record<LodKey, number | null> {
  const at = (l: LodKey): number | null =>
    o === undefined ? null : typeof o === "number" ? o : o[l] ?? null
  return { lod12: at("lod12"), lod13: at("lod13"), lod22: at("lod22") }
}

/**
 * Why the release must not be published: no tiles, each failed tile, and each LoD whose
 * share of valid solids is below its threshold. A threshold on a LoD without any solid
 * blocks too: a check that cannot be evaluated does not pass.
 */
function blockersOf(tiles: number, failedTiles: ReadonlyArray<FailedTile>,
  totals: QualityAggregate, thresholds: Record<LodKey, number | null>): string[] {
  const out: string[] = []
  if (tiles === 0) out.push("the release has no tiles")
  for (const f of failedTiles) out.push(`tile ${f.tileId} failed: ${f.reason}`)
  for (const [l] of LOD_KEYS) {
    const t = thresholds[l], v = totals.validity[l]
    if (t === null) continue
    if (v.buildings === 0) {
      out.push(`${lodName(l)} validity cannot be checked: the release has no ${lodName(l)} ` +
        `solids (configured minimum ${percent(t)})`)
    } else if (v.valid / v.buildings < t) {
      out.push(`${lodName(l)} validity ${percentDown(v.valid, v.buildings)} is below the ` +
        `configured ${percent(t)}`)
    }
  }
  return out
}

function summaryOf(t: TileReport | undefined, tileId: string, failure: string | null): TileSummary {
  const perLod = (f: (l: LodKey) => number | null): Record<LodKey, number | null> =>
    ({ lod12: f("lod12"), lod13: f("lod13"), lod22: f("lod22") })
  return {
    tileId, buildings: t?.buildings ?? 0, modelled: t?.coverage.modelled ?? 0,
    skipped: t?.skippedCount ?? 0, failed: t?.failedCount ?? 0,
    validShare: perLod((l) => t?.validity[l].validShare ?? null),
    rmseMedian: perLod((l) => t?.rmse[l].median ?? null), failure
  }
}

/** Release-wide report over its tile reports, with the publish decision. */
export function releaseReport(version: string, tileReports: ReadonlyArray<TileReport>,
  options: ReleaseReportOptions = {}): ReleaseReport {
  const tiles = [...tileReports].sort((a, b) => compareText(a.tileId, b.tileId))
  const failedTiles = [...(options.failedTiles ?? [])]
    .sort((a, b) => compareText(a.tileId, b.tileId))
  const byTile = new Map(tiles.map((t) => [t.tileId, t]))
  const failure = new Map(failedTiles.map((f) => [f.tileId, f.reason]))
  const ids = [...new Set([...byTile.keys(), ...failure.keys()])].sort(compareText)
  const totals = mergeAggregates(tiles)
  const thresholds = thresholdsOf(options.minValidShare)
  const blockers = blockersOf(ids.length, failedTiles, totals, thresholds)
  const limit = options.maxListed ?? 1000
  const list = (f: (t: TileReport) => BuildingIssue[]): BuildingIssue[] =>
    tiles.flatMap((t) => f(t).map((i) => ({ ...i, tileId: t.tileId }))).sort(byId).slice(0, limit)
  return {
    version, generatedAt: options.generatedAt ?? null, tiles: ids.length, totals,
    tileSummaries: ids.map((id) => summaryOf(byTile.get(id), id, failure.get(id) ?? null)),
    failedTiles, skipped: list((t) => t.skipped), failed: list((t) => t.failed),
    listedLimit: limit, thresholds, publishable: blockers.length === 0, blockers
  }
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep)
  if (v === null || typeof v !== "object") return v
  const out: Record<string, unknown> = {}
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortKeysDeep(o[k])
  return out
}

/** An indented array holding only numbers, as JSON.stringify writes it. */
const NUMBER_ARRAY = /\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g

/**
 * report.json text: keys sorted at every level, two-space indent, arrays of numbers on one line
 * (histogram counts, sketch pairs), final newline.
 */
export const reportJson = (report: TileReport | ReleaseReport): string =>
  `${JSON.stringify(sortKeysDeep(report), null, 2)
    .replace(NUMBER_ARRAY, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`)}\n`
