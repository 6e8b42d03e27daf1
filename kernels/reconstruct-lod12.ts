/**
 * Per-building LoD1.2 reconstruction: crop, coverage per epoch, epoch selection, ground and
 * roof heights, one prism from the ground to the roof's 70th percentile, volume and RMSE,
 * and the 3DBAG attributes. Never throws: every failure is a `skip` result with its reason.
 *
 * Rules chosen here (3DBAG/roofer defaults where they exist):
 * - Ground `b3_h_maaiveld`: 5th percentile of the chosen epoch's ground points (class 2)
 *   inside the footprint buffered by 4 m → source "points". None: "nearest ground" — take the
 *   ground points within 20 m of the footprint (chosen epoch first, then the others by rank),
 *   find the smallest distance d to the footprint, and use the 5th percentile of those within
 *   d + 4 m (the nearest band, as wide as the normal buffer). None: the tile's ground height →
 *   "tile ground". None: skip.
 * - Roof: percentiles min/50/70/max of the chosen epoch's building points inside the
 *   footprint; the prism top is the 70th percentile.
 * - Fewer than 1 building point per m² of footprint: still reconstructed (`standard`), and
 *   the reason says the density is insufficient.
 * - Footprint over 30,000 m² (3DBAG production): `lod11_fallback`, top at the 70th percentile
 *   of the per-cell max z (not of the points), as 3DBAG's LoD1.1 fallback does.
 * - A top less than 0.1 m above the ground is raised to ground + 0.1 m (a zero-height prism
 *   is not a solid); the reason says so. The b3_h_dak_* attributes keep the measured values.
 * - Invalid footprint (after dropping repeated vertices and fixing ring orientation): skip
 *   with the defect, not repaired here (repair belongs before this step).
 * - Height attributes use the names of the 2024 releases and of the reference features,
 *   `b3_h_dak_min/50p/70p/max`, not the newer `b3_h_min/…`.
 * LIMITATION: points are not thinned to 20 pts/m² as roofer does, so on dense epochs (AHN4/5)
 * the crop, percentiles and RMSE cost more and `b3_puntdichtheid_*` reports the raw density.
 * LIMITATION: one polygon per building; multi-part footprints must be split by the caller and
 * reconstructed part by part.
 */
import type { Polygon, PointSet } from "./geometry-types.ts"
import { cropToPolygon, pointInPolygon, polygonBBox, queryBBox, squaredDistanceToBoundary } from "./point-index.ts"
import type { PointIndex } from "./point-index.ts"
import { percentile, percentiles } from "./percentile.ts"
import { computeCoverage, rasterizeFootprint, rasterizePoints, type CoverageRaster } from "./coverage.ts"
import type { Coverage } from "./coverage.ts"
import { adjacentMutations, defaultSelectionParams, selectPointCloud } from "./pointcloud-selection.ts"
import type { SelectionParams, SelectionResult } from "./pointcloud-selection.ts"
import {
  extrudePolygon, footprintProblem, normalizeFootprint, polygonArea, solidVolume
} from "./extrude.ts"
import type { SolidMesh } from "./extrude.ts"
import { meshRmse } from "./mesh-distance.ts"
import { roundAttributes } from "./cityjson-feature.ts"

export interface EpochPoints {
  /** Epoch name as published, e.g. "AHN3"; attribute suffixes use it in lower case. */
  readonly epoch: string
  /** Acquisition year. */
  readonly year: number
  /** Quality rank, lower is better. */
  readonly rank: number
  /** Class of building points: 6, or 1 for AHN2, which has no class 6. */
  readonly buildingClass: number
  readonly points: PointSet
  readonly index: PointIndex
  /**
   * Whether buildings may be modelled from this epoch (default true). An epoch without a
   * building class (AHN2) is still measured, for coverage and mutation, when this is false.
   */
  readonly modelling?: boolean
}

export interface BuildingInput {
  readonly id: string
  /** One part, repaired (outer CCW, holes CW; orientation is fixed here if not). */
  readonly polygon: Polygon
  readonly constructionYear: number | null
  /** Ground height of the tile, the last ground fallback; null when unknown. */
  readonly tileGroundHeight: number | null
}

export interface Lod12Params {
  readonly cellSize: number
  readonly groundClass: number
  readonly groundBuffer: number
  readonly groundFallbackBuffer: number
  readonly groundPercentile: number
  readonly roofPercentile: number
  /** Building points per m² of footprint below which the cloud is insufficient. */
  readonly minDensity: number
  /** Footprint area (m²) above which the LoD1.1 fallback is used. */
  readonly lod11AreaThreshold: number
  /** Smallest prism height, metres. */
  readonly minHeight: number
  readonly selection: SelectionParams
}

export const defaultLod12Params: Lod12Params = {
  cellSize: 0.5,
  groundClass: 2,
  groundBuffer: 4,
  groundFallbackBuffer: 20,
  groundPercentile: 0.05,
  roofPercentile: 0.7,
  minDensity: 1,
  lod11AreaThreshold: 30_000,
  minHeight: 0.1,
  selection: defaultSelectionParams
}

export type Extrusion = "standard" | "lod11_fallback" | "skip"
export type GroundSource = "points" | "nearest ground" | "tile ground"

export interface BuildingResult {
  readonly id: string
  readonly extrusie: Extrusion
  /** Why the building was skipped or what was unusual; null for a plain standard result. */
  readonly reason: string | null
  /** 3DBAG attribute names, values rounded as published (see `roundAttributes`). */
  readonly attributes: Record<string, unknown>
  /** The footprint as extruded (normalised), for the LoD0 surface; null when invalid. */
  readonly footprint: Polygon | null
  readonly lod12: SolidMesh | null
}

interface EpochMeasure {
  readonly e: EpochPoints
  readonly building: Uint32Array
  /** Coverage by every cropped point in the footprint (ground included), as roofer counts it. */
  readonly coverage: Coverage
  /** Per-cell max z of the building points only: the LoD1.1 height. */
  readonly heights: CoverageRaster
}

const keyOf = (epoch: string): string => epoch.toLowerCase()

/** Attribute keys present on every result, null until known. */
function baseAttributes(): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of [
    "b3_h_maaiveld", "b3_h_dak_min", "b3_h_dak_50p", "b3_h_dak_70p", "b3_h_dak_max",
    "b3_pw_bron", "b3_pw_datum", "b3_pw_selectie_reden", "b3_volume_lod12", "b3_rmse_lod12",
    "b3_opp_grond", "b3_maaiveld_bron"
  ]) out[k] = null
  return out
}

function result(
  id: string,
  extrusie: Extrusion,
  reason: string | null,
  attrs: Record<string, unknown>,
  footprint: Polygon | null,
  lod12: SolidMesh | null
): BuildingResult {
  const attributes = roundAttributes({ ...attrs, b3_extrusie: extrusie })
  return { id, extrusie, reason, attributes, footprint, lod12 }
}

function measureEpochs(polygon: Polygon, epochs: ReadonlyArray<EpochPoints>, p: Lod12Params) {
  const grid = rasterizeFootprint(polygon, p.cellSize)
  return epochs.map((e): EpochMeasure => {
    const building = cropToPolygon(e.points, e.index, polygon, [e.buildingClass], 0)
    // As roofer does, a footprint cell is covered by any cropped point in it, ground included:
    // at wall bases and under overhangs the footprint holds ground points, not roof points.
    const covering = cropToPolygon(e.points, e.index, polygon, [e.buildingClass, p.groundClass], 0)
    const coverage = computeCoverage(polygon, e.points, covering, { grid })
    return { e, building, coverage, heights: rasterizePoints(grid, e.points, building) }
  })
}

function coverageAttributes(ms: ReadonlyArray<EpochMeasure>, attrs: Record<string, unknown>) {
  for (const m of ms) {
    const k = keyOf(m.e.epoch)
    attrs[`b3_nodata_fractie_${k}`] = m.coverage.nodataFraction
    attrs[`b3_nodata_radius_${k}`] = m.coverage.nodataRadius
    attrs[`b3_puntdichtheid_${k}`] = m.coverage.density
  }
}

function selectionAttributes(sel: SelectionResult, e: EpochPoints, a: Record<string, unknown>) {
  a["b3_pw_bron"] = e.epoch
  a["b3_pw_datum"] = e.year
  a["b3_pw_selectie_reden"] = sel.reason
  for (const m of sel.mutations) a[`b3_mutatie_${keyOf(m.a)}_${keyOf(m.b)}`] = m.value
}

interface Ground {
  readonly z: number
  readonly source: GroundSource
  readonly note: string | null
}

/** 5th percentile of the ground points nearest the footprint, within the fallback buffer. */
function nearestGround(polygon: Polygon, e: EpochPoints, p: Lod12Params): number {
  const ids = cropToPolygon(e.points, e.index, polygon, [p.groundClass], p.groundFallbackBuffer)
  if (ids.length === 0) return NaN
  const dist = new Float64Array(ids.length)
  let dMin = Infinity
  for (let k = 0; k < ids.length; k++) {
    const x = e.points.x[ids[k]]
    const y = e.points.y[ids[k]]
    const inside = pointInPolygon(polygon, x, y)
    const d = inside ? 0 : Math.sqrt(squaredDistanceToBoundary(polygon, x, y))
    dist[k] = d
    if (d < dMin) dMin = d
  }
  const band = ids.filter((_, k) => dist[k] <= dMin + p.groundBuffer)
  return percentile(e.points.z, band, p.groundPercentile)
}

/** Ground height by the rules in the module comment; a string is the reason to skip. */
function groundHeight(
  input: BuildingInput,
  polygon: Polygon,
  epochs: ReadonlyArray<EpochPoints>,
  chosen: number,
  p: Lod12Params
): Ground | string {
  const c = epochs[chosen]
  const near = cropToPolygon(c.points, c.index, polygon, [p.groundClass], p.groundBuffer)
  if (near.length > 0) {
    return { z: percentile(c.points.z, near, p.groundPercentile), source: "points", note: null }
  }
  const others = epochs.map((_, i) => i).filter((i) => i !== chosen)
  const order = [chosen, ...others.sort((a, b) => epochs[a].rank - epochs[b].rank)]
  const none = `no ground points within ${p.groundBuffer} m in ${c.epoch}`
  for (const i of order) {
    const z = nearestGround(polygon, epochs[i], p)
    if (Number.isFinite(z)) {
      const note = `${none}: ground from the nearest ground points within ` +
        `${p.groundFallbackBuffer} m in ${epochs[i].epoch}`
      return { z, source: "nearest ground", note }
    }
  }
  const t = input.tileGroundHeight
  if (t !== null && Number.isFinite(t)) {
    const note = `${none} or within ${p.groundFallbackBuffer} m: tile ground height`
    return { z: t, source: "tile ground", note }
  }
  return `${none} or within ${p.groundFallbackBuffer} m in any epoch, and no tile ground height`
}

interface Roof {
  readonly top: number
  readonly extrusie: Extrusion
  readonly notes: string[]
}

/** Prism top and extrusion kind; records the roof percentiles in `attrs`. */
function roofHeight(
  m: EpochMeasure,
  area: number,
  ground: number,
  p: Lod12Params,
  attrs: Record<string, unknown>
): Roof {
  const q = percentiles(m.e.points.z, m.building, [0, 0.5, p.roofPercentile, 1])
  attrs["b3_h_dak_min"] = q[0]
  attrs["b3_h_dak_50p"] = q[1]
  attrs["b3_h_dak_70p"] = q[2]
  attrs["b3_h_dak_max"] = q[3]
  const notes: string[] = []
  let top = q[2]
  let extrusie: Extrusion = "standard"
  if (area > p.lod11AreaThreshold) {
    top = percentile(m.heights.maxZ, null, p.roofPercentile)
    extrusie = "lod11_fallback"
    notes.push(`footprint ${area.toFixed(0)} m² > ${p.lod11AreaThreshold} m²: LoD1.1 fallback`)
  }
  const density = m.building.length / area
  if (density < p.minDensity) {
    notes.push(`insufficient point density: ${density.toFixed(2)} building points/m² in ` +
      `${m.e.epoch} (< ${p.minDensity})`)
  }
  if (!(top >= ground + p.minHeight)) {
    notes.push(`roof ${top.toFixed(2)} m is not above ground ${ground.toFixed(2)} m: ` +
      `clamped to ground + ${p.minHeight} m`)
    top = ground + p.minHeight
  }
  return { top, extrusie, notes }
}

/**
 * Why no usable epoch has building points: an epoch with no point at all within the ground
 * buffer of the footprint does not cover it (outside its extent); the others simply hold no
 * building point there.
 */
function noPointsReason(
  polygon: Polygon, ms: ReadonlyArray<EpochMeasure>, usable: ReadonlyArray<EpochMeasure>, buffer: number
) {
  const [x0, y0, x1, y1] = polygonBBox(polygon)
  const around = [x0 - buffer, y0 - buffer, x1 + buffer, y1 + buffer] as const
  const outside = usable.filter((m) => queryBBox(m.e.points, m.e.index, around).length === 0).map((m) => m.e.epoch)
  const empty = usable.map((m) => m.e.epoch).filter((e) => !outside.includes(e))
  const parts = [
    ...(empty.length > 0 ? [`no building points in ${empty.join(", ")}`] : []),
    ...(outside.length > 0 ? [`outside the extent of ${outside.join(", ")}`] : [])
  ]
  const measured = ms.filter((m) => m.e.modelling === false).map((m) => m.e.epoch)
  const head = parts.length > 0 ? parts.join("; ") : "no epoch usable for modelling covers this footprint"
  return measured.length > 0 ? `${head} (${measured.join(", ")} measured only, not used for modelling)` : head
}

function run(input: BuildingInput, epochs: ReadonlyArray<EpochPoints>, p: Lod12Params) {
  const attrs = baseAttributes()
  if (epochs.length === 0) {
    return result(input.id, "skip", "no point cloud epochs", attrs, null, null)
  }
  const polygon = normalizeFootprint(input.polygon)
  const problem = footprintProblem(polygon)
  if (problem !== null) {
    return result(input.id, "skip", `invalid footprint: ${problem}`, attrs, null, null)
  }
  const area = polygonArea(polygon)
  attrs["b3_opp_grond"] = area
  const ms = measureEpochs(polygon, epochs, p)
  coverageAttributes(ms, attrs)
  // Set on every result, also those skipped below, so all features carry the same keys.
  for (const m of adjacentMutations(ms.map((x) => ({ epoch: x.e.epoch, year: x.e.year, rank: x.e.rank,
    maxZ: x.coverage.raster.maxZ, nodataFraction: 0, nodataRadius: 0 })), p.selection)) {
    attrs[`b3_mutatie_${keyOf(m.a)}_${keyOf(m.b)}`] = m.value
  }
  const usable = ms.filter((m) => m.e.modelling !== false)
  if (usable.every((m) => m.building.length === 0)) {
    return result(input.id, "skip", noPointsReason(polygon, ms, usable, p.groundBuffer), attrs, polygon, null)
  }
  // An epoch with no building point in the footprint cannot model it, however well ground
  // points cover the cells: for selection it counts as wholly uncovered.
  const toCandidate = (m: EpochMeasure) => ({
    epoch: m.e.epoch, year: m.e.year, rank: m.e.rank, maxZ: m.coverage.raster.maxZ,
    nodataFraction: m.building.length === 0 ? 1 : m.coverage.nodataFraction,
    nodataRadius: m.building.length === 0 ? Infinity : m.coverage.nodataRadius
  })
  const picked = selectPointCloud(usable.map(toCandidate), input.constructionYear, p.selection)
  if (picked === null) return result(input.id, "skip", "no epoch selected", attrs, polygon, null)
  // Mutation flags cover every measured epoch, modelling or not.
  const sel = { ...picked, index: ms.indexOf(usable[picked.index]),
    mutations: adjacentMutations(ms.map(toCandidate), p.selection) }
  const chosen = ms[sel.index]
  selectionAttributes(sel, chosen.e, attrs)
  if (chosen.building.length === 0) {
    const why = `no building points in the selected epoch ${chosen.e.epoch}`
    return result(input.id, "skip", why, attrs, polygon, null)
  }
  const ground = groundHeight(input, polygon, epochs, sel.index, p)
  if (typeof ground === "string") return result(input.id, "skip", ground, attrs, polygon, null)
  attrs["b3_h_maaiveld"] = ground.z
  attrs["b3_maaiveld_bron"] = ground.source
  const roof = roofHeight(chosen, area, ground.z, p, attrs)
  const mesh = extrudePolygon(polygon, ground.z, roof.top)
  attrs["b3_volume_lod12"] = solidVolume(mesh)
  attrs["b3_rmse_lod12"] = meshRmse(mesh, chosen.e.points, chosen.building)
  const notes = ground.note === null ? roof.notes : [ground.note, ...roof.notes]
  const reason = notes.length > 0 ? notes.join("; ") : null
  return result(input.id, roof.extrusie, reason, attrs, polygon, mesh)
}

/**
 * Reconstructs one building. `params` override `defaultLod12Params` field by field. Any
 * exception inside becomes a `skip` with the error text.
 */
export function reconstructLod12(
  input: BuildingInput,
  epochs: EpochPoints[],
  params?: Partial<Lod12Params>
): BuildingResult {
  try {
    return run(input, epochs, { ...defaultLod12Params, ...params })
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err)
    return result(input.id, "skip", `internal error: ${text}`, baseAttributes(), null, null)
  }
}
