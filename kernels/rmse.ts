/**
 * Fit error of a flat-roofed block (LoD1.2) against the building points.
 */
import type { PointSet } from "./geometry-types.ts"

/**
 * Root-mean-square of `z − roofZ` over the points `indices` (building points inside the
 * footprint), metres. NaN when there is no point. O(points), no allocation.
 * LIMITATION: the distance is vertical, to the roof plane only, not the 3D distance to the
 * nearest face of the mesh. Points on or near walls (facade hits, overhangs) count with their
 * full height difference, so the figure is larger than a point-to-mesh RMSE on buildings with
 * steps or slanted roofs.
 */
export function rmseToFlatRoof(
  points: PointSet,
  indices: ArrayLike<number>,
  roofZ: number
): number {
  let n = 0
  let sum = 0
  for (let k = 0; k < indices.length; k++) {
    const d = points.z[indices[k]] - roofZ
    if (d !== d) continue
    sum += d * d
    n++
  }
  return n > 0 ? Math.sqrt(sum / n) : NaN
}
