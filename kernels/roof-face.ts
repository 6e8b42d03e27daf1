/**
 * Measures of one planar roof face given as xyz rings in real coordinates: its xy projection
 * as a 2D Polygon, area-weighted height percentiles, slope and azimuth. Pure.
 */
import type { Polygon } from "./geometry-types.ts"
import type { PolygonZ } from "./wkb-z.ts"

/** Twice the signed xy area of an xyz ring (shoelace, relative to vertex 0). */
function signedArea2(r: Float64Array): number {
  let s = 0
  const n = r.length / 3
  for (let i = 0, j = n - 1; i < n; j = i++) {
    s += (r[3 * j] - r[0]) * (r[3 * i + 1] - r[1]) - (r[3 * i] - r[0]) * (r[3 * j + 1] - r[1])
  }
  return s
}

/** xy projection as a Polygon: outer ring CCW, holes CW (all reversed when the outer is CW). */
export function toPolygon2d(p: PolygonZ): Polygon {
  const flip = signedArea2(p[0]) < 0
  return p.map((r) => {
    const n = r.length / 3
    const xy = new Float64Array(n * 2)
    for (let i = 0; i < n; i++) {
      const k = flip ? (n - i) % n : i
      xy[2 * i] = r[3 * k]
      xy[2 * i + 1] = r[3 * k + 1]
    }
    return xy
  })
}

/** Twice the xy area of the part of ring `r` where z <= h (edges interpolated linearly). */
function areaBelow2(r: Float64Array, h: number): number {
  const n = r.length / 3
  const xs: number[] = []
  const ys: number[] = []
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const zj = r[3 * j + 2], zi = r[3 * i + 2]
    if ((zj <= h) !== (zi <= h)) {
      const s = (h - zj) / (zi - zj)
      xs.push(r[3 * j] + s * (r[3 * i] - r[3 * j]))
      ys.push(r[3 * j + 1] + s * (r[3 * i + 1] - r[3 * j + 1]))
    }
    if (zi <= h) {
      xs.push(r[3 * i])
      ys.push(r[3 * i + 1])
    }
  }
  let s = 0
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
    s += (xs[j] - r[0]) * (ys[i] - r[1]) - (xs[i] - r[0]) * (ys[j] - r[1])
  }
  return s
}

/**
 * Area-weighted percentile (p in 0..1) of z over a planar roof face: the h where the xy area
 * with z <= h is p of the whole, by 40 bisection steps (error (zmax - zmin) / 2^40).
 */
export function facePercentileZ(p: PolygonZ, q: number): number {
  let lo = Infinity
  let hi = -Infinity
  for (const r of p) {
    for (let i = 2; i < r.length; i += 3) {
      if (r[i] < lo) lo = r[i]
      if (r[i] > hi) hi = r[i]
    }
  }
  const areaAt = (h: number): number => Math.abs(p.reduce((s, r) => s + areaBelow2(r, h), 0))
  const total = areaAt(hi)
  if (!(hi > lo) || total === 0) return lo
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2
    if (areaAt(mid) < q * total) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** Slope (degrees from horizontal) and azimuth (degrees clockwise from north, facing) of a face. */
export function faceOrientation(p: PolygonZ): { slope: number; azimuth: number | null } {
  const r = p[0]
  const n = r.length / 3
  let nx = 0, ny = 0, nz = 0
  for (let i = 0, j = n - 1; i < n; j = i++) {
    nx += (r[3 * j + 1] - r[3 * i + 1]) * (r[3 * j + 2] + r[3 * i + 2] - 2 * r[2])
    ny += (r[3 * j + 2] - r[3 * i + 2]) * (r[3 * j] + r[3 * i] - 2 * r[0])
    nz += (r[3 * j] - r[3 * i]) * (r[3 * j + 1] + r[3 * i + 1] - 2 * r[1])
  }
  const horizontal = Math.hypot(nx, ny)
  const slope = (Math.atan2(horizontal, Math.abs(nz)) * 180) / Math.PI
  if (horizontal <= 1e-9 * Math.hypot(nx, ny, nz)) return { slope, azimuth: null }
  const azimuth = ((Math.atan2(nx, ny) * 180) / Math.PI + 360) % 360
  return { slope, azimuth }
}

