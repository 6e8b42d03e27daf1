/**
 * Point-cloud coverage of a footprint on a square raster (default 0.5 m cells).
 *
 * A cell belongs to the footprint when its centre is inside the polygon (even-odd over all
 * rings, so holes are out). The raster origin is snapped to a multiple of the cell size, so two
 * rasters of the same footprint (e.g. two AHN epochs) are cell-aligned and comparable.
 */
import type { Polygon, PointSet } from "./geometry-types.ts"
import { polygonBBox } from "./point-index.ts"

export interface FootprintGrid {
  readonly cellSize: number
  /** Lower-left corner of cell (0, 0), a multiple of cellSize. */
  readonly originX: number
  readonly originY: number
  readonly nx: number
  readonly ny: number
  /** Row-major (index = row·nx + col), 1 for footprint cells. */
  readonly inside: Uint8Array
  readonly footprintCells: number
}

export interface CoverageRaster extends FootprintGrid {
  /** Max z of the points per footprint cell; NaN for empty and non-footprint cells. */
  readonly maxZ: Float64Array
  /** Points per footprint cell (0 outside the footprint). */
  readonly count: Uint32Array
}

export interface Coverage {
  readonly raster: CoverageRaster
  /** Footprint cells with at least one point. */
  readonly coveredCells: number
  /** Empty footprint cells / footprint cells; 1 when the footprint has no cell. */
  readonly nodataFraction: number
  /** Radius (m) of the largest point-free circle inside the footprint (`nodataRadius`). */
  readonly nodataRadius: number
  /** Points per m² of covered cells; 0 when nothing is covered. */
  readonly density: number
  /** Points that fell in footprint cells (the density numerator). */
  readonly pointsInFootprintCells: number
}

const BIG = 1e20

/**
 * Marks footprint cells by scanlines through the cell centres: per row, the crossings of all
 * ring edges with y = centre are sorted and cells between pairs are filled. O(rows × edges +
 * cells); the crossing buffer is allocated once.
 */
export function rasterizeFootprint(polygon: Polygon, cellSize = 0.5): FootprintGrid {
  const bb = polygonBBox(polygon)
  const originX = Math.floor(bb[0] / cellSize) * cellSize
  const originY = Math.floor(bb[1] / cellSize) * cellSize
  const nx = Number.isFinite(bb[0]) ? Math.max(1, Math.ceil((bb[2] - originX) / cellSize)) : 0
  const ny = Number.isFinite(bb[1]) ? Math.max(1, Math.ceil((bb[3] - originY) / cellSize)) : 0
  const inside = new Uint8Array(nx * ny)
  let edges = 0
  for (const ring of polygon) edges += ring.length >> 1
  const xs = new Float64Array(edges)
  let footprintCells = 0
  for (let row = 0; row < ny; row++) {
    const y = originY + (row + 0.5) * cellSize
    let m = 0
    for (const ring of polygon) {
      const n = ring.length >> 1
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = ring[2 * i + 1]
        const yj = ring[2 * j + 1]
        if (yi > y === yj > y) continue
        xs[m++] = ring[2 * i] + ((y - yi) * (ring[2 * j] - ring[2 * i])) / (yj - yi)
      }
    }
    const cross = xs.subarray(0, m).sort()
    for (let p = 0; p + 1 < m; p += 2) {
      // Cells whose centre x lies in [cross[p], cross[p + 1]).
      const c0 = Math.max(0, Math.ceil((cross[p] - originX) / cellSize - 0.5))
      const c1 = Math.min(nx - 1, Math.ceil((cross[p + 1] - originX) / cellSize - 0.5) - 1)
      for (let c = c0; c <= c1; c++) {
        if (inside[row * nx + c] === 1) continue
        inside[row * nx + c] = 1
        footprintCells++
      }
    }
  }
  return { cellSize, originX, originY, nx, ny, inside, footprintCells }
}

/**
 * Per-cell max z and count of the points `indices` on `grid`; points in non-footprint cells or
 * off the grid are ignored. O(points + cells).
 */
export function rasterizePoints(
  grid: FootprintGrid,
  points: PointSet,
  indices: ArrayLike<number>
): CoverageRaster {
  const { cellSize, originX, originY, nx, ny, inside } = grid
  const maxZ = new Float64Array(nx * ny).fill(NaN)
  const count = new Uint32Array(nx * ny)
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]
    const cx = Math.floor((points.x[i] - originX) / cellSize)
    const cy = Math.floor((points.y[i] - originY) / cellSize)
    if (cx < 0 || cy < 0 || cx >= nx || cy >= ny) continue
    const c = cy * nx + cx
    if (inside[c] === 0) continue
    const z = points.z[i]
    count[c]++
    if (z === z && !(z <= maxZ[c])) maxZ[c] = z
  }
  return { ...grid, maxZ, count }
}

/**
 * 1-D squared Euclidean distance transform of `n` samples of `f` at `f[off + k·stride]`,
 * written in place (lower envelope of parabolas, Felzenszwalb & Huttenlocher). O(n). `v`, `z`
 * and `d` are scratch of length ≥ n (z: n + 1).
 */
function edt1d(
  f: Float64Array, off: number, stride: number, n: number,
  v: Int32Array, z: Float64Array, d: Float64Array
): void {
  let k = 0
  v[0] = 0
  z[0] = -Infinity
  z[1] = Infinity
  for (let q = 1; q < n; q++) {
    const fq = f[off + q * stride] + q * q
    let p = v[k]
    let s = (fq - (f[off + p * stride] + p * p)) / (2 * (q - p))
    while (s <= z[k]) {
      k--
      p = v[k]
      s = (fq - (f[off + p * stride] + p * p)) / (2 * (q - p))
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = Infinity
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++
    const dq = q - v[k]
    d[q] = dq * dq + f[off + v[k] * stride]
  }
  for (let q = 0; q < n; q++) f[off + q * stride] = d[q]
}

/**
 * Squared distance, in cells, from every cell of an (nx+2)×(ny+2) padded grid to the nearest
 * seed (seed cells hold 0 on entry, others BIG). Rows then columns: exact Euclidean. O(cells).
 */
function edt2d(f: Float64Array, w: number, h: number): void {
  const m = Math.max(w, h)
  const v = new Int32Array(m)
  const z = new Float64Array(m + 1)
  const d = new Float64Array(m)
  for (let r = 0; r < h; r++) edt1d(f, r * w, 1, w, v, z, d)
  for (let c = 0; c < w; c++) edt1d(f, c, w, h, v, z, d)
}

/** Upper bound on the cells of the fine radius raster; past it its cells grow. */
const MAX_RADIUS_CELLS = 1 << 22

/**
 * Largest point-free circle inside the footprint, metres, from two exact Euclidean distance
 * transforms on a fine raster (default cell/4 = 0.125 m, padded by one outside cell):
 * D_occ to the nearest cell holding a point, D_out to the nearest cell outside the footprint.
 * Per empty footprint cell the radius is min(D_occ, D_out − cell/2); the result is the max.
 *
 * Approximation: distances run centre to centre, so a point anywhere in its cell and the
 * circle centre snapped to a cell centre each add up to cell/√2 (≈ 0.09 m at 0.125 m); the
 * footprint edge lies between an inside and an outside centre, on average half a cell nearer,
 * hence D_out − cell/2. On a dense cloud with no gap this gives about half the point spacing,
 * like a point-based largest empty circle. O(fine cells); the fine cell grows (×2) until the
 * raster has at most 4M cells, so very large footprints get a coarser answer.
 */
export function nodataRadius(
  polygon: Polygon,
  points: PointSet,
  indices: ArrayLike<number>,
  radiusCellSize: number
): number {
  let size = radiusCellSize
  const bb = polygonBBox(polygon)
  const cellsAt = (d: number) => ((bb[2] - bb[0]) / d + 3) * ((bb[3] - bb[1]) / d + 3)
  while (cellsAt(size) > MAX_RADIUS_CELLS) size *= 2
  const fine = rasterizeFootprint(polygon, size)
  if (fine.footprintCells === 0) return 0
  const { nx, ny, inside, originX, originY } = fine
  const w = nx + 2
  const occ = new Float64Array(w * (ny + 2)).fill(BIG)
  const out = new Float64Array(w * (ny + 2)).fill(0)
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) if (inside[r * nx + c] === 1) out[(r + 1) * w + c + 1] = BIG
  }
  for (let k = 0; k < indices.length; k++) {
    const cx = Math.floor((points.x[indices[k]] - originX) / size)
    const cy = Math.floor((points.y[indices[k]] - originY) / size)
    if (cx >= -1 && cy >= -1 && cx <= nx && cy <= ny) occ[(cy + 1) * w + cx + 1] = 0
  }
  edt2d(occ, w, ny + 2)
  edt2d(out, w, ny + 2)
  let best = 0
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const p = (r + 1) * w + c + 1
      if (inside[r * nx + c] === 0 || occ[p] === 0) continue
      const rad = Math.min(Math.sqrt(occ[p]), Math.sqrt(out[p]) - 0.5) * size
      if (rad > best) best = rad
    }
  }
  return best
}

export interface CoverageOptions {
  /** Raster cell, metres (default 0.5). */
  readonly cellSize?: number
  /** Cell of the fine raster for `nodataRadius` (default cellSize / 4). */
  readonly radiusCellSize?: number
  /** A footprint raster to reuse across epochs (must match cellSize). */
  readonly grid?: FootprintGrid
}

/**
 * Coverage of `polygon` by the points `indices` (normally: building points already cropped
 * to the footprint).
 * LIMITATION: a footprint smaller than one cell centre (under ~0.25 m²) has no footprint
 * cell, and reports nodata fraction 1 whatever its points.
 */
export function computeCoverage(
  polygon: Polygon,
  points: PointSet,
  indices: ArrayLike<number>,
  options: CoverageOptions = {}
): Coverage {
  const cellSize = options.grid?.cellSize ?? options.cellSize ?? 0.5
  const g = options.grid ?? rasterizeFootprint(polygon, cellSize)
  const raster = rasterizePoints(g, points, indices)
  let covered = 0
  let inCells = 0
  for (let c = 0; c < raster.count.length; c++) {
    if (raster.count[c] > 0) {
      covered++
      inCells += raster.count[c]
    }
  }
  const cellArea = g.cellSize * g.cellSize
  const radiusCell = options.radiusCellSize ?? cellSize / 4
  return {
    raster,
    coveredCells: covered,
    nodataFraction: g.footprintCells > 0 ? (g.footprintCells - covered) / g.footprintCells : 1,
    nodataRadius: nodataRadius(polygon, points, indices, radiusCell),
    density: covered > 0 ? inCells / (covered * cellArea) : 0,
    pointsInFootprintCells: inCells
  }
}
