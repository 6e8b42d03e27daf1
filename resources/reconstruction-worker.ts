/**
 * Reconstructs one tile inside a worker thread: loads the tile's points once per epoch, runs the
 * per-building kernels for every footprint, and writes the tile's CityJSONSeq to `outputFile`.
 * Every footprint becomes one feature: a building that cannot be modelled is written with its
 * LoD0 footprint (when it has one), `b3_extrusie: "skip"` and the reason. One building's failure
 * never fails the tile.
 */
import { writeFile } from "node:fs/promises"
import type { BBox, MultiPolygon, Polygon } from "../kernels/geometry-types.ts"
import { percentile } from "../kernels/percentile.ts"
import { polygonArea } from "../kernels/polygon-measure.ts"
import { reconstructLod12, type BuildingResult, type Lod12Params } from "../kernels/reconstruct-lod12.ts"
import { buildingFeature, cityJsonSeqHeader, type Transform } from "../kernels/cityjson-feature.ts"
import { withValidationAttributes } from "../kernels/feature-validation.ts"
import type { PointSet } from "../kernels/geometry-types.ts"
import { cropToPolygon } from "../kernels/point-index.ts"
import { reconstructLod22, type Lod22Result } from "../kernels/reconstruct-lod22.ts"
import { loadEpoch, type EpochFiles, type LoadedEpoch } from "./tile-points.ts"

export interface TileFootprint {
  readonly id: string
  readonly status: "valid" | "repaired" | "invalid" | "dropped"
  readonly reasons: ReadonlyArray<string>
  readonly overlapArea: number
  readonly attributes: Readonly<Record<string, string | number | boolean | null>>
  readonly geometry: MultiPolygon | null
}

export interface TileJob {
  readonly tile: string
  readonly footprints: ReadonlyArray<TileFootprint>
  readonly epochs: ReadonlyArray<EpochFiles>
  readonly params: Partial<Lod12Params>
  /** Lower-left corner of the tile: the CityJSON `transform.translate`. */
  readonly translate: readonly [number, number, number]
  readonly metadata: Readonly<Record<string, unknown>>
  readonly outputFile: string
}

export interface TileSummary {
  readonly footprints: number
  features: number
  readonly byExtrusion: Record<string, number>
  readonly skipReasons: Record<string, number>
  readonly selection: Record<string, number>
  readonly pointsPerEpoch: Record<string, number>
  readonly roofTypes: Record<string, number>
  readonly decodeMs: number
  readonly reconstructMs: number
}

/** Extent of the footprints that will be modelled (invalid and dropped ones need no points). */
const extentOf = (footprints: ReadonlyArray<TileFootprint>, margin: number): BBox | null => {
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  const modelled = footprints.filter((f) => f.status === "valid" || f.status === "repaired")
  for (const f of modelled) for (const p of f.geometry ?? []) for (let i = 0; i < p[0].length; i += 2) {
    b = [Math.min(b[0], p[0][i]), Math.min(b[1], p[0][i + 1]), Math.max(b[2], p[0][i]), Math.max(b[3], p[0][i + 1])]
  }
  return Number.isFinite(b[0]) ? [b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin] : null
}

/** Median ground height of the best-ranked epoch that has ground points: the last fallback. */
const tileGround = (epochs: ReadonlyArray<LoadedEpoch>, groundClass: number): number | null => {
  for (const e of [...epochs].sort((a, b) => a.rank - b.rank)) {
    const idx: number[] = []
    for (let i = 0; i < e.points.length; i++) if (e.points.classification[i] === groundClass) idx.push(i)
    if (idx.length > 0) return percentile(e.points.z, Uint32Array.from(idx), 0.5)
  }
  return null
}

const yearOf = (v: unknown): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN
  return Number.isInteger(n) && n > 1000 && n < 9999 ? n : null
}

interface PartResult {
  readonly base: BuildingResult
  readonly roof: Lod22Result | null
}

const subset = (p: PointSet, idx: Uint32Array): PointSet => ({
  x: Float64Array.from(idx, (i) => p.x[i]), y: Float64Array.from(idx, (i) => p.y[i]),
  z: Float64Array.from(idx, (i) => p.z[i]), classification: Uint8Array.from(idx, (i) => p.classification[i]),
  length: idx.length
})

/**
 * LoD1.3 and LoD2.2 of a modelled part, from the building points of the epoch chosen for LoD1.2;
 * that epoch's ground points inside the footprint let the labelling cut out open courtyards.
 */
const withRoof = (base: BuildingResult, epochs: ReadonlyArray<LoadedEpoch>,
  groundClass: number): PartResult => {
  const ground = base.attributes.b3_h_maaiveld
  const e = epochs.find((x) => x.epoch === base.attributes.b3_pw_bron)
  if (base.lod12 === null || base.footprint === null || e === undefined || typeof ground !== "number") {
    return { base, roof: null }
  }
  const idx = cropToPolygon(e.points, e.index, base.footprint, [e.buildingClass], 0)
  const onGround = cropToPolygon(e.points, e.index, base.footprint, [groundClass], 0)
  const roof = reconstructLod22({ polygon: base.footprint, groundZ: ground,
    points: subset(e.points, idx), groundPoints: subset(e.points, onGround) }, { validate: false })
  return { base, roof: roof.extrusion === "skip" ? null : roof }
}

/** Runs the kernels per polygon part; the largest part gives the building's attributes. */
const reconstruct = (f: TileFootprint, epochs: LoadedEpoch[], ground: number | null, params: Partial<Lod12Params>) => {
  if (f.status === "dropped") return { parts: [] as PartResult[], reason: f.reasons[0] ?? "dropped" }
  if (f.status === "invalid" || f.geometry === null || f.geometry.length === 0) {
    const why = f.reasons.filter((r) => !r.startsWith("duplicate id")).join("; ")
    return { parts: [] as PartResult[], reason: `invalid footprint: ${why || "no geometry"}` }
  }
  const year = yearOf(f.attributes.oorspronkelijkbouwjaar)
  const parts = [...f.geometry].map((polygon: Polygon) => withRoof(reconstructLod12(
    { id: f.id, polygon, constructionYear: year, tileGroundHeight: ground }, epochs, params), epochs,
    params.groundClass ?? 2))
  return { parts, reason: null }
}

const sumOf = (parts: ReadonlyArray<PartResult>, key: string, from: "base" | "roof") => {
  const vs = parts.map((p) => (from === "base" ? p.base.attributes[key] : p.roof?.attributes[key]))
    .filter((v): v is number => typeof v === "number")
  return vs.length > 0 ? vs.reduce((a, b) => a + b, 0) : null
}

/** Attributes of the whole building: BAG ones, then the largest part's, volumes and areas summed. */
const buildingAttributes = (
  f: TileFootprint, parts: PartResult[], skipReason: string | null
): Record<string, unknown> => {
  const main = parts.length === 0 ? null : parts.reduce((a, b) =>
    (polygonArea(b.base.footprint ?? []) > polygonArea(a.base.footprint ?? []) ? b : a))
  const extrusions = parts.map((p) => (p.roof !== null ? p.roof.extrusion : p.base.extrusie))
  const extrusie = main === null ? "skip" : extrusions.includes("standard") ? "standard" : extrusions[0]
  const reasons = [skipReason, ...parts.flatMap((p) => [p.base.reason, p.roof?.reason ?? null])]
    .filter((r): r is string => r !== null)
  return {
    identificatie: f.id,
    ...f.attributes,
    ...(main?.base.attributes ?? {}),
    ...(main?.roof?.attributes ?? {}),
    b3_extrusie: extrusie,
    b3_extrusie_reden: reasons.length > 0 ? [...new Set(reasons)].join("; ") : null,
    b3_volume_lod12: sumOf(parts, "b3_volume_lod12", "base"),
    b3_volume_lod13: sumOf(parts, "b3_volume_lod13", "roof"),
    b3_volume_lod22: sumOf(parts, "b3_volume_lod22", "roof"),
    b3_opp_dak_plat: sumOf(parts, "b3_opp_dak_plat", "roof"),
    b3_opp_dak_schuin: sumOf(parts, "b3_opp_dak_schuin", "roof"),
    b3_opp_buitenmuur: sumOf(parts, "b3_opp_buitenmuur", "roof"),
    b3_bag_bag_overlap: f.overlapArea,
    b3_footprint_status: f.status,
    b3_bag_duplicaten: f.reasons.filter((r) => r.startsWith("duplicate id")).join("; ") || null,
    b3_footprint_reparaties: f.status === "repaired" ? f.reasons.join("; ") : null
  }
}

const count = (m: Record<string, number>, k: string | null | undefined) => {
  if (k !== null && k !== undefined) m[k] = (m[k] ?? 0) + 1
}

export const reconstructTile = async (job: TileJob): Promise<TileSummary> => {
  const groundClass = job.params.groundClass ?? 2
  const extent = extentOf(job.footprints, (job.params.groundFallbackBuffer ?? 20) + 4)
  const epochs = extent === null ? [] : await Promise.all(job.epochs.map((e) => loadEpoch(e, extent, groundClass)))
  const t0 = performance.now()
  const ground = tileGround(epochs, groundClass)
  const transform: Transform = { scale: [0.001, 0.001, 0.001], translate: job.translate }
  const lines = [JSON.stringify(cityJsonSeqHeader({ translate: job.translate, metadata: job.metadata }))]
  const summary: TileSummary = { footprints: job.footprints.length, features: 0, byExtrusion: {}, skipReasons: {},
    selection: {}, roofTypes: {}, pointsPerEpoch: Object.fromEntries(epochs.map((e) => [e.epoch, e.points.length])),
    decodeMs: Math.round(epochs.reduce((s, e) => s + e.decodeMs, 0)), reconstructMs: 0 }
  for (const f of [...job.footprints].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const { parts, reason } = reconstruct(f, epochs, ground, job.params)
    const attributes = buildingAttributes(f, parts, reason)
    const lod0 = parts.length > 0
      ? parts.map((p) => ({ lod0: p.base.footprint ?? [], lod12: p.base.lod12, lod13: p.roof?.lod13 ?? null,
        lod22: p.roof?.lod22 ?? null }))
      : (f.geometry ?? []).map((polygon) => ({ lod0: polygon, lod12: null }))
    const feature = buildingFeature({ id: f.id, attributes, parts: lod0.filter((p) => p.lod0.length > 0) }, transform)
    lines.push(JSON.stringify(withValidationAttributes(feature, transform)))
    summary.features++
    count(summary.byExtrusion, attributes.b3_extrusie as string)
    if (attributes.b3_extrusie === "skip") {
      count(summary.skipReasons, String(attributes.b3_extrusie_reden ?? "unknown").split(": ")[0])
    }
    count(summary.selection, attributes.b3_pw_selectie_reden as string | null)
    count(summary.roofTypes, attributes.b3_dak_type as string | null)
  }
  await writeFile(job.outputFile, `${lines.join("\n")}\n`)
  return { ...summary, reconstructMs: Math.round(performance.now() - t0) }
}
