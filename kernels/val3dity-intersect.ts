/**
 * 3D predicates for val3dity's shell (306) and solid (401–404) checks over triangulated
 * shells: closed segment–triangle and triangle–triangle intersection with exact `orient3d`,
 * a sort-and-sweep on triangle boxes, and point-in-shell by ray parity. Pure functions.
 */
import { orient2d, orient3d } from "robust-predicates"

/** A triangulated shell: merged xyz vertices, vertex-id triples, and the face of each triangle. */
export interface TriShell {
  readonly xyz: Float64Array
  readonly tri: Uint32Array
  readonly face: Uint32Array
}

const sgn = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0)

/** Sign of orient3d over four vertex ids of `x`. */
export function o3(x: Float64Array, a: number, b: number, c: number, d: number): number {
  return sgn(orient3d(x[3 * a], x[3 * a + 1], x[3 * a + 2], x[3 * b], x[3 * b + 1], x[3 * b + 2],
    x[3 * c], x[3 * c + 1], x[3 * c + 2], x[3 * d], x[3 * d + 1], x[3 * d + 2]))
}

/** Drops the dominant axis of triangle abc's normal; returns the two kept axes. */
function keptAxes(x: Float64Array, a: number, b: number, c: number): [number, number] {
  const ux = x[3 * b] - x[3 * a], uy = x[3 * b + 1] - x[3 * a + 1], uz = x[3 * b + 2] - x[3 * a + 2]
  const vx = x[3 * c] - x[3 * a], vy = x[3 * c + 1] - x[3 * a + 1], vz = x[3 * c + 2] - x[3 * a + 2]
  const nx = Math.abs(uy * vz - uz * vy), ny = Math.abs(uz * vx - ux * vz)
  const nz = Math.abs(ux * vy - uy * vx)
  return nz >= nx && nz >= ny ? [0, 1] : nx >= ny ? [1, 2] : [2, 0]
}

function o2(x: Float64Array, ax: [number, number], a: number, b: number, c: number): number {
  const [u, v] = ax
  return sgn(orient2d(x[3 * a + u], x[3 * a + v], x[3 * b + u], x[3 * b + v],
    x[3 * c + u], x[3 * c + v]))
}

/** Closed 2D segment intersection of pq and ab in the plane given by `ax`. */
function seg2(x: Float64Array, ax: [number, number], p: number, q: number, a: number,
  b: number): boolean {
  const d1 = o2(x, ax, a, b, p), d2 = o2(x, ax, a, b, q)
  const d3 = o2(x, ax, p, q, a), d4 = o2(x, ax, p, q, b)
  if (d1 * d2 < 0 && d3 * d4 < 0) return true
  const [u, v] = ax
  const within = (s: number, t: number, r: number, d: number): boolean =>
    Math.min(x[3 * s + d], x[3 * t + d]) <= x[3 * r + d] &&
    x[3 * r + d] <= Math.max(x[3 * s + d], x[3 * t + d])
  const on = (s: number, t: number, r: number): boolean => within(s, t, r, u) && within(s, t, r, v)
  return (d1 === 0 && on(a, b, p)) || (d2 === 0 && on(a, b, q)) || (d3 === 0 && on(p, q, a)) ||
    (d4 === 0 && on(p, q, b))
}

/** Is vertex p inside or on triangle abc, all coplanar? */
function inTri2(x: Float64Array, ax: [number, number], p: number, a: number, b: number,
  c: number): boolean {
  const s1 = o2(x, ax, a, b, p), s2 = o2(x, ax, b, c, p), s3 = o2(x, ax, c, a, p)
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
}

/** Closed segment pq against closed triangle abc (all vertex ids into `x`). */
export function segmentHitsTriangle(x: Float64Array, p: number, q: number, a: number, b: number,
  c: number): boolean {
  const sp = o3(x, a, b, c, p), sq = o3(x, a, b, c, q)
  if (sp * sq > 0) return false
  if (sp === 0 && sq === 0) {
    const ax = keptAxes(x, a, b, c)
    return inTri2(x, ax, p, a, b, c) || inTri2(x, ax, q, a, b, c) || seg2(x, ax, p, q, a, b) ||
      seg2(x, ax, p, q, b, c) || seg2(x, ax, p, q, c, a)
  }
  const s1 = o3(x, p, q, a, b), s2 = o3(x, p, q, b, c), s3 = o3(x, p, q, c, a)
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
}

/** Coplanar triangles sharing vertex v: do their corner sectors at v overlap? */
function sectorsOverlap(x: Float64Array, v: number, a1: number, b1: number, a2: number,
  b2: number): boolean {
  const ax = keptAxes(x, v, a1, b1)
  const inside = (a: number, b: number, p: number): boolean => {
    const s = o2(x, ax, v, a, b)
    return o2(x, ax, v, a, p) === s && o2(x, ax, v, p, b) === s
  }
  const same = (p: number, q: number): boolean => o2(x, ax, v, p, q) === 0 &&
    (x[3 * p + ax[0]] - x[3 * v + ax[0]]) * (x[3 * q + ax[0]] - x[3 * v + ax[0]]) +
    (x[3 * p + ax[1]] - x[3 * v + ax[1]]) * (x[3 * q + ax[1]] - x[3 * v + ax[1]]) > 0
  if (inside(a1, b1, a2) || inside(a1, b1, b2)) return true
  if (inside(a2, b2, a1) || inside(a2, b2, b1)) return true
  return (same(a1, a2) && same(b1, b2)) || (same(a1, b2) && same(b1, a2))
}

/**
 * Do triangles t and u intersect anywhere other than in the vertices/edge they share?
 * Sharing an edge: only a coplanar fold counts. Sharing a vertex: the opposite edges are
 * tested, and coplanar corners for sector overlap. Otherwise any closed contact counts.
 */
export function trianglesIntersect(x: Float64Array, t: ArrayLike<number>,
  u: ArrayLike<number>): boolean {
  const shared: number[] = []
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (t[i] === u[j]) shared.push(i, j)
  if (shared.length >= 4) {
    if (shared.length > 4) return true
    const ti = 3 - shared[0] - shared[2], uj = 3 - shared[1] - shared[3]
    const [a, b] = [t[shared[0]], t[shared[2]]]
    if (o3(x, a, b, t[ti], u[uj]) !== 0) return false
    const ax = keptAxes(x, a, b, t[ti])
    return o2(x, ax, a, b, t[ti]) === o2(x, ax, a, b, u[uj])
  }
  if (shared.length === 2) {
    const i = shared[0], j = shared[1]
    const [a1, b1] = [t[(i + 1) % 3], t[(i + 2) % 3]], [a2, b2] = [u[(j + 1) % 3], u[(j + 2) % 3]]
    if (segmentHitsTriangle(x, a1, b1, u[0], u[1], u[2])) return true
    if (segmentHitsTriangle(x, a2, b2, t[0], t[1], t[2])) return true
    if (o3(x, t[0], t[1], t[2], a2) !== 0 || o3(x, t[0], t[1], t[2], b2) !== 0) return false
    return sectorsOverlap(x, t[i], a1, b1, a2, b2)
  }
  for (let k = 0; k < 3; k++) {
    if (segmentHitsTriangle(x, t[k], t[(k + 1) % 3], u[0], u[1], u[2])) return true
    if (segmentHitsTriangle(x, u[k], u[(k + 1) % 3], t[0], t[1], t[2])) return true
  }
  return false
}

/** Axis-aligned boxes of all triangles, 6 numbers each (min xyz, max xyz). */
export function triangleBoxes(s: TriShell): Float64Array {
  const nt = s.tri.length / 3
  const box = new Float64Array(nt * 6)
  for (let t = 0; t < nt; t++) {
    for (let d = 0; d < 3; d++) {
      let lo = Infinity, hi = -Infinity
      for (let k = 0; k < 3; k++) {
        const v = s.xyz[3 * s.tri[3 * t + k] + d]
        lo = Math.min(lo, v); hi = Math.max(hi, v)
      }
      box[6 * t + d] = lo; box[6 * t + 3 + d] = hi
    }
  }
  return box
}

/**
 * Self-intersection (306): some pair of triangles of different faces intersects beyond their
 * shared elements. Sort-and-sweep on x, then a y/z box test: about O(n log n + k) for k
 * box-overlapping pairs.
 */
export function shellSelfIntersects(s: TriShell): boolean {
  const nt = s.tri.length / 3
  const box = triangleBoxes(s)
  const order = Array.from({ length: nt }, (_, i) => i).sort((a, b) => box[6 * a] - box[6 * b])
  const active: number[] = []
  for (const t of order) {
    let w = 0
    for (const u of active) if (box[6 * u + 3] >= box[6 * t]) active[w++] = u
    active.length = w
    for (const u of active) {
      if (s.face[u] === s.face[t]) continue
      if (box[6 * u + 4] < box[6 * t + 1] || box[6 * t + 4] < box[6 * u + 1]) continue
      if (box[6 * u + 5] < box[6 * t + 2] || box[6 * t + 5] < box[6 * u + 2]) continue
      const tt = s.tri.subarray(3 * t, 3 * t + 3), tu = s.tri.subarray(3 * u, 3 * u + 3)
      if (trianglesIntersect(s.xyz, tt, tu)) return true
    }
    active.push(t)
  }
  return false
}

/** Six times the signed volume enclosed by the triangles (> 0 when normals point outwards). */
export function signedVolume6(s: TriShell): number {
  const x = s.xyz
  let v = 0
  const ox = x[0], oy = x[1], oz = x[2]
  for (let t = 0; t < s.tri.length; t += 3) {
    const a = 3 * s.tri[t], b = 3 * s.tri[t + 1], c = 3 * s.tri[t + 2]
    const ax = x[a] - ox, ay = x[a + 1] - oy, az = x[a + 2] - oz
    const bx = x[b] - ox, by = x[b + 1] - oy, bz = x[b + 2] - oz
    const cx = x[c] - ox, cy = x[c + 1] - oy, cz = x[c + 2] - oz
    v += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)
  }
  return v
}
