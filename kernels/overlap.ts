/**
 * Overlap between footprints: for each footprint, the total area (m²) it shares with all the
 * others. Candidate pairs come from a sweep over bboxes sorted by minx, so the cost is
 * O(N log N + K · c) for K bbox-overlapping pairs of clipping cost c; terraced houses give
 * K ≈ a few × N. Pure; never throws.
 */
import type { BBox, MultiPolygon } from "./geometry-types.ts"
import { intersectionArea, multiPolygonBBox } from "./polygon-measure.ts"

/** Totals below this (m²) are reported as 0, as 3DBAG does for `b3_bag_bag_overlap`. */
export const MIN_OVERLAP_AREA = 1

export interface OverlapFailure {
  readonly a: number
  readonly b: number
  readonly reason: string
}

export interface OverlapResult {
  /** Per input index: m² shared with the others, 0 under `minArea` or without geometry. */
  readonly areas: Float64Array
  /** Pairs whose bboxes overlap and whose intersection was computed. */
  readonly pairsTested: number
  /** Pairs where clipping failed; their share is left out of both totals. */
  readonly failures: ReadonlyArray<OverlapFailure>
}

/** Boxes overlap with positive area; footprints that only touch share no area. */
const boxesOverlap = (a: BBox, b: BBox): boolean =>
  a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]

const NO_BOX: BBox = [NaN, NaN, NaN, NaN]

/**
 * Sweep: visit footprints by increasing minx; each is compared with the following ones whose
 * minx is below its maxx. Sums pairwise intersection areas into both members.
 */
export const overlapAreas = (
  geometries: ReadonlyArray<MultiPolygon | null>,
  minArea: number = MIN_OVERLAP_AREA
): OverlapResult => {
  const n = geometries.length
  const boxes = geometries.map((g) => (g === null || g.length === 0 ? NO_BOX : multiPolygonBBox(g)))
  const order = [...boxes.keys()].filter((i) => !Number.isNaN(boxes[i][0]))
  order.sort((i, j) => boxes[i][0] - boxes[j][0] || i - j)
  const areas = new Float64Array(n)
  const failures: OverlapFailure[] = []
  let pairsTested = 0
  for (let s = 0; s < order.length; s++) {
    const i = order[s]
    for (let t = s + 1; t < order.length && boxes[order[t]][0] < boxes[i][2]; t++) {
      const j = order[t]
      if (!boxesOverlap(boxes[i], boxes[j])) continue
      pairsTested++
      const r = intersectionArea(geometries[i] as MultiPolygon, geometries[j] as MultiPolygon)
      if (!r.ok) {
        failures.push({ a: Math.min(i, j), b: Math.max(i, j), reason: r.reason })
        continue
      }
      areas[i] += r.area
      areas[j] += r.area
    }
  }
  for (let i = 0; i < n; i++) if (areas[i] < minArea) areas[i] = 0
  return { areas, pairsTested, failures }
}
