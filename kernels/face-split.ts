/**
 * Extra partition lines for arrangement faces that hold the points of two roof planes at
 * different heights. Boundary and intersection lines miss some plane borders (a short step
 * edge, a small plane inside a large face, a border moved by regularisation); such a face can
 * only take one plane, and the other plane's points then sit metres off the roof. Per mixed
 * face, the straight line that best separates the two planes' points is found among the
 * building's line directions, and returned, clipped to the face, when it separates them cleanly.
 *
 * Pure: typed arrays in, lines out. The caller rebuilds the arrangement with the new lines.
 * LIMITATION: cuts are straight and take one of the building's line directions; a curved or
 * oblique border, or a plane with fewer than `minPoints` points in the face, stays inside the
 * face, whose other plane then sits above or below those points.
 */
import type { Line2 } from "./line-regularise.ts"

export interface FaceSplitParams {
  /** Points each plane needs in the face. */
  readonly minPoints: number
  /** Smallest mean |Δz| (m) between the two planes at the minority points worth a split. */
  readonly minDz: number
  /**
   * Largest number of points on the wrong side of the line, as a share of the smaller plane's
   * points in the face (a cut that misplaces most of them separates nothing).
   */
  readonly maxMisclassified: number
  /** Directions (radians, mod π) closer than this are one candidate. */
  readonly angleTol: number
  /** The line runs this far (m) past the face's edges, beyond the arrangement's snapping. */
  readonly overshoot: number
  /** Smallest gap (m) between the points either side of the cut. */
  readonly minGap: number
}

export const defaultFaceSplitParams: FaceSplitParams = {
  minPoints: 5, minDz: 0.3, maxMisclassified: 0.1, angleTol: 0.02, overshoot: 0.02,
  minGap: 1e-3
}

/** z = a·x + b·y + c. */
export interface SplitPlane { readonly a: number; readonly b: number; readonly c: number }

export interface FaceSplitInput {
  readonly x: ArrayLike<number>
  readonly y: ArrayLike<number>
  readonly z: ArrayLike<number>
  /** Face per point (−1: none, or left out). */
  readonly faceOf: Int32Array
  /** Roof plane per point (−1: none). */
  readonly planeOf: Int32Array
  readonly planes: ReadonlyArray<SplitPlane>
  /** The arrangement: vertex coordinates and face rings (vertex ids), as `faceOf` indexes. */
  readonly vx: ArrayLike<number>
  readonly vy: ArrayLike<number>
  readonly faces: ReadonlyArray<{ readonly rings: ReadonlyArray<Uint32Array> }>
  /** Candidate line directions, radians. */
  readonly directions: ReadonlyArray<number>
}

/** Directions mod π, sorted, with those within `tol` of a kept one dropped. */
export function distinctDirections(thetas: ReadonlyArray<number>, tol: number): number[] {
  const norm = thetas.map((t) => ((t % Math.PI) + Math.PI) % Math.PI).sort((a, b) => a - b)
  const out: number[] = []
  for (const t of norm) {
    const last = out.length > 0 ? out[out.length - 1] : NaN
    if (!(t - last <= tol)) out.push(t)
  }
  if (out.length > 1 && out[0] + Math.PI - out[out.length - 1] <= tol) out.pop()
  return out
}

interface Best { wrong: number; gap: number; theta: number; offset: number }

/**
 * Best threshold along normal (−sin θ, cos θ) between the points `a` and `b` (ids into x, y):
 * the fewest points on the wrong side, ties to the widest gap; only gaps of at least `minGap`
 * count (equal projections differ by rounding noise). O(n log n).
 */
function bestCut(x: ArrayLike<number>, y: ArrayLike<number>, a: number[], b: number[],
  theta: number, minGap: number, best: Best): void {
  const nx = -Math.sin(theta), ny = Math.cos(theta)
  const n = a.length + b.length
  const v = new Float64Array(n)
  const isA = new Uint8Array(n)
  a.forEach((i, k) => { v[k] = nx * x[i] + ny * y[i]; isA[k] = 1 })
  b.forEach((i, k) => { v[a.length + k] = nx * x[i] + ny * y[i] })
  const order = Uint32Array.from({ length: n }, (_, k) => k).sort((p, q) => v[p] - v[q] || p - q)
  // Cut after position k: A below and B above, or the reverse.
  let aBelow = 0, bBelow = 0
  for (let k = 0; k < n - 1; k++) {
    if (isA[order[k]] === 1) aBelow++
    else bBelow++
    const gap = v[order[k + 1]] - v[order[k]]
    if (!(gap >= minGap)) continue
    const wrong = Math.min(bBelow + (a.length - aBelow), aBelow + (b.length - bBelow))
    if (wrong < best.wrong || (wrong === best.wrong && gap > best.gap)) {
      best.wrong = wrong
      best.gap = gap
      best.theta = theta
      best.offset = (v[order[k]] + v[order[k + 1]]) / 2
    }
  }
}

/**
 * The stretches of the line {p : n·p = offset} (n = (−sin θ, cos θ)) inside face f, each run
 * `overshoot` past the face's edges. Even-odd over all rings, so holes are left out.
 */
function chords(input: FaceSplitInput, f: number, theta: number, offset: number,
  overshoot: number): Line2[] {
  const ux = Math.cos(theta), uy = Math.sin(theta), nx = -uy, ny = ux
  const ts: number[] = []
  for (const r of input.faces[f].rings) {
    for (let i = 0; i < r.length; i++) {
      const p = r[i], q = r[(i + 1) % r.length]
      const sp = nx * input.vx[p] + ny * input.vy[p] - offset
      const sq = nx * input.vx[q] + ny * input.vy[q] - offset
      if ((sp < 0) === (sq < 0)) continue
      const k = sp / (sp - sq)
      ts.push(ux * (input.vx[p] + k * (input.vx[q] - input.vx[p])) +
        uy * (input.vy[p] + k * (input.vy[q] - input.vy[p])))
    }
  }
  ts.sort((p, q) => p - q)
  const ox = nx * offset, oy = ny * offset
  const out: Line2[] = []
  for (let k = 0; k + 1 < ts.length; k += 2) {
    const t0 = ts[k] - overshoot, t1 = ts[k + 1] + overshoot
    out.push({ x0: ox + t0 * ux, y0: oy + t0 * uy, x1: ox + t1 * ux, y1: oy + t1 * uy,
      kind: "boundary" })
  }
  return out
}

/** The two planes with the most points among `m`, as [larger, smaller]; −1 when absent. */
function topTwo(m: number[], planeOf: Int32Array, count: Uint32Array): [number, number] {
  count.fill(0)
  for (const i of m) count[planeOf[i]]++
  let pa = -1, pb = -1
  for (let l = 0; l < count.length; l++) {
    if (pa < 0 || count[l] > count[pa]) { pb = pa; pa = l } else if (pb < 0 || count[l] > count[pb]) pb = l
  }
  return [pa, pb]
}

/**
 * One separating cut per mixed face (see the module comment): the two planes with the most
 * points in the face, each with at least `minPoints`, whose heights differ by at least `minDz`
 * on average at the points of the smaller one; the cut leaves at most `maxMisclassified` times
 * the smaller plane's count on the wrong side. The cut is clipped to the face (one segment per
 * stretch inside it) and runs `overshoot` past its edges so that it splits them; the overshoot
 * dangles in the neighbours and is pruned by the arrangement. Points of faces or planes out of
 * range are ignored. O(points · directions · log).
 */
export function faceSplitLines(input: FaceSplitInput,
  params: FaceSplitParams = defaultFaceSplitParams): Line2[] {
  const { x, y, z, faceOf, planeOf, planes } = input
  const P = planes.length
  const members: number[][] = input.faces.map(() => [])
  for (let i = 0; i < faceOf.length; i++) {
    const f = faceOf[i], l = planeOf[i]
    if (f >= 0 && f < members.length && l >= 0 && l < P) members[f].push(i)
  }
  const dirs = distinctDirections(input.directions, params.angleTol)
  const out: Line2[] = []
  const count = new Uint32Array(P)
  members.forEach((m, f) => {
    if (m.length < 2 * params.minPoints) return
    const [pa, pb] = topTwo(m, planeOf, count)
    if (pb < 0 || count[pb] < params.minPoints) return
    const a = m.filter((i) => planeOf[i] === pa), b = m.filter((i) => planeOf[i] === pb)
    const A = planes[pa]
    let dz = 0
    for (const i of b) dz += Math.abs(A.a * x[i] + A.b * y[i] + A.c - z[i])
    if (dz / b.length < params.minDz) return
    const best: Best = { wrong: Infinity, gap: -Infinity, theta: 0, offset: 0 }
    for (const t of dirs) bestCut(x, y, a, b, t, params.minGap, best)
    if (!(best.wrong <= params.maxMisclassified * b.length)) return
    out.push(...chords(input, f, best.theta, best.offset, params.overshoot))
  })
  return out
}
