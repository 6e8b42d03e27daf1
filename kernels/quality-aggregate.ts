/**
 * Building blocks of the quality report: distributions with fixed histogram bins plus an exact
 * sketch (value quantised to the attribute's published precision -> count), the aggregate a
 * tile report and a release report share, and its merge. Merging sketches gives a release's
 * true median and p90, not a statistic of tile statistics. Pure.
 */
import { LOD_KEYS, type LodKey } from "./feature-validation.ts"

export interface Histogram { readonly labels: string[]; readonly counts: number[] }

export interface Distribution {
  readonly count: number
  readonly min: number | null
  readonly max: number | null
  readonly mean: number | null
  /** Type-7 quantiles (numpy's default) of the quantised values. */
  readonly median: number | null
  readonly p90: number | null
  readonly histogram: Histogram
  /** Quantum of the sketch, in the attribute's unit (0.001 m for RMSE). */
  readonly resolution: number
  /**
   * [value / resolution, count], ascending by value. At most range / resolution entries: an
   * RMSE sketch over 0–50 m holds ≤ 50,000 pairs however many buildings a release has.
   */
  readonly sketch: Array<[number, number]>
}

export interface BinSpec {
  readonly resolution: number
  /** Bin edges in quanta: bins are (−∞, e0), [e0, e1), …, [e_last, ∞). */
  readonly edges: number[]
  readonly labels: string[]
}

export function binSpec(resolution: number, edges: number[], decimals: number,
  low?: string): BinSpec {
  const f = (q: number): string => (q * resolution).toFixed(decimals)
  const labels = [low ?? `<${f(edges[0])}`]
  for (let i = 1; i < edges.length; i++) labels.push(`${f(edges[i - 1])}–${f(edges[i])}`)
  labels.push(`≥${f(edges[edges.length - 1])}`)
  return { resolution, edges, labels }
}
const steps = (from: number, step: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => from + i * step)

/** RMSE (m): 0.1 m bins up to 2 m, at 0.001 m (the published precision). */
export const RMSE_BINS = binSpec(0.001, steps(100, 100, 20), 1, "0.0–0.1")
/** Height above ground (m): 3 m bins (about one storey) up to 60 m, at 0.01 m. */
export const HEIGHT_BINS = binSpec(0.01, steps(0, 300, 21), 0)
/** Nodata fraction: 0.06 is the sufficiency limit of the point-cloud selection. */
export const NODATA_BINS = binSpec(0.001, [10, 20, 60, 100, 250, 500], 2, "0.00–0.01")

export const round = (v: number, decimals: number): number => {
  const f = 10 ** decimals
  const r = Math.round(v * f) / f
  return r === 0 ? 0 : r
}
const decimalsOf = (resolution: number): number => Math.max(0, Math.round(-Math.log10(resolution)))

/** Type-7 quantile over a sorted [quantum, count] sketch of n > 0 values. O(sketch length). */
function sketchQuantile(sketch: ReadonlyArray<[number, number]>, n: number, q: number): number {
  const h = (n - 1) * q, k = Math.floor(h)
  const at = (rank: number): number => {
    let seen = 0
    for (const [v, c] of sketch) {
      seen += c
      if (rank < seen) return v
    }
    return sketch[sketch.length - 1][0]
  }
  const lo = at(k)
  return h === k ? lo : lo + (h - k) * (at(k + 1) - lo)
}

/** Statistics, rounded to a tenth of the quantum, and histogram of a quantum -> count map. */
export function distribution(counts: ReadonlyMap<number, number>, spec: BinSpec): Distribution {
  const sketch = [...counts.entries()].sort((a, b) => a[0] - b[0])
  const n = sketch.reduce((s, [, c]) => s + c, 0)
  const hist = new Array<number>(spec.labels.length).fill(0)
  let sum = 0
  for (const [v, c] of sketch) {
    let b = 0
    while (b < spec.edges.length && v >= spec.edges[b]) b++
    hist[b] += c
    sum += v * c
  }
  const r = spec.resolution, d = decimalsOf(r) + 1
  const stat = (f: () => number): number | null => (n > 0 ? round(f() * r, d) : null)
  return {
    count: n, min: stat(() => sketch[0][0]), max: stat(() => sketch[sketch.length - 1][0]),
    mean: stat(() => sum / n), median: stat(() => sketchQuantile(sketch, n, 0.5)),
    p90: stat(() => sketchQuantile(sketch, n, 0.9)),
    histogram: { labels: [...spec.labels], counts: hist }, resolution: r, sketch
  }
}

/**
 * Adds a finite number, quantised to the spec's resolution; anything else is ignored.
 * LIMITATION: binning happens after quantising, so a value less than half a quantum below a bin
 * edge lands in the upper bin (an RMSE of 0.0996 m counts as 0.100 m, in 0.1–0.2). Values
 * already published at that precision are unaffected.
 */
export function addTo(counts: Map<number, number>, value: unknown, spec: BinSpec): void {
  if (typeof value !== "number" || !Number.isFinite(value)) return
  const q = Math.round(value / spec.resolution)
  counts.set(q, (counts.get(q) ?? 0) + 1)
}

export function mergeSketches(ds: ReadonlyArray<Distribution>, spec: BinSpec): Distribution {
  const counts = new Map<number, number>()
  for (const d of ds) for (const [v, c] of d.sketch) counts.set(v, (counts.get(v) ?? 0) + c)
  return distribution(counts, spec)
}

export interface LodValidity {
  /** Buildings with a solid of this LoD or a `b3_val3dity_*` value for it. */
  readonly buildings: number
  readonly valid: number
  readonly invalid: number
  /** Solids of this LoD without a readable `b3_val3dity_*` value; they count as not valid. */
  readonly unvalidated: number
  /** valid / buildings, 4 decimals; null when there are no buildings. */
  readonly validShare: number | null
  /** Error code -> number of buildings with it. */
  readonly codes: Record<string, number>
}

export interface Coverage {
  /** Footprints the tile should hold; null when not given. */
  readonly expected: number | null
  /** Features in the output (of the expected ones, when their ids are given). */
  readonly present: number
  readonly missing: number
  /** Buildings with at least one solid. */
  readonly modelled: number
  readonly share: number | null
  readonly modelledShare: number | null
  /** Median `b3_nodata_fractie_<epoch>` per epoch. */
  readonly nodataFractionMedian: Record<string, number | null>
}

export interface BuildingIssue {
  readonly id: string
  readonly extrusie: string | null
  readonly reason: string
  readonly tileId?: string
}

/** What a tile and a release have in common. */
export interface QualityAggregate {
  readonly buildings: number
  /** Attribute -> value -> count; a missing value is counted as "(missing)". */
  readonly counts: Record<string, Record<string, number>>
  readonly validity: Record<LodKey, LodValidity>
  readonly rmse: Record<LodKey, Distribution>
  /** b3_h_dak_70p − b3_h_maaiveld (m). */
  readonly height: Distribution
  readonly nodataFraction: Record<string, Distribution>
  readonly coverage: Coverage
  readonly skipReasons: Record<string, number>
  readonly skippedCount: number
  readonly failedCount: number
}

/** n / d rounded to 4 decimals; null when d is 0. */
export const share = (n: number, d: number): number | null => (d > 0 ? round(n / d, 4) : null)

/** A map as a plain object with keys in code-unit order. */
export function sortedRecord<V>(m: Map<string, V>): Record<string, V> {
  const out: Record<string, V> = {}
  for (const k of [...m.keys()].sort()) out[k] = m.get(k) as V
  return out
}
export const bump = (m: Map<string, number>, k: string, by = 1): void => {
  m.set(k, (m.get(k) ?? 0) + by)
}
/** Numeric order of code keys ("203" before "1000"). */
export const numKey = (a: string, b: string): number => Number(a) - Number(b) || (a < b ? -1 : 1)

/** "lod22" -> "LoD2.2". */
export const lodName = (l: LodKey): string => `LoD${l[3]}.${l[4]}`

/** Code-unit order: the same on every machine and locale. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Order of issue lists: by tile, then by building id. */
export const byId = (x: BuildingIssue, y: BuildingIssue): number =>
  compareText(x.tileId ?? "", y.tileId ?? "") || compareText(x.id, y.id)

/** Median nodata fraction per epoch. */
export function nodataMedians(d: Record<string, Distribution>): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  for (const k of Object.keys(d)) out[k] = d[k].median
  return out
}

function mergeCounts(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const m = new Map<string, number>()
  for (const r of records) for (const k of Object.keys(r)) bump(m, k, r[k])
  return sortedRecord(m)
}

function mergeValidity(vs: ReadonlyArray<LodValidity>): LodValidity {
  const sum = (f: (v: LodValidity) => number): number => vs.reduce((s, v) => s + f(v), 0)
  const buildings = sum((v) => v.buildings), valid = sum((v) => v.valid)
  const codes = mergeCounts(vs.map((v) => v.codes))
  const sortedCodes = Object.fromEntries(Object.entries(codes).sort((a, b) => numKey(a[0], b[0])))
  return {
    buildings, valid, invalid: sum((v) => v.invalid), unvalidated: sum((v) => v.unvalidated),
    validShare: share(valid, buildings), codes: sortedCodes
  }
}

function mergeCoverage(cs: ReadonlyArray<Coverage>, buildings: number,
  nodataFractionMedian: Record<string, number | null>): Coverage {
  const sum = (f: (c: Coverage) => number): number => cs.reduce((s, c) => s + f(c), 0)
  const expected = cs.length > 0 && cs.every((c) => c.expected !== null)
    ? sum((c) => c.expected ?? 0) : null
  const present = sum((c) => c.present), modelled = sum((c) => c.modelled)
  return {
    expected, present, missing: sum((c) => c.missing), modelled,
    share: expected === null ? null : share(present, expected),
    modelledShare: share(modelled, expected ?? buildings), nodataFractionMedian
  }
}

/** Totals over tiles: counts add up, distributions merge their sketches exactly. */
export function mergeAggregates(ts: ReadonlyArray<QualityAggregate>): QualityAggregate {
  const keys = (f: (t: QualityAggregate) => object): string[] =>
    [...new Set(ts.flatMap((t) => Object.keys(f(t))))].sort()
  const counts: Record<string, Record<string, number>> = {}
  for (const k of keys((t) => t.counts)) counts[k] = mergeCounts(ts.map((t) => t.counts[k] ?? {}))
  const nodataFraction: Record<string, Distribution> = {}
  for (const e of keys((t) => t.nodataFraction)) {
    const ds = ts.flatMap((t) => (t.nodataFraction[e] === undefined ? [] : [t.nodataFraction[e]]))
    nodataFraction[e] = mergeSketches(ds, NODATA_BINS)
  }
  const buildings = ts.reduce((s, t) => s + t.buildings, 0)
  const perLod = <T>(f: (l: LodKey) => T): Record<LodKey, T> =>
    Object.fromEntries(LOD_KEYS.map(([l]) => [l, f(l)])) as Record<LodKey, T>
  return {
    buildings, counts,
    validity: perLod((l) => mergeValidity(ts.map((t) => t.validity[l]))),
    rmse: perLod((l) => mergeSketches(ts.map((t) => t.rmse[l]), RMSE_BINS)),
    height: mergeSketches(ts.map((t) => t.height), HEIGHT_BINS), nodataFraction,
    coverage: mergeCoverage(ts.map((t) => t.coverage), buildings, nodataMedians(nodataFraction)),
    skipReasons: mergeCounts(ts.map((t) => t.skipReasons)),
    skippedCount: ts.reduce((s, t) => s + t.skippedCount, 0),
    failedCount: ts.reduce((s, t) => s + t.failedCount, 0)
  }
}
