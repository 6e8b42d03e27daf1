/**
 * Line segments for the roof partition (roofer's step 9): straight runs on the alpha-shape
 * boundary rings of each plane, and the intersection lines of adjacent planes (ridges among
 * them). Local 2D coordinates, metres.
 */
import type { Plane } from "./plane-detect.ts"
import type { KnnGraph } from "./normals.ts"
import { alphaShape } from "./alpha-shape.ts"

export type LineKind = "boundary" | "intersection"

export interface Segment2 {
  readonly x0: number
  readonly y0: number
  readonly x1: number
  readonly y1: number
  readonly kind: LineKind
  /** Supporting points. */
  readonly support: number
}

export interface BoundaryLineParams {
  /** Largest distance (m) of a ring point to its run's chord. */
  readonly tolerance: number
  readonly minPoints: number
  readonly minLength: number
}

export const defaultBoundaryLineParams: BoundaryLineParams = {
  tolerance: 0.35, minPoints: 5, minLength: 1.0
}

/** Ring point (between i and j, cyclic) farthest from chord i–j, and its distance, into out. */
function farthest(xs: ArrayLike<number>, ys: ArrayLike<number>, ring: Uint32Array, i: number,
  j: number, out: Float64Array): void {
  const n = ring.length
  const ax = xs[ring[i]], ay = ys[ring[i]]
  const dx = xs[ring[j % n]] - ax, dy = ys[ring[j % n]] - ay
  const len = Math.hypot(dx, dy)
  out[0] = -1
  out[1] = 0
  for (let k = i + 1; k < j; k++) {
    const px = xs[ring[k % n]] - ax, py = ys[ring[k % n]] - ay
    const d = len > 0 ? Math.abs(dx * py - dy * px) / len : Math.hypot(px, py)
    if (d > out[1]) { out[1] = d; out[0] = k }
  }
}

/** Least-squares line through ring points i..j (cyclic), clipped to their projection extent. */
function fitRun(xs: ArrayLike<number>, ys: ArrayLike<number>, ring: Uint32Array, i: number,
  j: number): Segment2 {
  const n = ring.length
  let mx = 0, my = 0
  const m = j - i + 1
  for (let k = i; k <= j; k++) { mx += xs[ring[k % n]]; my += ys[ring[k % n]] }
  mx /= m; my /= m
  let sxx = 0, sxy = 0, syy = 0
  for (let k = i; k <= j; k++) {
    const dx = xs[ring[k % n]] - mx, dy = ys[ring[k % n]] - my
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy)
  const ux = Math.cos(theta), uy = Math.sin(theta)
  let t0 = Infinity, t1 = -Infinity
  for (let k = i; k <= j; k++) {
    const t = (xs[ring[k % n]] - mx) * ux + (ys[ring[k % n]] - my) * uy
    if (t < t0) t0 = t
    if (t > t1) t1 = t
  }
  return { x0: mx + t0 * ux, y0: my + t0 * uy, x1: mx + t1 * ux, y1: my + t1 * uy,
    kind: "boundary", support: m }
}

/**
 * Straight runs of one closed ring by recursive splitting at the farthest point (Douglas–Peucker)
 * from its two mutually far vertices; runs with at least `minPoints` points and `minLength`
 * metres become least-squares segments. O(n log n) typical, O(n²) worst case.
 */
export function ringLines(xs: ArrayLike<number>, ys: ArrayLike<number>, ring: Uint32Array,
  p: BoundaryLineParams = defaultBoundaryLineParams): Segment2[] {
  const n = ring.length
  if (n < p.minPoints) return []
  let far = 0, best = -1
  for (let k = 1; k < n; k++) {
    const d = (xs[ring[k]] - xs[ring[0]]) ** 2 + (ys[ring[k]] - ys[ring[0]]) ** 2
    if (d > best) { best = d; far = k }
  }
  const out: Segment2[] = []
  const tmp = new Float64Array(2)
  const stack: Array<[number, number]> = [[0, far], [far, n]]
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number]
    farthest(xs, ys, ring, i, j, tmp)
    if (tmp[0] >= 0 && tmp[1] > p.tolerance) {
      stack.push([i, tmp[0]], [tmp[0], j])
      continue
    }
    if (j - i + 1 < p.minPoints) continue
    const s = fitRun(xs, ys, ring, i, j)
    if (Math.hypot(s.x1 - s.x0, s.y1 - s.y0) >= p.minLength) out.push(s)
  }
  return out
}

export interface IntersectionParams {
  /** kNN edges between two planes needed on each side to call them adjacent. */
  readonly minSupport: number
  /** Points of either plane within this 2D distance (m) of the line bound its extent. */
  readonly maxDistance: number
  /** Planes whose normals are closer than this (degrees) give no line. */
  readonly minAngleDeg: number
  /** An intersection line within this angle of horizontal (degrees) is a ridge. */
  readonly ridgeDeg: number
}

export const defaultIntersectionParams: IntersectionParams = {
  minSupport: 5, maxDistance: 1.0, minAngleDeg: 5, ridgeDeg: 5
}

export interface IntersectionLine extends Segment2 {
  readonly planeA: number
  readonly planeB: number
  readonly ridge: boolean
  /** Height at the segment midpoint (both planes agree there). */
  readonly z: number
}

/** Counts kNN edges between points of different planes: map key a·P + b (a < b). */
function adjacency(labels: Int32Array, graph: KnnGraph, nPlanes: number): Map<number, number> {
  const counts = new Map<number, number>()
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]
    if (a < 0) continue
    for (let j = 0; j < graph.k; j++) {
      const b = labels[graph.neighbours[i * graph.k + j]]
      if (b < 0 || b === a) continue
      const key = Math.min(a, b) * nPlanes + Math.max(a, b)
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
  }
  return counts
}

/** The 2D line zA = zB as (point, unit direction), or null when the planes are near parallel. */
function planeCut(a: Plane, b: Plane, minAngleDeg: number) {
  const ax = a.nx / a.nz, ay = a.ny / a.nz, ad = a.d / a.nz
  const bx = b.nx / b.nz, by = b.ny / b.nz, bd = b.d / b.nz
  const cosAB = a.nx * b.nx + a.ny * b.ny + a.nz * b.nz
  if (cosAB > Math.cos((minAngleDeg * Math.PI) / 180)) return null
  // (ax − bx)·x + (ay − by)·y + (ad − bd) = 0
  const gx = ax - bx, gy = ay - by, g = Math.hypot(gx, gy)
  if (g < 1e-9) return null
  const off = -(ad - bd) / g
  return { px: (gx / g) * off, py: (gy / g) * off, ux: -gy / g, uy: gx / g }
}

/**
 * Intersection lines of adjacent non-wall planes: the 2D line where their heights agree,
 * a ridge when it rises at most `ridgeDeg` and both planes are slanted (a slanted plane meeting
 * a horizontal one is not a ridge),
 * bounded by the projections of the points of both planes within `maxDistance` of it (at
 * least `minSupport` such points on each side). O(points · adjacent pairs).
 */
export function intersectionLines(xs: ArrayLike<number>, ys: ArrayLike<number>,
  labels: Int32Array, graph: KnnGraph, planes: ReadonlyArray<Plane>,
  p: IntersectionParams = defaultIntersectionParams): IntersectionLine[] {
  const P = planes.length
  const out: IntersectionLine[] = []
  for (const [key, count] of adjacency(labels, graph, P)) {
    if (count < 2 * p.minSupport) continue
    const a = Math.floor(key / P), b = key - a * P
    if (planes[a].kind === "wall" || planes[b].kind === "wall") continue
    const cut = planeCut(planes[a], planes[b], p.minAngleDeg)
    if (cut === null) continue
    let t0 = Infinity, t1 = -Infinity, na = 0, nb = 0
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]
      if (l !== a && l !== b) continue
      const dx = xs[i] - cut.px, dy = ys[i] - cut.py
      if (Math.abs(dx * cut.uy - dy * cut.ux) > p.maxDistance) continue
      const t = dx * cut.ux + dy * cut.uy
      if (t < t0) t0 = t
      if (t > t1) t1 = t
      if (l === a) na++
      else nb++
    }
    if (na < p.minSupport || nb < p.minSupport || !(t1 > t0)) continue
    const x0 = cut.px + t0 * cut.ux, y0 = cut.py + t0 * cut.uy
    const x1 = cut.px + t1 * cut.ux, y1 = cut.py + t1 * cut.uy
    const za = (x: number, y: number) => -(planes[a].nx * x + planes[a].ny * y + planes[a].d) /
      planes[a].nz
    const dz = za(x1, y1) - za(x0, y0)
    const rise = (Math.atan2(Math.abs(dz), t1 - t0) * 180) / Math.PI
    out.push({ x0, y0, x1, y1, kind: "intersection", support: na + nb, planeA: a, planeB: b,
      ridge: rise <= p.ridgeDeg && planes[a].kind === "slanted" && planes[b].kind === "slanted",
      z: za((x0 + x1) / 2, (y0 + y1) / 2) })
  }
  return out
}

/**
 * All roof lines of a building: the straight runs of each plane's alpha-shape boundary
 * (squared radius `alpha2`) and the intersection lines; `ridgeZ` is the height of the longest
 * ridge, null without one. Labels index `planes`; walls should be dropped beforehand.
 */
export function planeLines(xs: ArrayLike<number>, ys: ArrayLike<number>, labels: Int32Array,
  graph: KnnGraph, planes: ReadonlyArray<Plane>, alpha2: number, bp: BoundaryLineParams,
  ip: IntersectionParams): { lines: Segment2[]; ridgeZ: number | null } {
  const members: number[][] = planes.map(() => [])
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) members[labels[i]].push(i)
  const lines: Segment2[] = []
  for (const m of members) {
    const px = Float64Array.from(m, (i) => xs[i]), py = Float64Array.from(m, (i) => ys[i])
    for (const r of alphaShape(px, py, alpha2).rings) lines.push(...ringLines(px, py, r, bp))
  }
  const cuts = intersectionLines(xs, ys, labels, graph, planes, ip)
  let ridgeZ: number | null = null, longest = 0
  for (const l of cuts) {
    const len = Math.hypot(l.x1 - l.x0, l.y1 - l.y0)
    if (l.ridge && len > longest) { longest = len; ridgeZ = l.z }
  }
  return { lines: [...lines, ...cuts], ridgeZ }
}
