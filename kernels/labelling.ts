/**
 * Optimal labelling of arrangement faces (roofer's step 12): minimise
 *   E(l) = Σ_f D[f][l_f] + Σ_(f,g) w_fg · [l_f ≠ l_g]
 * (data term plus Potts smoothness over shared edges) by alpha-expansion: for each label α in
 * turn, the best "keep or switch to α" move is an s–t minimum cut (Kolmogorov–Zabih
 * construction; Potts is a metric, so each move is exact and E never increases). Sweeps stop
 * when a full sweep lowers E by less than a relative 1e-9.
 */
import { pointInPolygon } from "./polygon-measure.ts"

/** Dinic max-flow on a small graph; arrays grow as edges are added. */
class FlowGraph {
  private head: Int32Array
  private to: number[] = []
  private cap: number[] = []
  private next: number[] = []
  private level: Int32Array
  private iter: Int32Array

  constructor(readonly n: number) {
    this.head = new Int32Array(n).fill(-1)
    this.level = new Int32Array(n)
    this.iter = new Int32Array(n)
  }

  /** Directed edge u→v with capacity c and reverse capacity rc. */
  add(u: number, v: number, c: number, rc = 0): void {
    this.to.push(v, u)
    this.cap.push(c, rc)
    this.next.push(this.head[u], this.head[v])
    this.head[u] = this.to.length - 2
    this.head[v] = this.to.length - 1
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1)
    const q = [s]
    this.level[s] = 0
    for (let k = 0; k < q.length; k++) {
      const u = q[k]
      for (let e = this.head[u]; e >= 0; e = this.next[e]) {
        if (this.cap[e] > 1e-12 && this.level[this.to[e]] < 0) {
          this.level[this.to[e]] = this.level[u] + 1
          q.push(this.to[e])
        }
      }
    }
    return this.level[t] >= 0
  }

  private dfs(u: number, t: number, f: number): number {
    if (u === t) return f
    for (; this.iter[u] >= 0; this.iter[u] = this.next[this.iter[u]]) {
      const e = this.iter[u], v = this.to[e]
      if (this.cap[e] <= 1e-12 || this.level[v] !== this.level[u] + 1) continue
      const d = this.dfs(v, t, Math.min(f, this.cap[e]))
      if (d > 0) {
        this.cap[e] -= d
        this.cap[e ^ 1] += d
        return d
      }
    }
    return 0
  }

  /** Runs max-flow; returns 1 for nodes on the source side of the minimum cut. */
  minCut(s: number, t: number): Uint8Array {
    while (this.bfs(s, t)) {
      this.iter.set(this.head)
      while (this.dfs(s, t, Infinity) > 0) { /* augment */ }
    }
    const side = new Uint8Array(this.n)
    const q = [s]
    side[s] = 1
    for (let k = 0; k < q.length; k++) {
      for (let e = this.head[q[k]]; e >= 0; e = this.next[e]) {
        if (this.cap[e] > 1e-12 && side[this.to[e]] === 0) {
          side[this.to[e]] = 1
          q.push(this.to[e])
        }
      }
    }
    return side
  }
}

export interface LabellingProblem {
  readonly nFaces: number
  readonly nLabels: number
  /** nFaces·nLabels data costs; Infinity forbids a label. */
  readonly data: Float64Array
  /** Neighbour pairs and their Potts weights. */
  readonly a: Int32Array
  readonly b: Int32Array
  readonly w: Float64Array
}

/** E(l) for a labelling. */
export function labellingEnergy(p: LabellingProblem, labels: Int32Array): number {
  let e = 0
  for (let f = 0; f < p.nFaces; f++) e += p.data[f * p.nLabels + labels[f]]
  for (let k = 0; k < p.a.length; k++) if (labels[p.a[k]] !== labels[p.b[k]]) e += p.w[k]
  return e
}

const BIG = 1e12

/** One α-expansion move: x_f = 1 means "switch to α" (sink side). Returns the new labels. */
function expand(p: LabellingProblem, labels: Int32Array, alpha: number): Int32Array {
  const F = p.nFaces
  const s = F, t = F + 1
  const g = new FlowGraph(F + 2)
  const u0 = new Float64Array(F), u1 = new Float64Array(F)
  for (let f = 0; f < F; f++) {
    u0[f] = Math.min(BIG, p.data[f * p.nLabels + labels[f]])
    u1[f] = labels[f] === alpha ? u0[f] : Math.min(BIG, p.data[f * p.nLabels + alpha])
  }
  for (let k = 0; k < p.a.length; k++) {
    const f = p.a[k], h = p.b[k], w = p.w[k]
    const A = labels[f] !== labels[h] ? w : 0
    const B = labels[f] !== alpha ? w : 0
    const C = alpha !== labels[h] ? w : 0
    // E(x_f, x_h) with E00 = A, E01 = B, E10 = C, E11 = 0 equals
    // A + (C − A)·x_f − C·x_h + (B + C − A)·(1 − x_f)·x_h; B + C ≥ A holds for Potts.
    u1[f] += C - A
    u1[h] -= C
    const pair = B + C - A
    if (pair > 0) g.add(f, h, pair)
  }
  for (let f = 0; f < F; f++) {
    const m = Math.min(u0[f], u1[f])
    if (u1[f] - m > 0) g.add(s, f, u1[f] - m)
    if (u0[f] - m > 0) g.add(f, t, u0[f] - m)
  }
  const side = g.minCut(s, t)
  const out = labels.slice()
  for (let f = 0; f < F; f++) if (side[f] === 0) out[f] = alpha
  return out
}

/**
 * Alpha-expansion from `initial` (default: the cheapest label per face). At most `maxSweeps`
 * sweeps over all labels; each move costs one max-flow on F + 2 nodes and F + pairs edges.
 */
export function alphaExpansion(p: LabellingProblem, initial?: Int32Array,
  maxSweeps = 5): Int32Array {
  let labels: Int32Array = new Int32Array(p.nFaces)
  if (initial !== undefined) labels = Int32Array.from(initial)
  if (initial === undefined) {
    for (let f = 0; f < p.nFaces; f++) {
      let best = 0
      for (let l = 1; l < p.nLabels; l++) {
        if (p.data[f * p.nLabels + l] < p.data[f * p.nLabels + best]) best = l
      }
      labels[f] = best
    }
  }
  let energy = labellingEnergy(p, labels)
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    const before = energy
    for (let alpha = 0; alpha < p.nLabels; alpha++) {
      const next = expand(p, labels, alpha)
      const e = labellingEnergy(p, next)
      if (e < energy) { labels = next; energy = e }
    }
    if (!(before - energy > 1e-9 * Math.max(1, Math.abs(before)))) break
  }
  return labels
}

/** Faces as coordinate polygons with their boxes, for point location. */
export interface FaceLocator {
  readonly polys: Float64Array[][]
  readonly boxes: Float64Array
}

export function faceLocator(vx: ArrayLike<number>, vy: ArrayLike<number>,
  faces: ReadonlyArray<{ readonly rings: ReadonlyArray<Uint32Array> }>): FaceLocator {
  const boxes = new Float64Array(4 * faces.length)
  const polys = faces.map((f, i) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
    const rings = f.rings.map((r) => {
      const c = new Float64Array(2 * r.length)
      r.forEach((v, k) => {
        c[2 * k] = vx[v]; c[2 * k + 1] = vy[v]
        x0 = Math.min(x0, vx[v]); x1 = Math.max(x1, vx[v])
        y0 = Math.min(y0, vy[v]); y1 = Math.max(y1, vy[v])
      })
      return c
    })
    boxes.set([x0, y0, x1, y1], 4 * i)
    return rings
  })
  return { polys, boxes }
}


/**
 * Face of each point (−1 when in none), by box reject then even-odd test. O(points · faces)
 * box tests; fine for the tens to hundreds of faces of one building.
 */
export function locatePoints(loc: FaceLocator, xs: ArrayLike<number>,
  ys: ArrayLike<number>): Int32Array {
  const out = new Int32Array(xs.length).fill(-1)
  const b = loc.boxes
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], y = ys[i]
    for (let f = 0; f < loc.polys.length; f++) {
      if (x < b[4 * f] || x > b[4 * f + 2] || y < b[4 * f + 1] || y > b[4 * f + 3]) continue
      if (pointInPolygon(x, y, loc.polys[f])) { out[i] = f; break }
    }
  }
  return out
}

/**
 * Data term: D[f][l] = λ · area_f · mean over the points of face f of |z − z_l(x, y)|, for
 * labels z_l given by `heightOf(l, x, y)`. Faces without points cost 0 for every label (their
 * label comes from the smoothness term alone).
 * Callers pass ground points inside the footprint with the building points, so that a face
 * the lidar sees as ground costs little as ground.
 * LIMITATION: a face without any point is never pushed towards the ground label: a courtyard
 * that is not a hole of the footprint and has no ground point (hidden, or a data gap) stays
 * roofed.
 */
export function dataTerm(faceOf: Int32Array, xs: ArrayLike<number>, ys: ArrayLike<number>,
  zs: ArrayLike<number>, areas: ArrayLike<number>, nLabels: number,
  heightOf: (l: number, x: number, y: number) => number, lambda: number): Float64Array {
  const F = areas.length
  const sum = new Float64Array(F * nLabels)
  const count = new Uint32Array(F)
  for (let i = 0; i < faceOf.length; i++) {
    const f = faceOf[i]
    if (f < 0) continue
    count[f]++
    for (let l = 0; l < nLabels; l++) {
      sum[f * nLabels + l] += Math.abs(zs[i] - heightOf(l, xs[i], ys[i]))
    }
  }
  for (let f = 0; f < F; f++) {
    const k = count[f] > 0 ? (lambda * areas[f]) / count[f] : 0
    for (let l = 0; l < nLabels; l++) sum[f * nLabels + l] *= k
  }
  return sum
}

/** Cost given to a label that leaves the plausible height range on a face. */
export const FORBIDDEN = 1e9

/**
 * Forbids (cost FORBIDDEN), per face, each plane z = a·x + b·y + c that puts a corner of the
 * face's outer ring below `lo` or above `hi` (a steep plane carried far past its points).
 * `data` has `nLabels` columns; the planes are its first columns. O(faces · planes · corners).
 */
export function forbidOutOfRange(vx: ArrayLike<number>, vy: ArrayLike<number>,
  faces: ReadonlyArray<{ readonly rings: ReadonlyArray<Uint32Array> }>,
  planes: ReadonlyArray<{ readonly a: number; readonly b: number; readonly c: number }>,
  lo: number, hi: number, data: Float64Array, nLabels: number): void {
  faces.forEach((f, fi) => {
    for (let l = 0; l < planes.length; l++) {
      const p = planes[l]
      for (const v of f.rings[0]) {
        const z = p.a * vx[v] + p.b * vy[v] + p.c
        if (z < lo || z > hi) { data[fi * nLabels + l] = FORBIDDEN; break }
      }
    }
  })
}

/** Whether faces with label ≥ 0 exist and are all connected through the pairs (a, b). */
export function solidConnected(label: Int32Array, a: Int32Array, b: Int32Array): boolean {
  const root = Int32Array.from(label, (_, i) => i)
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])))
  for (let k = 0; k < a.length; k++) {
    if (label[a[k]] >= 0 && label[b[k]] >= 0) root[find(a[k])] = find(b[k])
  }
  const roots = new Set<number>()
  label.forEach((l, i) => { if (l >= 0) roots.add(find(i)) })
  return roots.size === 1
}

/**
 * Faces whose plane leaves [lo, hi] at a corner get, per offending plane, a new horizontal
 * plane at `flatHeight(faces)` appended to `planes` (and their label moved to it). Returns the
 * replaced plane ids. Guards the labelling result; forbidOutOfRange makes this rare.
 */
export function flattenOutOfRange(vx: ArrayLike<number>, vy: ArrayLike<number>,
  faces: ReadonlyArray<{ readonly rings: ReadonlyArray<Uint32Array> }>, faceLabel: Int32Array,
  planes: Array<{ a: number; b: number; c: number }>, lo: number, hi: number,
  flatHeight: (faces: number[], zLo: number, zHi: number) => number): number[] {
  const replaced: number[] = []
  const L = planes.length
  for (let l = 0; l < L; l++) {
    const mine: number[] = []
    faceLabel.forEach((fl, f) => { if (fl === l) mine.push(f) })
    let zLo = Infinity, zHi = -Infinity
    const p = planes[l]
    for (const f of mine) {
      for (const v of faces[f].rings[0]) {
        const z = p.a * vx[v] + p.b * vy[v] + p.c
        zLo = Math.min(zLo, z)
        zHi = Math.max(zHi, z)
      }
    }
    if (mine.length === 0 || (zLo >= lo && zHi <= hi)) continue
    planes.push({ a: 0, b: 0, c: flatHeight(mine, zLo, zHi) })
    for (const f of mine) faceLabel[f] = planes.length - 1
    replaced.push(l)
  }
  return replaced
}

/**
 * LoD1.3 grouping: regions (labels) with heights `height[l]` (NaN = unused) are merged across
 * steps smaller than `maxStep`, smallest step first; a merged group's height is `heightOf`
 * of its members. `pairs` are adjacent label pairs. Returns the group index per label (−1 for
 * unused labels) and the group heights. O(L²) merges for L labels.
 */
export function mergeSteps(height: ArrayLike<number>, pairs: ReadonlyArray<[number, number]>,
  maxStep: number, heightOf: (members: number[]) => number): { group: Int32Array; z: number[] } {
  const L = height.length
  const members: number[][] = Array.from({ length: L }, (_, l) => [l])
  const h = Array.from(height)
  const root = Int32Array.from({ length: L }, (_, l) => l)
  const find = (l: number): number => (root[l] === l ? l : (root[l] = find(root[l])))
  for (;;) {
    let best: [number, number] | null = null
    let bestStep = maxStep
    for (const [p, q] of pairs) {
      const a = find(p), b = find(q)
      if (a === b || !(Math.abs(h[a] - h[b]) < bestStep)) continue
      bestStep = Math.abs(h[a] - h[b])
      best = [a, b]
    }
    if (best === null) break
    const [a, b] = best
    root[b] = a
    members[a] = members[a].concat(members[b])
    h[a] = heightOf(members[a])
  }
  const group = new Int32Array(L).fill(-1)
  const z: number[] = []
  const index = new Map<number, number>()
  for (let l = 0; l < L; l++) {
    if (!Number.isFinite(height[l])) continue
    const r = find(l)
    if (!index.has(r)) { index.set(r, z.length); z.push(h[r]) }
    group[l] = index.get(r) as number
  }
  return { group, z }
}
