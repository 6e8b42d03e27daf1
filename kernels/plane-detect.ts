/**
 * Plane detection by region growing over a kNN graph (roofer's step 6): seeds in order of
 * increasing surface variation; a neighbour joins when it is within `epsilon` of the region's
 * plane and its normal is within acos(`normalDot`) of the plane normal; the plane is refit by
 * PCA every `refitEvery` points. Regions with fewer than `minPoints` points are dissolved.
 * Planes are classified by the angle of their normal to the vertical.
 */
import type { PointSet } from "./geometry-types.ts"
import type { KnnGraph, Normals } from "./normals.ts"
import { smallestEigen } from "./normals.ts"

export type PlaneKind = "horizontal" | "slanted" | "wall"

export interface Plane {
  /** Unit normal with nz ≥ 0; plane: nx·x + ny·y + nz·z + d = 0 (local coordinates). */
  readonly nx: number
  readonly ny: number
  readonly nz: number
  readonly d: number
  readonly count: number
  readonly kind: PlaneKind
  /** Angle of the normal to the vertical, degrees. */
  readonly slopeDeg: number
  /** RMS distance of the member points to the plane, metres. */
  readonly rmse: number
}

export interface PlaneParams {
  readonly growK: number
  readonly epsilon: number
  readonly normalDot: number
  readonly minPoints: number
  readonly refitEvery: number
  /** Planes within this angle of horizontal (degrees) are horizontal. */
  readonly horizontalDeg: number
  /** Planes steeper than this (degrees) are walls. */
  readonly wallDeg: number
}

export const defaultPlaneParams: PlaneParams = {
  growK: 15, epsilon: 0.3, normalDot: 0.75, minPoints: 15, refitEvery: 5,
  horizontalDeg: 5.7, wallDeg: 72.5
}

export interface PlaneDetection {
  /** Plane id per point, −1 for unassigned. */
  readonly labels: Int32Array
  readonly planes: Plane[]
}

/** Running sums of a region, relative to its seed point for precision. */
class Moments {
  ox = 0; oy = 0; oz = 0; n = 0
  sx = 0; sy = 0; sz = 0; sxx = 0; sxy = 0; sxz = 0; syy = 0; syz = 0; szz = 0

  reset(x: number, y: number, z: number): void {
    this.ox = x; this.oy = y; this.oz = z; this.n = 0
    this.sx = this.sy = this.sz = this.sxx = this.sxy = this.sxz = this.syy = this.syz = 0
    this.szz = 0
  }

  add(x: number, y: number, z: number): void {
    const dx = x - this.ox, dy = y - this.oy, dz = z - this.oz
    this.n++
    this.sx += dx; this.sy += dy; this.sz += dz
    this.sxx += dx * dx; this.sxy += dx * dy; this.sxz += dx * dz
    this.syy += dy * dy; this.syz += dy * dz; this.szz += dz * dz
  }

  /** Least-squares plane into `out` [nx, ny, nz, d, rms]; false when degenerate. */
  fit(eig: Float64Array, out: Float64Array): boolean {
    const n = this.n
    if (n < 3) return false
    const mx = this.sx / n, my = this.sy / n, mz = this.sz / n
    smallestEigen(this.sxx / n - mx * mx, this.sxy / n - mx * my, this.sxz / n - mx * mz,
      this.syy / n - my * my, this.syz / n - my * mz, this.szz / n - mz * mz, eig)
    const s = eig[3] < 0 ? -1 : 1
    out[0] = s * eig[1]
    out[1] = s * eig[2]
    out[2] = s * eig[3]
    const cx = mx + this.ox, cy = my + this.oy, cz = mz + this.oz
    out[3] = -(out[0] * cx + out[1] * cy + out[2] * cz)
    out[4] = Math.sqrt(Math.max(0, eig[0]))
    return true
  }
}

function classify(nz: number, p: PlaneParams): { kind: PlaneKind; slopeDeg: number } {
  const slopeDeg = (Math.acos(Math.min(1, Math.abs(nz))) * 180) / Math.PI
  const kind = slopeDeg <= p.horizontalDeg ? "horizontal"
    : slopeDeg > p.wallDeg ? "wall" : "slanted"
  return { kind, slopeDeg }
}

/** Seed order: ascending surface variation (ties by id, so the result is deterministic). */
function seedOrder(curvature: Float64Array): Uint32Array {
  const order = new Uint32Array(curvature.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  return order.sort((a, b) => curvature[a] - curvature[b] || a - b)
}

/**
 * Grows all regions. Cost O(n·growK) plus the re-growth of dissolved regions (each point can be
 * in at most one dissolved region per seed that reaches it; in practice a small factor).
 * About 55 lines: the growth loop keeps its state in locals for speed.
 */
export function detectPlanes(
  points: PointSet,
  graph: KnnGraph,
  normals: Normals,
  params: PlaneParams = defaultPlaneParams
): PlaneDetection {
  const n = points.length
  const { x, y, z } = points
  const labels = new Int32Array(n).fill(-1)
  const planes: Plane[] = []
  const queue = new Uint32Array(n)
  const eig = new Float64Array(5)
  const fit = new Float64Array(5)
  const mom = new Moments()
  const kk = Math.min(params.growK, graph.k)
  const TENTATIVE = -2
  const tried = new Uint8Array(n)
  for (const seed of seedOrder(normals.curvature)) {
    if (labels[seed] !== -1 || tried[seed] === 1) continue
    tried[seed] = 1
    let pnx = normals.nx[seed], pny = normals.ny[seed], pnz = normals.nz[seed]
    let pd = -(pnx * x[seed] + pny * y[seed] + pnz * z[seed])
    mom.reset(x[seed], y[seed], z[seed])
    mom.add(x[seed], y[seed], z[seed])
    labels[seed] = TENTATIVE
    let head = 0
    let tail = 0
    queue[tail++] = seed
    let sinceFit = 0
    while (head < tail) {
      const p = queue[head++]
      for (let j = 0; j < kk; j++) {
        const q = graph.neighbours[p * graph.k + j]
        if (labels[q] !== -1) continue
        const dist = Math.abs(pnx * x[q] + pny * y[q] + pnz * z[q] + pd)
        if (dist > params.epsilon) continue
        const dot = Math.abs(pnx * normals.nx[q] + pny * normals.ny[q] + pnz * normals.nz[q])
        if (dot < params.normalDot) continue
        labels[q] = TENTATIVE
        queue[tail++] = q
        mom.add(x[q], y[q], z[q])
        if (++sinceFit >= params.refitEvery && mom.fit(eig, fit)) {
          sinceFit = 0
          pnx = fit[0]; pny = fit[1]; pnz = fit[2]; pd = fit[3]
        }
      }
    }
    const ok = tail >= params.minPoints && mom.fit(eig, fit)
    const id = ok ? planes.length : -1
    for (let t = 0; t < tail; t++) labels[queue[t]] = id
    if (!ok) continue
    const { kind, slopeDeg } = classify(fit[2], params)
    planes.push({ nx: fit[0], ny: fit[1], nz: fit[2], d: fit[3], count: tail, kind, slopeDeg,
      rmse: fit[4] })
  }
  return { labels, planes }
}

/** Height of plane `p` at (x, y); NaN for a vertical plane. */
export function planeZ(p: Pick<Plane, "nx" | "ny" | "nz" | "d">, x: number, y: number): number {
  return p.nz === 0 ? NaN : -(p.nx * x + p.ny * y + p.d) / p.nz
}

export type RoofType = "no points" | "no planes" | "horizontal" | "multiple horizontal" | "slanted"

/** b3_dak_type of a set of detected planes (walls never count); `no points` is the caller's. */
export function roofTypeOf(planes: ReadonlyArray<Plane>): RoofType {
  if (planes.some((p) => p.kind === "slanted")) return "slanted"
  const h = planes.filter((p) => p.kind === "horizontal").length
  return h === 0 ? "no planes" : h === 1 ? "horizontal" : "multiple horizontal"
}
