/**
 * Uniform-grid index over a PointSet, and polygon crops through it.
 *
 * The index is a counting sort of point ids by grid cell (CSR layout): the ids of cell `c`
 * are `order[cellStart[c] .. cellStart[c + 1])`. Building it is O(n + cells) time and
 * 4·(n + cells) bytes beyond the points; it never changes the PointSet.
 */
import { ringsBBox } from "./polygon-measure.ts"
import type { BBox, Polygon, PointSet } from "./geometry-types.ts"

export interface PointIndex {
  /** Cell edge length, metres. */
  readonly cellSize: number
  /** Lower-left corner of cell (0, 0). */
  readonly minX: number
  readonly minY: number
  readonly nx: number
  readonly ny: number
  /** Length nx·ny + 1; prefix sums of the per-cell counts. */
  readonly cellStart: Uint32Array
  /** Point ids grouped by cell, ascending within a cell. Non-finite x/y are left out. */
  readonly order: Uint32Array
}

/** Upper bound on grid cells; past it the cell size grows so memory stays bounded. */
const MAX_CELLS = 1 << 22

/** Box of the finite x/y of the points; min > max when there is none. */
function finiteBBox(points: PointSet): [number, number, number, number] {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < points.length; i++) {
    const x = points.x[i]
    const y = points.y[i]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  return [minX, minY, maxX, maxY]
}

/** Builds the index. `cellSize` in metres (default 2 m: ~30–60 AHN points per cell). */
export function buildPointIndex(points: PointSet, cellSize = 2): PointIndex {
  const n = points.length
  const [minX, minY, maxX, maxY] = finiteBBox(points)
  if (minX > maxX) {
    const cellStart = new Uint32Array(1)
    return { cellSize, minX: 0, minY: 0, nx: 0, ny: 0, cellStart, order: new Uint32Array(0) }
  }
  let size = cellSize > 0 ? cellSize : 2
  while (((maxX - minX) / size + 1) * ((maxY - minY) / size + 1) > MAX_CELLS) size *= 2
  const nx = Math.floor((maxX - minX) / size) + 1
  const ny = Math.floor((maxY - minY) / size) + 1
  const cells = nx * ny
  // Counting sort: cell of each point (NONE for non-finite), counts, prefix sums, scatter.
  const NONE = 0xffffffff
  const cellOf = new Uint32Array(n)
  const cellStart = new Uint32Array(cells + 1)
  for (let i = 0; i < n; i++) {
    const x = points.x[i]
    const y = points.y[i]
    const ok = Number.isFinite(x) && Number.isFinite(y)
    const c = ok ? Math.floor((y - minY) / size) * nx + Math.floor((x - minX) / size) : NONE
    cellOf[i] = c
    if (ok) cellStart[c + 1]++
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c]
  const order = new Uint32Array(cellStart[cells])
  const fill = cellStart.slice(0, cells)
  for (let i = 0; i < n; i++) {
    const c = cellOf[i]
    if (c !== NONE) order[fill[c]++] = i
  }
  return { cellSize: size, minX, minY, nx, ny, cellStart, order }
}

/** Cell range `[cx0, cy0, cx1, cy1]` (inclusive) covering `bbox`, or null when disjoint. */
function cellRange(index: PointIndex, bbox: BBox): [number, number, number, number] | null {
  const { cellSize, minX, minY, nx, ny } = index
  const cx0 = Math.max(0, Math.floor((bbox[0] - minX) / cellSize))
  const cy0 = Math.max(0, Math.floor((bbox[1] - minY) / cellSize))
  const cx1 = Math.min(nx - 1, Math.floor((bbox[2] - minX) / cellSize))
  const cy1 = Math.min(ny - 1, Math.floor((bbox[3] - minY) / cellSize))
  return cx0 > cx1 || cy0 > cy1 ? null : [cx0, cy0, cx1, cy1]
}

/** Ids of the points inside `bbox` (closed box), ascending per cell, cells row by row. */
export function queryBBox(points: PointSet, index: PointIndex, bbox: BBox): Uint32Array {
  const r = cellRange(index, bbox)
  if (r === null) return new Uint32Array(0)
  let cap = 0
  for (let cy = r[1]; cy <= r[3]; cy++) {
    cap += index.cellStart[cy * index.nx + r[2] + 1] - index.cellStart[cy * index.nx + r[0]]
  }
  const out = new Uint32Array(cap)
  let k = 0
  for (let cy = r[1]; cy <= r[3]; cy++) {
    const end = index.cellStart[cy * index.nx + r[2] + 1]
    for (let j = index.cellStart[cy * index.nx + r[0]]; j < end; j++) {
      const i = index.order[j]
      const x = points.x[i]
      const y = points.y[i]
      if (x >= bbox[0] && x <= bbox[2] && y >= bbox[1] && y <= bbox[3]) out[k++] = i
    }
  }
  return out.slice(0, k)
}

/** Bounding box of all rings of a polygon. */
export const polygonBBox = (polygon: Polygon): BBox => ringsBBox(polygon)

/**
 * Even-odd point-in-polygon over all rings, so holes are respected. Half-open crossing rule:
 * a point on an edge is inside for some edges and outside for others. O(ring vertices).
 */
export function pointInPolygon(polygon: Polygon, x: number, y: number): boolean {
  let inside = false
  for (const ring of polygon) {
    const n = ring.length >> 1
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = ring[2 * i + 1]
      const yj = ring[2 * j + 1]
      if (yi > y !== yj > y) {
        const xi = ring[2 * i]
        const xj = ring[2 * j]
        if (x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside
      }
    }
  }
  return inside
}

/** Squared distance from (x, y) to the nearest edge of any ring. O(ring vertices). */
export function squaredDistanceToBoundary(polygon: Polygon, x: number, y: number): number {
  let best = Infinity
  for (const ring of polygon) {
    const n = ring.length >> 1
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ax = ring[2 * j]
      const ay = ring[2 * j + 1]
      const dx = ring[2 * i] - ax
      const dy = ring[2 * i + 1] - ay
      const len2 = dx * dx + dy * dy
      let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0
      t = t < 0 ? 0 : t > 1 ? 1 : t
      const ex = ax + t * dx - x
      const ey = ay + t * dy - y
      const d2 = ex * ex + ey * ey
      if (d2 < best) best = d2
    }
  }
  return best
}

/**
 * Ids of the points whose class is in `classes` and that lie inside `polygon` (holes
 * respected), or — when `bufferMetres > 0` — within `bufferMetres` of its boundary (distance to
 * the nearest edge ≤ buffer, or inside). With a buffer, points in a hole that are close to the
 * hole's ring are kept too: that is the buffered polygon.
 *
 * Cost: O(candidates × ring vertices), where candidates are the points of the grid cells under
 * the (buffered) polygon bbox; a per-point bbox test rejects most before the ring tests. The
 * output is allocated once at the candidate count and trimmed.
 */
export function cropToPolygon(
  points: PointSet,
  index: PointIndex,
  polygon: Polygon,
  classes: ArrayLike<number>,
  bufferMetres: number
): Uint32Array {
  if (polygon.length === 0 || polygon[0].length < 6) return new Uint32Array(0)
  const buf = bufferMetres > 0 ? bufferMetres : 0
  const pb = polygonBBox(polygon)
  const bbox: BBox = [pb[0] - buf, pb[1] - buf, pb[2] + buf, pb[3] + buf]
  const r = cellRange(index, bbox)
  if (r === null) return new Uint32Array(0)
  const wanted = new Uint8Array(256)
  for (let i = 0; i < classes.length; i++) wanted[classes[i] & 255] = 1
  const { nx, cellStart, order } = index
  let cap = 0
  for (let cy = r[1]; cy <= r[3]; cy++) {
    cap += cellStart[cy * nx + r[2] + 1] - cellStart[cy * nx + r[0]]
  }
  const out = new Uint32Array(cap)
  const buf2 = buf * buf
  let k = 0
  for (let cy = r[1]; cy <= r[3]; cy++) {
    const end = cellStart[cy * nx + r[2] + 1]
    for (let j = cellStart[cy * nx + r[0]]; j < end; j++) {
      const i = order[j]
      if (wanted[points.classification[i]] === 0) continue
      const x = points.x[i]
      const y = points.y[i]
      if (x < bbox[0] || x > bbox[2] || y < bbox[1] || y > bbox[3]) continue
      if (pointInPolygon(polygon, x, y)) out[k++] = i
      else if (buf > 0 && squaredDistanceToBoundary(polygon, x, y) <= buf2) out[k++] = i
    }
  }
  return out.slice(0, k)
}
