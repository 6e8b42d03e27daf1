/**
 * Polygon-level checks of val3dity (codes 101–208) over one planar face of a shell, plus the
 * triangulation used by the 204 and 3xx/4xx checks. Pure functions over typed arrays.
 *
 * A face is rings of vertex ids into a flat xyz array; ring 0 is the outer ring. The 2D work
 * happens on the projection that drops the dominant axis of the best-fit plane normal; all
 * orientation and intersection decisions use exact `orient2d`.
 */
import { orient2d } from "robust-predicates"

/** Least-squares plane of a point set: unit normal and centroid. */
export interface Plane {
  readonly n: [number, number, number]
  readonly c: [number, number, number]
}

/** Eigenvector of the smallest eigenvalue of a symmetric 3x3 matrix (cyclic Jacobi, ≤ 20
 * sweeps). Row-major input, not modified. */
function smallestEigenvector(m: number[]): [number, number, number] {
  const a = m.slice()
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1]
  for (let sweep = 0; sweep < 20; sweep++) {
    const off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
    if (off < 1e-30 * (a[0] * a[0] + a[4] * a[4] + a[8] * a[8] + 1e-300)) break
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q]
      if (apq === 0) continue
      const theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq)
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
      const c = 1 / Math.sqrt(t * t + 1)
      const s = t * c
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p], akq = a[k * 3 + q]
        a[k * 3 + p] = c * akp - s * akq
        a[k * 3 + q] = s * akp + c * akq
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k], aqk = a[q * 3 + k]
        a[p * 3 + k] = c * apk - s * aqk
        a[q * 3 + k] = s * apk + c * aqk
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p], vkq = v[k * 3 + q]
        v[k * 3 + p] = c * vkp - s * vkq
        v[k * 3 + q] = s * vkp + c * vkq
      }
    }
  }
  let best = 0
  for (let i = 1; i < 3; i++) if (a[i * 4] < a[best * 4]) best = i
  return [v[best], v[3 + best], v[6 + best]]
}

/** Best-fit plane (PCA on the vertices, as CGAL's least-squares fitting of points). */
export function fitPlane(xyz: Float64Array, rings: ReadonlyArray<Uint32Array>): Plane {
  let cx = 0, cy = 0, cz = 0, n = 0
  for (const r of rings) {
    for (const i of r) { cx += xyz[3 * i]; cy += xyz[3 * i + 1]; cz += xyz[3 * i + 2]; n++ }
  }
  cx /= n; cy /= n; cz /= n
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0]
  for (const r of rings) {
    for (const i of r) {
      const d = [xyz[3 * i] - cx, xyz[3 * i + 1] - cy, xyz[3 * i + 2] - cz]
      for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) m[p * 3 + q] += d[p] * d[q]
    }
  }
  return { n: smallestEigenvector(m), c: [cx, cy, cz] }
}

/** Largest distance (m) of the face's vertices to a plane. */
export function maxPlaneDistance(xyz: Float64Array, rings: ReadonlyArray<Uint32Array>,
  pl: Plane): number {
  let worst = 0
  for (const r of rings) {
    for (const i of r) {
      const d = (xyz[3 * i] - pl.c[0]) * pl.n[0] + (xyz[3 * i + 1] - pl.c[1]) * pl.n[1] +
        (xyz[3 * i + 2] - pl.c[2]) * pl.n[2]
      worst = Math.max(worst, Math.abs(d))
    }
  }
  return worst
}

/** Index (0 x, 1 y, 2 z) of the largest component of a normal: the axis the 2D view drops. */
export function dominantAxis(n: ReadonlyArray<number>): number {
  const ax = Math.abs(n[0]), ay = Math.abs(n[1]), az = Math.abs(n[2])
  return az >= ax && az >= ay ? 2 : ax >= ay ? 0 : 1
}

/** Ring as flat 2D coordinates, dropping `axis` (kept axes in cyclic order, so no mirroring). */
export function projectRing(xyz: Float64Array, ring: Uint32Array, axis: number): Float64Array {
  const u = (axis + 1) % 3, v = (axis + 2) % 3
  const out = new Float64Array(ring.length * 2)
  for (let k = 0; k < ring.length; k++) {
    out[2 * k] = xyz[3 * ring[k] + u]
    out[2 * k + 1] = xyz[3 * ring[k] + v]
  }
  return out
}

const sgn = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0)

/** Twice the signed area of a 2D ring (> 0 counter-clockwise). */
export function signedArea2(r: Float64Array): number {
  let s = 0
  const n = r.length / 2
  for (let i = 0, j = n - 1; i < n; j = i++) {
    s += (r[2 * j] - r[2 * i]) * (r[2 * j + 1] + r[2 * i + 1])
  }
  return s
}

/** Is q on the closed segment ab, given that a, b, q are collinear? */
function onSegment(ax: number, ay: number, bx: number, by: number, qx: number,
  qy: number): boolean {
  return Math.min(ax, bx) <= qx && qx <= Math.max(ax, bx) && Math.min(ay, by) <= qy &&
    qy <= Math.max(ay, by)
}

/** Segment relation: 0 disjoint, 1 proper crossing, 2 touching in points, 3 collinear overlap. */
export function segmentRelation(r: Float64Array, i: number, j: number, s: Float64Array, k: number,
  l: number): number {
  const ax = r[2 * i], ay = r[2 * i + 1], bx = r[2 * j], by = r[2 * j + 1]
  const cx = s[2 * k], cy = s[2 * k + 1], dx = s[2 * l], dy = s[2 * l + 1]
  if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)) return 0
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return 0
  const o1 = sgn(orient2d(ax, ay, bx, by, cx, cy)), o2 = sgn(orient2d(ax, ay, bx, by, dx, dy))
  const o3 = sgn(orient2d(cx, cy, dx, dy, ax, ay)), o4 = sgn(orient2d(cx, cy, dx, dy, bx, by))
  if (o1 === 0 && o2 === 0) {
    const along = Math.abs(bx - ax) >= Math.abs(by - ay)
    const [p, q, s2, t2] = along ? [ax, bx, cx, dx] : [ay, by, cy, dy]
    const lo = Math.max(Math.min(p, q), Math.min(s2, t2))
    const hi = Math.min(Math.max(p, q), Math.max(s2, t2))
    return hi > lo ? 3 : hi === lo ? 2 : 0
  }
  if (o1 * o2 < 0 && o3 * o4 < 0) return 1
  const touch = (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) ||
    (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) ||
    (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) ||
    (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by))
  return touch ? 2 : 0
}

/** CGAL-like simplicity of one projected ring: no repeated point, no edge meeting a non-adjacent
 * one, no backtracking between adjacent edges, not collapsed to a line.
 * LIMITATION: O(n²) edge pairs; a ring of 10k vertices takes about 50M segment tests. */
export function isSimpleRing(r: Float64Array): boolean {
  const n = r.length / 2
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => r[2 * a] - r[2 * b] || r[2 * a + 1] - r[2 * b + 1])
  for (let k = 1; k < n; k++) {
    const a = order[k - 1], b = order[k]
    if (r[2 * a] === r[2 * b] && r[2 * a + 1] === r[2 * b + 1]) return false
  }
  let collinear = true
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n, k = (i + 2) % n
    const o = orient2d(r[2 * i], r[2 * i + 1], r[2 * j], r[2 * j + 1], r[2 * k], r[2 * k + 1])
    if (o !== 0) { collinear = false; continue }
    const dot = (r[2 * j] - r[2 * i]) * (r[2 * k] - r[2 * j]) +
      (r[2 * j + 1] - r[2 * i + 1]) * (r[2 * k + 1] - r[2 * j + 1])
    if (dot < 0) return false
  }
  if (collinear) return false
  for (let i = 0; i < n; i++) {
    for (let k = i + 2; k < n; k++) {
      if (i === 0 && k === n - 1) continue
      if (segmentRelation(r, i, i + 1, r, k, (k + 1) % n) !== 0) return false
    }
  }
  return true
}

/** Crossing-number point-in-ring test for a point known not to lie on the ring. */
export function pointInRing(r: Float64Array, px: number, py: number): boolean {
  let inside = false
  const n = r.length / 2
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const yi = r[2 * i + 1], yj = r[2 * j + 1]
    if (yi > py !== yj > py) {
      const x = r[2 * i] + ((py - yi) * (r[2 * j] - r[2 * i])) / (yj - yi)
      if (px < x) inside = !inside
    }
  }
  return inside
}

/** What one ring pair does: proper crossings / overlaps, touch points, and which side each lies. */
interface PairRelation { bad: 0 | 201 | 202; touches: string[]; jInI: boolean; iInJ: boolean }

const key2 = (r: Float64Array, i: number): string => `${r[2 * i]},${r[2 * i + 1]}`

/** Same point set in the same cyclic sequence (either direction)? */
function sameRing(a: Float64Array, b: Float64Array): boolean {
  const n = a.length / 2
  if (b.length !== a.length) return false
  const start = Array.from({ length: n }, (_, k) => k).find((k) => key2(b, k) === key2(a, 0))
  if (start === undefined) return false
  const walk = (step: number): boolean => Array.from({ length: n }, (_, k) => k)
    .every((k) => key2(b, (start + step * k + n * n) % n) === key2(a, k))
  return walk(1) || walk(-1)
}

/** Sides of ring `s` relative to ring `r`, probing midpoints of s's edges split at touch points. */
function sides(s: Float64Array, splits: number[][], r: Float64Array): {
  inn: boolean
  out: boolean
} {
  let inn = false, out = false
  const n = s.length / 2
  for (let e = 0; e < n; e++) {
    const f = (e + 1) % n
    const ts = [0, 1, ...splits[e]].sort((a, b) => a - b)
    for (let k = 1; k < ts.length; k++) {
      if (ts[k] === ts[k - 1]) continue
      const t = (ts[k] + ts[k - 1]) / 2
      const px = s[2 * e] + t * (s[2 * f] - s[2 * e])
      const py = s[2 * e + 1] + t * (s[2 * f + 1] - s[2 * e + 1])
      if (pointInRing(r, px, py)) inn = true
      else out = true
    }
  }
  return { inn, out }
}

/** Parameter of point q along segment ab (q known to lie on it). */
function paramOn(ax: number, ay: number, bx: number, by: number, qx: number, qy: number): number {
  return Math.abs(bx - ax) >= Math.abs(by - ay) ? (qx - ax) / (bx - ax) : (qy - ay) / (by - ay)
}

/** Records a vertex of one ring that lies on an edge of the other: touch key and split param. */
function noteTouch(a: Float64Array, e: number, f: number, b: Float64Array, v: number,
  splits: number[], touches: Set<string>): void {
  const ax = a[2 * e], ay = a[2 * e + 1], bx = a[2 * f], by = a[2 * f + 1]
  const qx = b[2 * v], qy = b[2 * v + 1]
  if (orient2d(ax, ay, bx, by, qx, qy) !== 0 || !onSegment(ax, ay, bx, by, qx, qy)) return
  touches.add(key2(b, v))
  const t = paramOn(ax, ay, bx, by, qx, qy)
  if (t > 0 && t < 1) splits.push(t)
}

/** Pairwise relation of two simple rings. O(|r|·|s|). */
function relateRings(r: Float64Array, s: Float64Array): PairRelation {
  const nr = r.length / 2, ns = s.length / 2
  if (sameRing(r, s)) return { bad: 202, touches: [], jInI: false, iInJ: false }
  const splitsR: number[][] = Array.from({ length: nr }, () => [])
  const splitsS: number[][] = Array.from({ length: ns }, () => [])
  const touches = new Set<string>()
  for (let i = 0; i < nr; i++) {
    const i2 = (i + 1) % nr
    for (let k = 0; k < ns; k++) {
      const k2 = (k + 1) % ns
      const rel = segmentRelation(r, i, i2, s, k, k2)
      if (rel === 1 || rel === 3) return { bad: 201, touches: [], jInI: false, iInJ: false }
      if (rel !== 2) continue
      noteTouch(r, i, i2, s, k, splitsR[i], touches)
      noteTouch(r, i, i2, s, k2, splitsR[i], touches)
      noteTouch(s, k, k2, r, i, splitsS[k], touches)
      noteTouch(s, k, k2, r, i2, splitsS[k], touches)
    }
  }
  const sInR = sides(s, splitsS, r), rInS = sides(r, splitsR, s)
  if ((sInR.inn && sInR.out) || (rInS.inn && rInS.out)) {
    return { bad: 201, touches: [], jInI: false, iInJ: false }
  }
  return { bad: 0, touches: [...touches], jInI: sInR.inn, iInJ: rInS.inn }
}

/** Union-find root with path halving. */
export function findRoot(parent: Int32Array | number[], x: number): number {
  while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x] }
  return x
}

/** Interior disconnected (205): the bipartite graph rings–touch points has a cycle. */
function hasTouchCycle(m: number, incid: Array<[number, string]>): boolean {
  const ids = new Map<string, number>()
  for (const [, p] of incid) if (!ids.has(p)) ids.set(p, m + ids.size)
  const parent = Array.from({ length: m + ids.size }, (_, i) => i)
  const seen = new Set<string>()
  for (const [ring, p] of incid) {
    if (seen.has(`${ring}|${p}`)) continue
    seen.add(`${ring}|${p}`)
    const a = findRoot(parent, ring), b = findRoot(parent, ids.get(p)!)
    if (a === b) return true
    parent[a] = b
  }
  return false
}

/**
 * GEOS-like validity of a polygon whose projected rings are each simple: 208, then 201/202,
 * 206, 207, 205, in that order (one code, as GEOS reports one reason). 0 when valid.
 */
export function polygonCode(rings: ReadonlyArray<Float64Array>): number {
  const m = rings.length
  if (m === 1) return 0
  const outerSign = sgn(signedArea2(rings[0]))
  for (let j = 1; j < m; j++) if (sgn(signedArea2(rings[j])) === outerSign) return 208
  const incid: Array<[number, string]> = []
  const inside: boolean[][] = Array.from({ length: m }, () => new Array<boolean>(m).fill(false))
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const rel = relateRings(rings[i], rings[j])
      if (rel.bad !== 0) return rel.bad
      for (const p of rel.touches) incid.push([i, p], [j, p])
      inside[i][j] = rel.jInI
      inside[j][i] = rel.iInJ
    }
  }
  for (let j = 1; j < m; j++) if (!inside[0][j]) return 206
  for (let i = 1; i < m; i++) for (let j = 1; j < m; j++) if (i !== j && inside[i][j]) return 207
  return hasTouchCycle(m, incid) ? 205 : 0
}
