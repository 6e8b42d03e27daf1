/**
 * k-nearest-neighbour graph of a point set (3D distance, 2D grid index) and per-point normals
 * by PCA of each point's neighbourhood with a closed-form 3×3 symmetric eigen solver.
 *
 * Coordinates should be local (metres from a nearby origin): covariance sums of RD-sized
 * numbers lose about 10 bits.
 */
import type { PointSet } from "./geometry-types.ts"
import { buildPointIndex } from "./point-index.ts"

export interface KnnGraph {
  readonly k: number
  /** n·k neighbour ids, nearest first; a point with fewer than k others is padded with itself. */
  readonly neighbours: Uint32Array
}

/** Keeps the k best (squared distance, id) pairs sorted ascending; insertion sort, k ≤ ~32. */
function offer(d2: Float64Array, ids: Uint32Array, k: number, d: number, id: number): void {
  if (d >= d2[k - 1]) return
  let j = k - 1
  while (j > 0 && d2[j - 1] > d) {
    d2[j] = d2[j - 1]
    ids[j] = ids[j - 1]
    j--
  }
  d2[j] = d
  ids[j] = id
}

/**
 * kNN of every point. The grid cell is sized for about k points per cell from the mean
 * density; the ring search stops once the k-th distance is within the searched block.
 * Cost O(n·k·cells searched); the scratch buffers are allocated once. About 50 lines: the ring
 * search keeps its state in locals so the hot loop allocates nothing.
 */
export function knnGraph(points: PointSet, k: number): KnnGraph {
  const n = points.length
  const out = new Uint32Array(n * k)
  if (n === 0 || k <= 0) return { k, neighbours: out }
  const { x, y, z } = points
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
  for (let i = 0; i < n; i++) {
    if (x[i] < x0) x0 = x[i]
    if (x[i] > x1) x1 = x[i]
    if (y[i] < y0) y0 = y[i]
    if (y[i] > y1) y1 = y[i]
  }
  const area = Math.max((x1 - x0) * (y1 - y0), 1e-6)
  const cell = Math.max(0.05, Math.sqrt((k * area) / n))
  const index = buildPointIndex(points, cell)
  const { nx, ny, cellStart, order, minX, minY, cellSize } = index
  const d2 = new Float64Array(k)
  const ids = new Uint32Array(k)
  for (let i = 0; i < n; i++) {
    d2.fill(Infinity)
    ids.fill(i)
    const px = x[i], py = y[i], pz = z[i]
    const cx = Math.floor((px - minX) / cellSize)
    const cy = Math.floor((py - minY) / cellSize)
    const rMax = Math.max(nx, ny)
    for (let r = 0; r <= rMax; r++) {
      for (let gy = cy - r; gy <= cy + r; gy++) {
        if (gy < 0 || gy >= ny) continue
        const ring = gy === cy - r || gy === cy + r
        for (let gx = cx - r; gx <= cx + r; gx += ring ? 1 : 2 * r) {
          if (gx >= 0 && gx < nx) {
            const c = gy * nx + gx
            for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
              const q = order[j]
              if (q === i) continue
              const dx = x[q] - px, dy = y[q] - py, dz = z[q] - pz
              offer(d2, ids, k, dx * dx + dy * dy + dz * dz, q)
            }
          }
          if (r === 0) break
        }
      }
      const reach = Math.min(
        px - (minX + (cx - r) * cellSize), minX + (cx + r + 1) * cellSize - px,
        py - (minY + (cy - r) * cellSize), minY + (cy + r + 1) * cellSize - py
      )
      if (d2[k - 1] <= reach * reach) break
    }
    out.set(ids, i * k)
  }
  return { k, neighbours: out }
}

export interface Eigen3 {
  /** Smallest eigenvalue and its unit eigenvector. */
  readonly lambda: number
  readonly vx: number
  readonly vy: number
  readonly vz: number
  /** Sum of the eigenvalues (trace). */
  readonly trace: number
}

/**
 * Smallest eigenpair of the symmetric matrix [[a, b, c], [b, d, e], [c, e, f]] in closed form:
 * eigenvalues by the trigonometric method, the eigenvector as the largest cross product of two
 * rows of (M − λI). Writes into `out` [lambda, vx, vy, vz, trace]; no allocation.
 */
export function smallestEigen(
  a: number, b: number, c: number, d: number, e: number, f: number, out: Float64Array
): void {
  const q = (a + d + f) / 3
  const p1 = b * b + c * c + e * e
  const p2 = (a - q) ** 2 + (d - q) ** 2 + (f - q) ** 2 + 2 * p1
  out[4] = a + d + f
  if (p2 <= 1e-30) {
    out[0] = q
    out[1] = 0
    out[2] = 0
    out[3] = 1
    return
  }
  const p = Math.sqrt(p2 / 6)
  const ba = (a - q) / p, bd = (d - q) / p, bf = (f - q) / p, bb = b / p, bc = c / p, be = e / p
  const det = ba * (bd * bf - be * be) - bb * (bb * bf - be * bc) + bc * (bb * be - bd * bc)
  const r = Math.min(1, Math.max(-1, det / 2))
  const phi = Math.acos(r) / 3
  const lambda = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3)
  const r0x = a - lambda, r0y = b, r0z = c
  const r1x = b, r1y = d - lambda, r1z = e
  const r2x = c, r2y = e, r2z = f - lambda
  let bx = r0y * r1z - r0z * r1y, by = r0z * r1x - r0x * r1z, bz = r0x * r1y - r0y * r1x
  let best = bx * bx + by * by + bz * bz
  const cx1 = r0y * r2z - r0z * r2y, cy1 = r0z * r2x - r0x * r2z, cz1 = r0x * r2y - r0y * r2x
  const l1 = cx1 * cx1 + cy1 * cy1 + cz1 * cz1
  if (l1 > best) { bx = cx1; by = cy1; bz = cz1; best = l1 }
  const cx2 = r1y * r2z - r1z * r2y, cy2 = r1z * r2x - r1x * r2z, cz2 = r1x * r2y - r1y * r2x
  const l2 = cx2 * cx2 + cy2 * cy2 + cz2 * cz2
  if (l2 > best) { bx = cx2; by = cy2; bz = cz2; best = l2 }
  const len = Math.sqrt(best)
  out[0] = lambda
  if (len === 0) {
    out[1] = 0
    out[2] = 0
    out[3] = 1
    return
  }
  out[1] = bx / len
  out[2] = by / len
  out[3] = bz / len
}

export interface Normals {
  /** Unit normals, oriented with nz ≥ 0. */
  readonly nx: Float64Array
  readonly ny: Float64Array
  readonly nz: Float64Array
  /** Surface variation λmin / (λ1 + λ2 + λ3), 0 for a perfect plane, ≤ 1/3. */
  readonly curvature: Float64Array
}

/**
 * Normal of each point from the PCA of the point and its first `k` neighbours in `graph`
 * (k ≤ graph.k). O(n·k).
 */
export function computeNormals(points: PointSet, graph: KnnGraph, k: number): Normals {
  const n = points.length
  const kk = Math.min(k, graph.k)
  const nx = new Float64Array(n), ny = new Float64Array(n), nz = new Float64Array(n)
  const curvature = new Float64Array(n)
  const eig = new Float64Array(5)
  const { x, y, z } = points
  for (let i = 0; i < n; i++) {
    let sx = 0, sy = 0, sz = 0, sxx = 0, sxy = 0, sxz = 0, syy = 0, syz = 0, szz = 0
    for (let j = -1; j < kk; j++) {
      const q = j < 0 ? i : graph.neighbours[i * graph.k + j]
      const dx = x[q] - x[i], dy = y[q] - y[i], dz = z[q] - z[i]
      sx += dx; sy += dy; sz += dz
      sxx += dx * dx; sxy += dx * dy; sxz += dx * dz
      syy += dy * dy; syz += dy * dz; szz += dz * dz
    }
    const m = kk + 1
    const mx = sx / m, my = sy / m, mz = sz / m
    smallestEigen(sxx / m - mx * mx, sxy / m - mx * my, sxz / m - mx * mz,
      syy / m - my * my, syz / m - my * mz, szz / m - mz * mz, eig)
    const s = eig[3] < 0 ? -1 : 1
    nx[i] = s * eig[1]
    ny[i] = s * eig[2]
    nz[i] = s * eig[3]
    curvature[i] = eig[4] > 0 ? Math.max(0, eig[0]) / eig[4] : 0
  }
  return { nx, ny, nz, curvature }
}
