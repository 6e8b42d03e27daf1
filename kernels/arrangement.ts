/**
 * Arrangement of a footprint (with holes) and line segments (roofer's step 11): the planar
 * graph of the footprint rings and the segments, split at every crossing with exact orientation
 * tests and with vertices snapped at `snap` metres, then a half-edge face walk. Dangling ends
 * and bridges are pruned; the faces inside the footprint are returned, holes included.
 *
 * Robustness rules: a vertex within `snap` of a segment splits it (so a line that nearly
 * touches a footprint corner passes through it instead of leaving a sliver), a segment end
 * within `snap` of another curve is projected onto it, and every new point merges with an
 * existing vertex within `snap`. The result is checked (face areas sum to the footprint area,
 * rings are simple loops); a failed check is reported, not thrown.
 */
import { orient2d } from "robust-predicates"
import type { Polygon } from "./geometry-types.ts"
import { pointInPolygon, squaredDistanceToBoundary } from "./point-index.ts"
import { polygonArea, ringSignedArea } from "./extrude.ts"
import type { Line2 } from "./line-regularise.ts"

export interface ArrangementFace {
  /** Vertex ids; ring 0 outer (CCW), others holes (CW); no closing repeat. */
  readonly rings: Uint32Array[]
  readonly area: number
}

export interface Arrangement {
  readonly vx: Float64Array
  readonly vy: Float64Array
  readonly faces: ArrangementFace[]
}

export type ArrangementResult =
  | { readonly ok: true; readonly arrangement: Arrangement }
  | { readonly ok: false; readonly reason: string }

/** Vertices merged within `tol` by a grid hash (cell = tol, 3×3 search). */
class VertexPool {
  readonly xs: number[] = []
  readonly ys: number[] = []
  private readonly grid = new Map<string, number[]>()
  constructor(private readonly tol: number) {}

  add(x: number, y: number): number {
    const gx = Math.floor(x / this.tol), gy = Math.floor(y / this.tol)
    let best = -1, bestD = this.tol * this.tol
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const v of this.grid.get(`${gx + dx},${gy + dy}`) ?? []) {
          const d = (this.xs[v] - x) ** 2 + (this.ys[v] - y) ** 2
          if (d <= bestD) { bestD = d; best = v }
        }
      }
    }
    if (best >= 0) return best
    const id = this.xs.length
    this.xs.push(x)
    this.ys.push(y)
    const key = `${gx},${gy}`
    const list = this.grid.get(key)
    if (list === undefined) this.grid.set(key, [id])
    else list.push(id)
    return id
  }
}

/** A straight curve to be split: footprint edge (interior on its left) or roof segment. */
interface Curve {
  ax: number; ay: number; bx: number; by: number
  readonly footprint: boolean
  /** (t, vertex) split points, endpoints included. */
  readonly splits: Array<[number, number]>
}

const paramOn = (c: Curve, x: number, y: number): number => {
  const dx = c.bx - c.ax, dy = c.by - c.ay
  const l2 = dx * dx + dy * dy
  return l2 > 0 ? ((x - c.ax) * dx + (y - c.ay) * dy) / l2 : 0
}

/** Squared distance from (x, y) to curve c and the parameter of the nearest point. */
function nearest(c: Curve, x: number, y: number): [number, number] {
  const t = Math.min(1, Math.max(0, paramOn(c, x, y)))
  const px = c.ax + t * (c.bx - c.ax), py = c.ay + t * (c.by - c.ay)
  return [(px - x) ** 2 + (py - y) ** 2, t]
}

/**
 * Proper crossing of two curves (exact orientation signs), as parameters on each. Curves of
 * which one lies within `tol` of the other's line along its whole length are collinear: their
 * "crossing" is numerical noise (it can land anywhere along them), so there is none; the
 * vertex splits join them where they meet.
 */
function crossing(c: Curve, d: Curve, tol: number): [number, number] | null {
  const o1 = orient2d(c.ax, c.ay, c.bx, c.by, d.ax, d.ay)
  const o2 = orient2d(c.ax, c.ay, c.bx, c.by, d.bx, d.by)
  const o3 = orient2d(d.ax, d.ay, d.bx, d.by, c.ax, c.ay)
  const o4 = orient2d(d.ax, d.ay, d.bx, d.by, c.bx, c.by)
  if (!(o1 * o2 < 0 && o3 * o4 < 0)) return null
  const rx = c.bx - c.ax, ry = c.by - c.ay, sx = d.bx - d.ax, sy = d.by - d.ay
  const lc = Math.hypot(rx, ry), ld = Math.hypot(sx, sy)
  // orient2d is twice the triangle area: distance = |o| / length of the base.
  const dOnC = Math.max(Math.abs(o1), Math.abs(o2)) <= tol * lc
  const cOnD = Math.max(Math.abs(o3), Math.abs(o4)) <= tol * ld
  if (dOnC || cOnD) return null
  const den = rx * sy - ry * sx
  const t = ((d.ax - c.ax) * sy - (d.ay - c.ay) * sx) / den
  const u = ((d.ax - c.ax) * ry - (d.ay - c.ay) * rx) / den
  return [Math.min(1, Math.max(0, t)), Math.min(1, Math.max(0, u))]
}

function footprintCurves(polygon: Polygon, pool: VertexPool): Curve[] {
  const curves: Curve[] = []
  for (const ring of polygon) {
    const n = ring.length >> 1
    const ids = Array.from({ length: n }, (_, i) => pool.add(ring[2 * i], ring[2 * i + 1]))
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n
      curves.push({ ax: ring[2 * i], ay: ring[2 * i + 1], bx: ring[2 * j], by: ring[2 * j + 1],
        footprint: true, splits: [[0, ids[i]], [1, ids[j]]] })
    }
  }
  return curves
}

/**
 * Segment ends near another curve are moved onto it (and split it); then proper crossings
 * split both curves. O(C²) for C curves (tens to a few hundred here).
 */
function splitCurves(curves: Curve[], segs: Curve[], pool: VertexPool, tol: number): void {
  const all = [...curves, ...segs]
  for (const s of segs) {
    for (const end of [0, 1]) {
      let x = end === 0 ? s.ax : s.bx, y = end === 0 ? s.ay : s.by
      let host: Curve | null = null, ht = 0
      for (const c of all) {
        if (c === s) continue
        const [d2, t] = nearest(c, x, y)
        if (d2 <= tol * tol && (host === null || c.footprint)) { host = c; ht = t }
      }
      if (host !== null) {
        x = host.ax + ht * (host.bx - host.ax)
        y = host.ay + ht * (host.by - host.ay)
      }
      const v = pool.add(x, y)
      s.splits.push([end, v])
      if (host !== null) host.splits.push([ht, v])
    }
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const c = all[i], d = all[j]
      if (c.footprint && d.footprint) continue
      const tu = crossing(c, d, tol)
      if (tu === null) continue
      const v = pool.add(c.ax + tu[0] * (c.bx - c.ax), c.ay + tu[0] * (c.by - c.ay))
      c.splits.push([tu[0], v])
      d.splits.push([tu[1], v])
    }
  }
}

/** Every vertex within `tol` of a curve splits it (pass-through at near-touches). */
function vertexSplits(curves: Curve[], pool: VertexPool, tol: number): void {
  for (const s of curves) {
    for (let v = 0; v < pool.xs.length; v++) {
      const [d2, t] = nearest(s, pool.xs[v], pool.ys[v])
      if (d2 <= tol * tol && t > 0 && t < 1) s.splits.push([t, v])
    }
  }
}

interface EdgeSet { a: number[]; b: number[]; fp: boolean[] }

/** Curves cut into edges; footprint pieces keep their ring direction and win duplicates. */
function buildEdges(curves: Curve[], polygon: Polygon, pool: VertexPool, tol: number): EdgeSet {
  const n = pool.xs.length
  const seen = new Map<number, number>()
  const e: EdgeSet = { a: [], b: [], fp: [] }
  for (const c of [...curves].sort((p, q) => Number(q.footprint) - Number(p.footprint))) {
    const used = new Set<number>()
    const sp = [...c.splits].sort((p, q) => p[0] - q[0]).filter(([, v]) => {
      if (used.has(v)) return false
      used.add(v)
      return true
    })
    for (let k = 0; k + 1 < sp.length; k++) {
      const a = sp[k][1], b = sp[k + 1][1]
      if (a === b) continue
      const key = Math.min(a, b) * n + Math.max(a, b)
      if (seen.has(key)) continue
      if (!c.footprint) {
        const mx = (pool.xs[a] + pool.xs[b]) / 2, my = (pool.ys[a] + pool.ys[b]) / 2
        if (!pointInPolygon(polygon, mx, my)) continue
        if (squaredDistanceToBoundary(polygon, mx, my) <= tol * tol) continue
      }
      seen.set(key, e.a.length)
      e.a.push(a); e.b.push(b); e.fp.push(c.footprint)
    }
  }
  return e
}

interface Walk { face: Int32Array; cycles: number[][] }

/** Half-edge h: 2e is a→b, 2e+1 is b→a. Faces lie to the left of their half-edges. */
function faceWalk(e: EdgeSet, alive: Uint8Array, xs: number[], ys: number[]): Walk {
  const m = e.a.length
  const origin = (h: number) => (h & 1 ? e.b[h >> 1] : e.a[h >> 1])
  const out = new Map<number, number[]>()
  for (let h = 0; h < 2 * m; h++) {
    if (alive[h >> 1] === 0) continue
    const o = origin(h)
    const list = out.get(o)
    if (list === undefined) out.set(o, [h])
    else list.push(h)
  }
  const pos = new Int32Array(2 * m)
  for (const [o, list] of out) {
    const ang = (h: number) => Math.atan2(ys[origin(h ^ 1)] - ys[o], xs[origin(h ^ 1)] - xs[o])
    list.sort((p, q) => ang(p) - ang(q))
    list.forEach((h, i) => { pos[h] = i })
  }
  const face = new Int32Array(2 * m).fill(-1)
  const cycles: number[][] = []
  for (let h0 = 0; h0 < 2 * m; h0++) {
    if (alive[h0 >> 1] === 0 || face[h0] >= 0) continue
    const cyc: number[] = []
    let h = h0
    while (face[h] < 0) {
      face[h] = cycles.length
      cyc.push(h)
      const t = h ^ 1
      const list = out.get(origin(t)) as number[]
      h = list[(pos[t] - 1 + list.length) % list.length]
    }
    cycles.push(cyc)
  }
  return { face, cycles }
}

/**
 * Walks faces, removing non-footprint edges with the same face on both sides (dangles and
 * bridges) until none is left.
 */
function prunedWalk(e: EdgeSet, xs: number[], ys: number[]): Walk {
  const alive = new Uint8Array(e.a.length).fill(1)
  for (;;) {
    const w = faceWalk(e, alive, xs, ys)
    let removed = 0
    for (let k = 0; k < e.a.length; k++) {
      if (alive[k] === 1 && !e.fp[k] && w.face[2 * k] === w.face[2 * k + 1]) {
        alive[k] = 0
        removed++
      }
    }
    if (removed === 0) return w
  }
}

function cycleRing(e: EdgeSet, cyc: number[]): Uint32Array {
  return Uint32Array.from(cyc, (h) => (h & 1 ? e.b[h >> 1] : e.a[h >> 1]))
}

const toCoords = (ring: Uint32Array, xs: number[], ys: number[]): Float64Array => {
  const out = new Float64Array(ring.length * 2)
  ring.forEach((v, i) => { out[2 * i] = xs[v]; out[2 * i + 1] = ys[v] })
  return out
}

/**
 * A cycle that passes a vertex twice (two faces touching at a corner, or a hole touching its
 * face's outline) cut there into simple loops, each keeping its orientation.
 */
export function simpleLoops(ring: Uint32Array): Uint32Array[] {
  const out: Uint32Array[] = []
  const stack: number[] = []
  const at = new Map<number, number>()
  for (const v of ring) {
    const k = at.get(v)
    if (k === undefined) {
      at.set(v, stack.length)
      stack.push(v)
      continue
    }
    // Close the loop v … (back to v) and keep v on the stack.
    const loop = stack.splice(k + 1)
    for (const u of loop) at.delete(u)
    if (loop.length >= 2) out.push(Uint32Array.from([v, ...loop]))
  }
  if (stack.length >= 3) out.push(Uint32Array.from(stack))
  return out
}

/** Interior cycles: CCW ones are faces, CW ones holes of the smallest face around them. */
function assemble(e: EdgeSet, w: Walk, xs: number[], ys: number[]): ArrangementFace[] | string {
  type Outer = { ring: Uint32Array; coords: Float64Array; area: number; holes: Uint32Array[] }
  const outer: Outer[] = []
  const holes: Array<{ ring: Uint32Array; area: number }> = []
  for (const cyc of w.cycles) {
    if (cyc.some((h) => e.fp[h >> 1] && (h & 1) === 1)) continue
    for (const ring of simpleLoops(cycleRing(e, cyc))) {
      const coords = toCoords(ring, xs, ys)
      const area = ringSignedArea(coords)
      if (area > 0) outer.push({ ring, coords, area, holes: [] })
      else if (area < 0) holes.push({ ring, area })
    }
  }
  for (const h of holes) {
    let host = null
    for (const o of outer) {
      if (!(o.area + h.area > 0) || (host !== null && o.area >= host.area)) continue
      // A hole may touch its face's outline at a vertex: test one of its vertices that is not
      // on the candidate's ring (all on it: the hole is that ring reversed, not inside it).
      const mine = new Set(o.ring)
      const v = h.ring.find((u) => !mine.has(u))
      if (v !== undefined && pointInPolygon([o.coords], xs[v], ys[v])) host = o
    }
    if (host === null) return "a hole cycle lies in no face"
    host.holes.push(h.ring)
  }
  return outer.map((o) => ({
    rings: [o.ring, ...o.holes],
    area: o.area + o.holes.reduce((s, r) => s + ringSignedArea(toCoords(r, xs, ys)), 0)
  }))
}

export interface ArrangementParams {
  /** Vertex snap distance, metres. */
  readonly snap: number
}

export const defaultArrangementParams: ArrangementParams = { snap: 0.01 }

/**
 * Faces of `polygon` (outer CCW, holes CW, valid) cut by `lines`. Lines may extend past the
 * footprint; the parts outside are dropped. Cost O((E + L)² + V·L) for E footprint edges,
 * L lines, V vertices.
 */
export function buildArrangement(polygon: Polygon, lines: ReadonlyArray<Line2>,
  params: ArrangementParams = defaultArrangementParams): ArrangementResult {
  const tol = params.snap
  const pool = new VertexPool(tol)
  const curves = footprintCurves(polygon, pool)
  const segs: Curve[] = lines
    .filter((l) => Math.hypot(l.x1 - l.x0, l.y1 - l.y0) > 2 * tol)
    .map((l) => ({ ax: l.x0, ay: l.y0, bx: l.x1, by: l.y1, footprint: false, splits: [] }))
  splitCurves(curves, segs, pool, tol)
  vertexSplits([...curves, ...segs], pool, tol)
  const edges = buildEdges([...curves, ...segs], polygon, pool, tol)
  const walk = prunedWalk(edges, pool.xs, pool.ys)
  const faces = assemble(edges, walk, pool.xs, pool.ys)
  if (typeof faces === "string") return { ok: false, reason: faces }
  const total = faces.reduce((s, f) => s + f.area, 0)
  const want = polygonArea(polygon)
  // Snapping moves vertices by up to `snap`, which changes areas by about snap × length.
  if (!(Math.abs(total - want) <= tol * perimeter(polygon) + 1e-6 * want)) {
    return { ok: false, reason: `face areas sum to ${total} m², footprint ${want} m²` }
  }
  const vx = Float64Array.from(pool.xs), vy = Float64Array.from(pool.ys)
  return { ok: true, arrangement: { vx, vy, faces } }
}

/** Total ring length of a polygon, metres. */
export function perimeter(polygon: Polygon): number {
  let len = 0
  for (const r of polygon) {
    const n = r.length >> 1
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n
      len += Math.hypot(r[2 * j] - r[2 * i], r[2 * j + 1] - r[2 * i + 1])
    }
  }
  return len
}

export interface FaceAdjacency {
  /** Pairs of faces sharing edges, with the total shared length (m). */
  readonly a: Int32Array
  readonly b: Int32Array
  readonly length: Float64Array
}

/** Face pairs that share at least one edge, from the directed edges of the face rings. */
export function faceAdjacency(arr: Arrangement): FaceAdjacency {
  const n = arr.vx.length
  const owner = new Map<number, number>()
  arr.faces.forEach((f, fi) => {
    for (const r of f.rings) {
      for (let i = 0; i < r.length; i++) owner.set(r[i] * n + r[(i + 1) % r.length], fi)
    }
  })
  const pairs = new Map<number, number>()
  const F = arr.faces.length
  for (const [key, f] of owner) {
    const u = Math.floor(key / n), v = key - u * n
    const g = owner.get(v * n + u)
    if (g === undefined || g <= f) continue
    const len = Math.hypot(arr.vx[v] - arr.vx[u], arr.vy[v] - arr.vy[u])
    pairs.set(f * F + g, (pairs.get(f * F + g) ?? 0) + len)
  }
  const keys = [...pairs.keys()].sort((p, q) => p - q)
  return {
    a: Int32Array.from(keys, (k) => Math.floor(k / F)),
    b: Int32Array.from(keys, (k) => k % F),
    length: Float64Array.from(keys, (k) => pairs.get(k) as number)
  }
}
