/**
 * Solid-level checks of val3dity (401–405) between the outer shell and inner shells that each
 * passed the shell checks. val3dity decides these with Nef polyhedra; here they come from
 * sampling each shell (vertices, edge midpoints, triangle centroids), classifying the samples
 * against the other shell by ray parity, and exact edge-through-face crossing tests.
 */
import { o3, signedVolume6, type TriShell } from "./val3dity-intersect.ts"
import { findRoot } from "./val3dity-polygon.ts"

/** A validated shell: its triangles plus its polygon edges (unique undirected id pairs). */
export interface SolidShell { readonly tri: TriShell; readonly edges: Uint32Array }

/** Distance (m) under which a sample counts as lying on the other shell's surface. */
// LIMITATION: samples are float points (midpoints, centroids) tested with this tolerance, so
// a contact or gap thinner than ON_EPS between shells is misjudged (401 vs valid vs 403).
const ON_EPS = 1e-6
const IN = 1, OUT = 2, ON = 3

const cross = (u: number[], v: number[]): number[] =>
  [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]

/** Is point p within ON_EPS of triangle t of shell s? */
function onTriangle(s: TriShell, t: number, px: number, py: number, pz: number): boolean {
  const x = s.xyz, a = 3 * s.tri[3 * t], b = 3 * s.tri[3 * t + 1], c = 3 * s.tri[3 * t + 2]
  const e1 = [x[b] - x[a], x[b + 1] - x[a + 1], x[b + 2] - x[a + 2]]
  const e2 = [x[c] - x[a], x[c + 1] - x[a + 1], x[c + 2] - x[a + 2]]
  const n = cross(e1, e2)
  const nl = Math.hypot(n[0], n[1], n[2])
  if (nl === 0) return false
  const off = n[0] * (px - x[a]) + n[1] * (py - x[a + 1]) + n[2] * (pz - x[a + 2])
  if (Math.abs(off) > ON_EPS * nl) return false
  for (const [i, j] of [[a, b], [b, c], [c, a]] as const) {
    const ex = x[j] - x[i], ey = x[j + 1] - x[i + 1], ez = x[j + 2] - x[i + 2]
    const qx = px - x[i], qy = py - x[i + 1], qz = pz - x[i + 2]
    const w = cross([ex, ey, ez], [qx, qy, qz])
    const side = n[0] * w[0] + n[1] * w[1] + n[2] * w[2]
    if (side < -ON_EPS * nl * Math.hypot(ex, ey, ez)) return false
  }
  return true
}

/** Ray end offset (m): beyond any building or test shape. */
const RAY_LENGTH = 1e7
const RAYS = [[0.5773, 0.3131, 0.7541], [-0.2718, 0.8412, 0.4675], [0.6931, -0.5236, -0.4951]]

/** IN / OUT / ON of point p against closed shell s. Ray parity, retried on degenerate hits. */
function classify(s: TriShell, scratch: Float64Array, px: number, py: number, pz: number): number {
  const nt = s.tri.length / 3
  for (let t = 0; t < nt; t++) if (onTriangle(s, t, px, py, pz)) return ON
  const P = s.xyz.length / 3, Q = P + 1
  scratch[3 * P] = px; scratch[3 * P + 1] = py; scratch[3 * P + 2] = pz
  for (const d of RAYS) {
    for (let k = 0; k < 3; k++) scratch[3 * Q + k] = [px, py, pz][k] + d[k] * RAY_LENGTH
    let hits = 0, degenerate = false
    for (let t = 0; t < nt && !degenerate; t++) {
      const a = s.tri[3 * t], b = s.tri[3 * t + 1], c = s.tri[3 * t + 2]
      const sp = o3(scratch, a, b, c, P), sq = o3(scratch, a, b, c, Q)
      if (sp * sq > 0) continue
      const s1 = o3(scratch, P, Q, a, b), s2 = o3(scratch, P, Q, b, c), s3 = o3(scratch, P, Q, c, a)
      if (sp === 0 || sq === 0 || s1 === 0 || s2 === 0 || s3 === 0) {
        if ((s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)) degenerate = true
        continue
      }
      if (s1 === s2 && s2 === s3) hits++
    }
    if (!degenerate) return hits % 2 === 1 ? IN : OUT
  }
  return OUT
}

/** How shell b sits against closed shell a. */
interface Relation { anyIn: boolean; anyOut: boolean; faceOn: boolean; allOn: boolean }

function relate(b: TriShell, a: TriShell): Relation {
  const scratch = new Float64Array(a.xyz.length + 6)
  scratch.set(a.xyz)
  const r: Relation = { anyIn: false, anyOut: false, faceOn: false, allOn: true }
  const note = (k: number, isCentroid: boolean): void => {
    if (k === IN) r.anyIn = true
    if (k === OUT) r.anyOut = true
    if (k !== ON) r.allOn = false
    else if (isCentroid) r.faceOn = true
  }
  const x = b.xyz
  for (let v = 0; v < x.length / 3; v++) {
    note(classify(a, scratch, x[3 * v], x[3 * v + 1], x[3 * v + 2]), false)
  }
  for (let t = 0; t < b.tri.length; t += 3) {
    const i = 3 * b.tri[t], j = 3 * b.tri[t + 1], k = 3 * b.tri[t + 2]
    const c = [0, 1, 2].map((d) => (x[i + d] + x[j + d] + x[k + d]) / 3)
    note(classify(a, scratch, c[0], c[1], c[2]), true)
    for (const [p, q] of [[i, j], [j, k], [k, i]] as const) {
      const mid = [0, 1, 2].map((d) => (x[p + d] + x[q + d]) / 2)
      note(classify(a, scratch, mid[0], mid[1], mid[2]), false)
    }
  }
  return r
}

/** Does an edge of b pass strictly through the interior of a triangle of a (or vice versa)? */
function crosses(a: TriShell, b: TriShell): boolean {
  const na = a.xyz.length / 3
  const x = new Float64Array(a.xyz.length + b.xyz.length)
  x.set(a.xyz); x.set(b.xyz, a.xyz.length)
  const through = (s: Uint32Array, so: number, t: Uint32Array, to: number): boolean => {
    for (let i = 0; i < s.length; i += 3) {
      for (let e = 0; e < 3; e++) {
        const p = s[i + e] + so, q = s[i + ((e + 1) % 3)] + so
        for (let j = 0; j < t.length; j += 3) {
          const ta = t[j] + to, tb = t[j + 1] + to, tc = t[j + 2] + to
          if (o3(x, ta, tb, tc, p) * o3(x, ta, tb, tc, q) >= 0) continue
          const s1 = o3(x, p, q, ta, tb), s2 = o3(x, p, q, tb, tc), s3 = o3(x, p, q, tc, ta)
          if (s1 !== 0 && s1 === s2 && s2 === s3) return true
        }
      }
    }
    return false
  }
  return through(b.tri, na, a.tri, 0) || through(a.tri, 0, b.tri, na)
}

/** 401 / 403 for inner shell b against outer shell a; 0 when b sits properly inside. */
function innerVsOuter(a: TriShell, b: TriShell): number {
  const r = relate(b, a)
  if (crosses(a, b) || (r.anyIn && r.anyOut)) return 401
  if (r.anyOut) return relate(a, b).anyIn ? 401 : 403
  return r.faceOn ? 401 : 0
}

/** 402 / 401 for two inner shells; 0 when disjoint or touching in edges/points only. */
function innerVsInner(b: TriShell, c: TriShell): number {
  const bc = relate(b, c), cb = relate(c, b)
  if (bc.allOn && cb.allOn) return 402
  if (crosses(b, c) || bc.anyIn || cb.anyIn || bc.faceOn || cb.faceOn) return 401
  return 0
}

/**
 * 404: edges of an inner shell lying on another shell close a loop (cuts the interior off).
 * LIMITATION: only whole polygon edges of inner shells count as contact; a loop made of
 * partial edge overlaps, or of outer-shell edges lying on an inner shell, is missed (no 404).
 */
function contactLoop(shells: ReadonlyArray<SolidShell>): boolean {
  const ids = new Map<string, number>()
  const parent: number[] = []
  const seen = new Set<string>()
  const node = (k: string): number => {
    if (!ids.has(k)) { ids.set(k, parent.length); parent.push(parent.length) }
    return ids.get(k)!
  }
  for (let i = 1; i < shells.length; i++) {
    const s = shells[i].tri, x = s.xyz, e = shells[i].edges
    for (let j = 0; j < shells.length; j++) {
      if (j === i) continue
      const o = shells[j].tri
      const scratch = new Float64Array(o.xyz.length + 6)
      scratch.set(o.xyz)
      for (let k = 0; k < e.length; k += 2) {
        const p = 3 * e[k], q = 3 * e[k + 1]
        const pts = [[x[p], x[p + 1], x[p + 2]], [x[q], x[q + 1], x[q + 2]],
          [(x[p] + x[q]) / 2, (x[p + 1] + x[q + 1]) / 2, (x[p + 2] + x[q + 2]) / 2]]
        if (!pts.every((c) => classify(o, scratch, c[0], c[1], c[2]) === ON)) continue
        const ka = pts[0].join(","), kb = pts[1].join(",")
        const ek = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`
        if (seen.has(ek)) continue
        seen.add(ek)
        const ra = findRoot(parent, node(ka)), rb = findRoot(parent, node(kb))
        if (ra === rb) return true
        parent[ra] = rb
      }
    }
  }
  return false
}

/** Codes 401–405 of a solid whose shells (0 = outer) are each valid; sorted, [] when valid. */
export function solidCodes(shells: ReadonlyArray<SolidShell>): number[] {
  for (let i = 0; i < shells.length; i++) {
    const v = signedVolume6(shells[i].tri)
    if ((i === 0 && !(v > 0)) || (i > 0 && !(v < 0))) return [405]
  }
  if (shells.length === 1) return []
  const codes = new Set<number>()
  for (let i = 1; i < shells.length; i++) {
    const c = innerVsOuter(shells[0].tri, shells[i].tri)
    if (c !== 0) codes.add(c)
  }
  for (let i = 1; i < shells.length; i++) {
    for (let j = i + 1; j < shells.length; j++) {
      const c = innerVsInner(shells[i].tri, shells[j].tri)
      if (c !== 0) codes.add(c)
    }
  }
  if (codes.size === 0 && contactLoop(shells)) codes.add(404)
  return [...codes].sort((a, b) => a - b)
}
