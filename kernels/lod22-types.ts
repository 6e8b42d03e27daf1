/**
 * Inputs, parameters and results of the per-part LoD1.3 / LoD2.2 reconstruction
 * (`reconstructLod22`), with roofer's parameter values as defaults where it documents them.
 */
import type { PointSet, Polygon } from "./geometry-types.ts"
import type { SolidMesh } from "./extrude.ts"
import { defaultPlaneParams } from "./plane-detect.ts"
import type { PlaneParams, RoofType } from "./plane-detect.ts"
import { defaultBoundaryLineParams, defaultIntersectionParams } from "./boundary-lines.ts"
import type { BoundaryLineParams, IntersectionParams } from "./boundary-lines.ts"
import { defaultRegulariseParams } from "./line-regularise.ts"
import type { RegulariseParams } from "./line-regularise.ts"
import { defaultFaceSplitParams } from "./face-split.ts"
import type { FaceSplitParams } from "./face-split.ts"
import type { HeightPlane } from "./roof-extrude.ts"

export interface Lod22Input {
  readonly polygon: Polygon
  readonly groundZ: number
  /** Building points of the part, already cropped to the footprint. */
  readonly points: PointSet
  /**
   * Ground points inside the footprint, if any. In the labelling they favour the ground label,
   * so that a courtyard the footprint does not cut out (seen by the lidar as ground) leaves the
   * solid; ground points within `groundEdge` of the outline are ignored.
   */
  readonly groundPoints?: Pick<PointSet, "x" | "y" | "z" | "length">
  readonly isGreenhouse?: boolean
  readonly isGlassRoof?: boolean
}

export interface Lod22Params {
  readonly knnK: number
  readonly normalK: number
  readonly planes: PlaneParams
  readonly alpha2: number
  readonly boundaryLines: BoundaryLineParams
  readonly intersection: IntersectionParams
  readonly regularise: RegulariseParams
  readonly snap: number
  /** Rounds of splitting faces that hold two planes' points (`faceSplitLines`); 0 = off. */
  readonly splitRounds: number
  readonly faceSplit: FaceSplitParams
  readonly lambda: number
  /** Ground points closer than this (m) to the footprint outline are left out. */
  readonly groundEdge: number
  readonly lod13Step: number
  readonly roofPercentile: number
  readonly lod11AreaThreshold: number
  readonly maxPlanes: number
  readonly minHeight: number
  readonly maxRise: number
  readonly zMerge: number
  /** Validate the LoD2.2 solid (val3dity codes); an invalid one is replaced by LoD1.3. */
  readonly validate: boolean
  /** Return `trace`. */
  readonly trace: boolean
}

export const defaultLod22Params: Lod22Params = {
  knnK: 15, normalK: 5, planes: defaultPlaneParams, alpha2: 0.25,
  boundaryLines: defaultBoundaryLineParams, intersection: defaultIntersectionParams,
  regularise: defaultRegulariseParams, snap: 0.02, splitRounds: 3,
  faceSplit: defaultFaceSplitParams, lambda: 0.888, groundEdge: 0.5, lod13Step: 3,
  roofPercentile: 0.7, lod11AreaThreshold: 30_000, maxPlanes: 900, minHeight: 0.1, maxRise: 2,
  zMerge: 0.005, validate: true, trace: false
}

export type { RoofType } from "./plane-detect.ts"

export interface Lod22Result {
  readonly roofType: RoofType
  /** Detected roof planes (walls excluded). */
  readonly planes: number
  readonly extrusion: "standard" | "lod11_fallback" | "skip"
  readonly reason: string | null
  readonly lod13: SolidMesh | null
  readonly lod22: SolidMesh | null
  readonly attributes: Record<string, number | string | null>
  /** Milliseconds per stage. */
  readonly timings: Record<string, number>
  /** Fit figures beyond the attributes (NaN for fallbacks); see `Lod22Metrics`. */
  readonly metrics: Lod22Metrics
  /** Arrangement faces before and after dissolving (0 for fallbacks). */
  readonly faces: { readonly arrangement: number; readonly lod22Roofs: number }
  /** Per-point and per-face state, when `params.trace` is set (standard extrusions only). */
  readonly trace?: Lod22Trace
}

/**
 * Vertical fit of the solids, metres, and where the points lie.
 * LIMITATION: facade hits inside the footprint in plan (lidar points on the walls, within a few
 * decimetres of the outline) are counted in `verticalRmse*` with their full height below the
 * roof; no roof can fit them, so that figure stays far above the roof fit (`roofRmse*`).
 */
export interface Lod22Metrics {
  /** Vertical RMSE of every point inside the solid's faces in plan, facade hits included. */
  readonly verticalRmseLod13: number
  readonly verticalRmseLod22: number
  /** Vertical RMSE of the points whose nearest surface of the solid is a roof face. */
  readonly roofRmseLod13: number
  readonly roofRmseLod22: number
  /** Share of the points whose nearest LoD2.2 surface is a wall or the floor. */
  readonly offRoofShareLod22: number
  /** Share of the points on detected wall planes. */
  readonly wallPlaneShare: number
}

/** What the labelling saw, for analysis and tests; point indices count the finite input points. */
export interface Lod22Trace {
  /** Arrangement face per point (−1 outside every face). */
  readonly faceOf: Int32Array
  /** Roof plane per point (−1: none, or on a wall plane). */
  readonly planeOf: Int32Array
  readonly onWall: Uint8Array
  /** LoD2.2 label per face (−1 ground) and the planes, local coordinates. */
  readonly faceLabel: Int32Array
  readonly planes: ReadonlyArray<HeightPlane>
  /** Local origin: point x − originX is the local x. */
  readonly originX: number
  readonly originY: number
}

export const noMetrics: Lod22Metrics = { verticalRmseLod13: NaN, verticalRmseLod22: NaN,
  roofRmseLod13: NaN, roofRmseLod22: NaN, offRoofShareLod22: NaN, wallPlaneShare: NaN }
