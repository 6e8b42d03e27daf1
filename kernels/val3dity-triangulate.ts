/**
 * Ear-clipping triangulation of one projected face (outer ring + holes) that keeps every ring
 * vertex, collinear ones included: neighbouring faces of a closed shell then meet triangle
 * edge to triangle edge, which the self-intersection test relies on. Pure, no module state.
 *
 * Cost: hole bridging O(h·n²), clipping O(n³) worst case in the face's vertex count n; faces
 * of building models have tens of vertices.
 */
import { incircle, orient2d } from "robust-predicates"
import { segmentRelation, signedArea2 } from "./val3dity-polygon.ts"

/** Working polygon: parallel arrays of 2D coordinates and original vertex ids. */
interface Chain { xy: number[]; id: number[] }

function reversed(r: Float64Array, ids: Uint32Array): Chain {
  const n = ids.length
  const xy: number[] = [], id: number[] = []
  for (let k = n - 1; k >= 0; k--) { xy.push(r[2 * k], r[2 * k + 1]); id.push(ids[k]) }
  return { xy, id }
}

function chainOf(r: Float64Array, ids: Uint32Array, ccw: boolean): Chain {
  const isCcw = signedArea2(r) > 0
  if (isCcw === ccw) return { xy: Array.from(r), id: Array.from(ids) }
  return reversed(r, ids)
}

/** Does segment a–b cross or touch any edge of `c` not incident to a or b (by coordinates)? */
function blocked(c: Chain, ax: number, ay: number, bx: number, by: number): boolean {
  const seg = new Float64Array([ax, ay, bx, by])
  const n = c.id.length
  const e = new Float64Array(4)
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n
    e[0] = c.xy[2 * i]; e[1] = c.xy[2 * i + 1]; e[2] = c.xy[2 * j]; e[3] = c.xy[2 * j + 1]
    const endA = (e[0] === ax && e[1] === ay) || (e[2] === ax && e[3] === ay)
    const endB = (e[0] === bx && e[1] === by) || (e[2] === bx && e[3] === by)
    const rel = segmentRelation(seg, 0, 1, e, 0, 1)
    if (rel === 0) continue
    if (rel === 2 && (endA || endB)) continue
    return true
  }
  return false
}

/** Splices hole `h` into `outer` through the nearest visible vertex of `outer`. */
function bridge(outer: Chain, h: Chain, others: Chain[]): Chain {
  let m = 0
  for (let k = 1; k < h.id.length; k++) if (h.xy[2 * k] > h.xy[2 * m]) m = k
  const mx = h.xy[2 * m], my = h.xy[2 * m + 1]
  const cand = outer.id.map((_, k) => k)
  const d2 = (k: number): number => (outer.xy[2 * k] - mx) ** 2 + (outer.xy[2 * k + 1] - my) ** 2
  cand.sort((a, b) => d2(a) - d2(b))
  const ok = cand.find((k) => {
    const vx = outer.xy[2 * k], vy = outer.xy[2 * k + 1]
    return !blocked(outer, mx, my, vx, vy) && !blocked(h, mx, my, vx, vy) &&
      !others.some((o) => blocked(o, mx, my, vx, vy))
  }) ?? cand[0]
  const xy: number[] = [], id: number[] = []
  const push = (c: Chain, k: number): void => {
    xy.push(c.xy[2 * k], c.xy[2 * k + 1])
    id.push(c.id[k])
  }
  // A hole touching the outer ring at a vertex is spliced there without a bridge edge.
  const touching = d2(ok) === 0
  for (let k = 0; k <= ok; k++) push(outer, k)
  for (let k = touching ? 1 : 0; k < (touching ? h.id.length : h.id.length + 1); k++) {
    push(h, (m + k) % h.id.length)
  }
  for (let k = ok; k < outer.id.length; k++) push(outer, k)
  return { xy, id }
}

/** > 0 when a, b, c turn counter-clockwise (robust-predicates' orient2d has the other sign). */
function ccw(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return -orient2d(ax, ay, bx, by, cx, cy)
}

/** Is p inside or on triangle abc (counter-clockwise)? */
function inTriangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number,
  px: number, py: number): boolean {
  return ccw(ax, ay, bx, by, px, py) >= 0 && ccw(bx, by, cx, cy, px, py) >= 0 &&
    ccw(cx, cy, ax, ay, px, py) >= 0
}

/** Index of a clippable ear of a counter-clockwise chain (prev/next as linked arrays), or -1. */
function findEar(c: Chain, prev: Int32Array, next: Int32Array, start: number): number {
  let i = start
  do {
    const a = prev[i], b = i, d = next[i]
    const ax = c.xy[2 * a], ay = c.xy[2 * a + 1], bx = c.xy[2 * b], by = c.xy[2 * b + 1]
    const dx = c.xy[2 * d], dy = c.xy[2 * d + 1]
    if (ccw(ax, ay, bx, by, dx, dy) > 0) {
      let clean = true
      for (let p = next[d]; p !== a && clean; p = next[p]) {
        const px = c.xy[2 * p], py = c.xy[2 * p + 1]
        const corner = (px === ax && py === ay) || (px === bx && py === by) ||
          (px === dx && py === dy)
        if (corner) continue
        if (inTriangle(ax, ay, bx, by, dx, dy, px, py)) clean = false
      }
      if (clean) return i
    }
    i = next[i]
  } while (i !== start)
  return -1
}

/**
 * Lawson flips of non-boundary edges until every one is locally Delaunay, as in val3dity's
 * constrained Delaunay triangulation: avoids the slivers whose normals swing on faces that
 * are non-planar by a millimetre. `tp` holds counter-clockwise position triples; edited in
 * place. Each flip strictly raises the smallest angle, so the loop ends; capped at n² flips.
 */
function delaunayFlips(c: Chain, tp: number[]): void {
  const n = c.id.length
  const owner = new Map<number, number>()
  const setOwners = (t: number): void => {
    for (let k = 0; k < 3; k++) owner.set(tp[t + k] * n + tp[t + ((k + 1) % 3)], t)
  }
  for (let t = 0; t < tp.length; t += 3) setOwners(t)
  const xy = (i: number): [number, number] => [c.xy[2 * i], c.xy[2 * i + 1]]
  let budget = n * n, flipped = true
  while (flipped && budget > 0) {
    flipped = false
    for (let t = 0; t < tp.length && budget > 0; t += 3) {
      for (let k = 0; k < 3; k++) {
        const a = tp[t + k], b = tp[t + ((k + 1) % 3)], cc = tp[t + ((k + 2) % 3)]
        if ((a + 1) % n === b || (b + 1) % n === a) continue
        const u = owner.get(b * n + a)
        if (u === undefined) continue
        const d = [tp[u], tp[u + 1], tp[u + 2]].find((p) => p !== a && p !== b)!
        const [pa, pb, pc, pd] = [xy(a), xy(b), xy(cc), xy(d)]
        if (!(incircle(...pa, ...pb, ...pc, ...pd) > 0)) continue
        if (!(ccw(...pc, ...pa, ...pd) > 0 && ccw(...pd, ...pb, ...pc) > 0)) continue
        tp.splice(t, 3, cc, a, d)
        tp.splice(u, 3, d, b, cc)
        owner.delete(a * n + b); owner.delete(b * n + a)
        setOwners(t); setOwners(u)
        flipped = true; budget--
        break
      }
    }
  }
}

/**
 * Triangles (vertex-id triples) of a face given its projected rings and their vertex ids.
 * Triangles follow the orientation of ring 0. A face that cannot be clipped (invalid input)
 * ends with a fan over the remaining vertices.
 */
export function triangulateFace(rings2d: ReadonlyArray<Float64Array>,
  ringIds: ReadonlyArray<Uint32Array>): Uint32Array {
  const flip = signedArea2(rings2d[0]) < 0
  let outer = chainOf(rings2d[0], ringIds[0], true)
  const holes = rings2d.slice(1).map((r, k) => chainOf(r, ringIds[k + 1], false))
  const maxX = (c: Chain): number => Math.max(...c.xy.filter((_, k) => k % 2 === 0))
  holes.sort((a, b) => maxX(b) - maxX(a))
  for (let k = 0; k < holes.length; k++) outer = bridge(outer, holes[k], holes.slice(k + 1))
  const n = outer.id.length
  const prev = new Int32Array(n), next = new Int32Array(n)
  for (let k = 0; k < n; k++) { prev[k] = (k + n - 1) % n; next[k] = (k + 1) % n }
  const tp: number[] = []
  let left = n, cur = 0
  while (left > 3) {
    const ear = findEar(outer, prev, next, cur)
    if (ear < 0) break
    tp.push(prev[ear], ear, next[ear])
    next[prev[ear]] = next[ear]; prev[next[ear]] = prev[ear]
    cur = next[ear]; left--
  }
  // LIMITATION: when no ear is found (only for faces already failing the 1xx/2xx checks, or
  // float-degenerate slivers) the rest is fanned, which can create overlapping triangles.
  for (let b = next[cur]; next[b] !== cur; b = next[b]) tp.push(cur, b, next[b])
  delaunayFlips(outer, tp)
  const out: number[] = []
  for (let t = 0; t < tp.length; t += 3) {
    const [a, b, d] = [outer.id[tp[t]], outer.id[tp[t + 1]], outer.id[tp[t + 2]]]
    if (flip) out.push(a, d, b)
    else out.push(a, b, d)
  }
  return Uint32Array.from(out)
}
