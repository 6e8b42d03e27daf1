/**
 * 2D Delaunay triangulation (Bowyer–Watson with exact predicates) and the alpha shape of a
 * point set: the Delaunay triangles whose circumradius² ≤ α², and their boundary as rings of
 * point ids (outer rings CCW, holes CW).
 *
 * Triangle t has vertices tri[3t..3t+2] (CCW) and adj[3t+i] is the triangle across its edge i,
 * from vertex i to vertex i+1, or −1.
 */
import { incircle, orient2d } from "robust-predicates"

export interface Triangulation {
  /** CCW vertex ids per triangle; only triangles of real points (no super-triangle vertex). */
  readonly triangles: Uint32Array
}

interface Mesh {
  tri: Int32Array
  adj: Int32Array
  alive: Uint8Array
  count: number
}

function grow(m: Mesh, need: number): void {
  if (need * 3 <= m.tri.length) return
  const cap = Math.max(need, m.tri.length / 3) * 2
  const tri = new Int32Array(cap * 3)
  const adj = new Int32Array(cap * 3)
  const alive = new Uint8Array(cap)
  tri.set(m.tri)
  adj.set(m.adj)
  alive.set(m.alive)
  m.tri = tri
  m.adj = adj
  m.alive = alive
}

/** Triangle containing (px, py) by a visibility walk from `start`; linear scan as fallback. */
function locate(m: Mesh, xs: Float64Array, ys: Float64Array, px: number, py: number,
  start: number): number {
  let t = start
  for (let steps = 0; steps < 4 * m.count + 16; steps++) {
    let moved = false
    for (let i = 0; i < 3; i++) {
      const a = m.tri[3 * t + i], b = m.tri[3 * t + ((i + 1) % 3)]
      if (orient2d(xs[a], ys[a], xs[b], ys[b], px, py) > 0 && m.adj[3 * t + i] >= 0) {
        t = m.adj[3 * t + i]
        moved = true
        break
      }
    }
    if (!moved) return t
  }
  for (let s = 0; s < m.count; s++) {
    if (m.alive[s] === 0) continue
    const [a, b, c] = [m.tri[3 * s], m.tri[3 * s + 1], m.tri[3 * s + 2]]
    if (orient2d(xs[a], ys[a], xs[b], ys[b], px, py) <= 0 &&
      orient2d(xs[b], ys[b], xs[c], ys[c], px, py) <= 0 &&
      orient2d(xs[c], ys[c], xs[a], ys[a], px, py) <= 0) return s
  }
  return start
}

/**
 * Inserts point p: the cavity of triangles whose circumcircle holds p (grown from the containing
 * triangle) is replaced by a fan around p. `stack`, `bad` and `link` are scratch buffers.
 * orient2d(a, b, c) of robust-predicates is positive for clockwise a, b, c, so CCW triangles
 * have it negative; incircle is positive when d lies inside the circle of a CCW triangle.
 * About 50 lines: cavity search and re-linking share the scratch state.
 */
function insert(m: Mesh, xs: Float64Array, ys: Float64Array, p: number, t0: number,
  s: { stack: number[]; bad: number[]; edges: number[]; link: Int32Array }): number {
  const px = xs[p], py = ys[p]
  for (let i = 0; i < 3; i++) {
    const v = m.tri[3 * t0 + i]
    if (xs[v] === px && ys[v] === py) return t0
  }
  const { stack, bad, edges } = s
  stack.length = 0; bad.length = 0; edges.length = 0
  stack.push(t0)
  m.alive[t0] = 2
  while (stack.length > 0) {
    const t = stack.pop() as number
    bad.push(t)
    for (let i = 0; i < 3; i++) {
      const u = m.adj[3 * t + i]
      const a = m.tri[3 * t + i], b = m.tri[3 * t + ((i + 1) % 3)]
      if (u >= 0 && m.alive[u] === 2) continue
      const inside = u >= 0 && m.alive[u] === 1 && incircle(
        xs[m.tri[3 * u]], ys[m.tri[3 * u]], xs[m.tri[3 * u + 1]], ys[m.tri[3 * u + 1]],
        xs[m.tri[3 * u + 2]], ys[m.tri[3 * u + 2]], px, py) > 0
      if (inside) {
        m.alive[u] = 2
        stack.push(u)
      } else edges.push(a, b, u)
    }
  }
  // The cavity is star-shaped from p, so each boundary edge gives a CCW triangle (a, b, p).
  grow(m, m.count + edges.length / 3)
  const slots = bad.slice()
  while (slots.length < edges.length / 3) slots.push(m.count++)
  for (const t of bad) m.alive[t] = 0
  for (let e = 0; e < edges.length / 3; e++) {
    const t = slots[e]
    const a = edges[3 * e], b = edges[3 * e + 1], u = edges[3 * e + 2]
    m.tri[3 * t] = a; m.tri[3 * t + 1] = b; m.tri[3 * t + 2] = p
    m.adj[3 * t] = u
    m.alive[t] = 1
    if (u >= 0) {
      for (let i = 0; i < 3; i++) {
        if (m.tri[3 * u + i] === b && m.tri[3 * u + ((i + 1) % 3)] === a) m.adj[3 * u + i] = t
      }
    }
    s.link[a] = t
  }
  for (let e = 0; e < edges.length / 3; e++) {
    const t = slots[e]
    const b = m.tri[3 * t + 1]
    const next = s.link[b]
    m.adj[3 * t + 1] = next
    m.adj[3 * next + 2] = t
  }
  return slots[0]
}

/**
 * Delaunay triangulation of (xs[i], ys[i]), i < n. Points are inserted in grid-cell order so
 * the walks stay short; duplicates are skipped. Expected O(n log n)–O(n^1.5).
 * LIMITATION: a finite super triangle is used, so a few hull triangles that are Delaunay only
 * with respect to it may be missing; alpha shapes, which keep small triangles, do not notice.
 */
export function delaunay(xsIn: ArrayLike<number>, ysIn: ArrayLike<number>): Triangulation {
  const n = xsIn.length
  if (n < 3) return { triangles: new Uint32Array(0) }
  const xs = new Float64Array(n + 3), ys = new Float64Array(n + 3)
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
  for (let i = 0; i < n; i++) {
    xs[i] = xsIn[i]; ys[i] = ysIn[i]
    x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i])
    y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i])
  }
  const span = Math.max(x1 - x0, y1 - y0, 1e-3) * 1e3
  const mx = (x0 + x1) / 2, my = (y0 + y1) / 2
  xs[n] = mx - 2 * span; ys[n] = my - span
  xs[n + 1] = mx + 2 * span; ys[n + 1] = my - span
  xs[n + 2] = mx; ys[n + 2] = my + 2 * span
  const m: Mesh = { tri: new Int32Array(3 * 64), adj: new Int32Array(3 * 64).fill(-1),
    alive: new Uint8Array(64), count: 1 }
  m.tri.set([n, n + 1, n + 2])
  m.adj.set([-1, -1, -1])
  m.alive[0] = 1
  const cell = Math.max((x1 - x0) / 64, (y1 - y0) / 64, 1e-6)
  const order = Array.from({ length: n }, (_, i) => i)
  const key = (i: number) => {
    const row = Math.floor((ys[i] - y0) / cell)
    const col = Math.floor((xs[i] - x0) / cell)
    return row * 1e6 + (row % 2 === 0 ? col : 1e5 - col)
  }
  order.sort((a, b) => key(a) - key(b) || a - b)
  const scratch = { stack: [], bad: [], edges: [], link: new Int32Array(n + 3) }
  let last = 0
  for (const p of order) last = insert(m, xs, ys, p, locate(m, xs, ys, xs[p], ys[p], last), scratch)
  const out: number[] = []
  for (let t = 0; t < m.count; t++) {
    if (m.alive[t] !== 1) continue
    const a = m.tri[3 * t], b = m.tri[3 * t + 1], c = m.tri[3 * t + 2]
    if (a < n && b < n && c < n) out.push(a, b, c)
  }
  return { triangles: Uint32Array.from(out) }
}

/** Squared circumradius of triangle (a, b, c); Infinity when degenerate. */
export function circumradius2(ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number): number {
  const bxr = bx - ax, byr = by - ay, cxr = cx - ax, cyr = cy - ay
  const d = 2 * (bxr * cyr - byr * cxr)
  if (d === 0) return Infinity
  const b2 = bxr * bxr + byr * byr, c2 = cxr * cxr + cyr * cyr
  const ux = (cyr * b2 - byr * c2) / d, uy = (bxr * c2 - cxr * b2) / d
  return ux * ux + uy * uy
}

export interface AlphaShape {
  /** Kept triangles (CCW point ids). */
  readonly triangles: Uint32Array
  /** Boundary rings as point ids; outer rings CCW, holes CW. */
  readonly rings: Uint32Array[]
}

/**
 * Alpha shape with squared radius `alpha2` (roofer: 0.25 m²). Boundary edges are the kept
 * triangles' edges with no kept triangle on the other side; they are chained into rings by
 * their start vertex. At a pinch vertex (two boundary edges leave it) the pairing is arbitrary,
 * so rings may touch themselves there; line detection does not mind. O(triangles).
 */
export function alphaShape(xs: ArrayLike<number>, ys: ArrayLike<number>,
  alpha2: number): AlphaShape {
  const { triangles } = delaunay(xs, ys)
  const kept: number[] = []
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t], b = triangles[t + 1], c = triangles[t + 2]
    if (circumradius2(xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]) <= alpha2) kept.push(a, b, c)
  }
  const n = xs.length
  const edgeSet = new Set<number>()
  for (let t = 0; t < kept.length; t += 3) {
    for (let i = 0; i < 3; i++) edgeSet.add(kept[t + i] * n + kept[t + ((i + 1) % 3)])
  }
  const nextOf = new Map<number, number[]>()
  for (const e of edgeSet) {
    const a = Math.floor(e / n), b = e - a * n
    if (edgeSet.has(b * n + a)) continue
    const list = nextOf.get(a)
    if (list === undefined) nextOf.set(a, [b])
    else list.push(b)
  }
  const rings: Uint32Array[] = []
  for (const start of [...nextOf.keys()]) {
    while (nextOf.has(start)) {
      const ring: number[] = []
      let v = start
      for (let guard = 0; guard <= edgeSet.size; guard++) {
        const list = nextOf.get(v)
        if (list === undefined) break
        const w = list.pop() as number
        if (list.length === 0) nextOf.delete(v)
        ring.push(v)
        v = w
        if (v === start) break
      }
      if (ring.length >= 3) rings.push(Uint32Array.from(ring))
    }
  }
  return { triangles: Uint32Array.from(kept), rings }
}
