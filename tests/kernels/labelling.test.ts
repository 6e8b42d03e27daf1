import { describe, expect, it } from "vitest"
import {
  alphaExpansion, dataTerm, faceLocator, labellingEnergy, locatePoints, mergeSteps,
  resolvePinchedVertices
} from "../../kernels/labelling.ts"
import type { LabellingProblem } from "../../kernels/labelling.ts"
import { buildArrangement } from "../../kernels/arrangement.ts"
import { buildSolid } from "../../kernels/roof-extrude.ts"
import { validateSolid } from "../../kernels/val3dity.ts"
import { lcg } from "../support/synthetic-scene.ts"

function brute(p: LabellingProblem): number {
  let best = Infinity
  const l = new Int32Array(p.nFaces)
  const total = p.nLabels ** p.nFaces
  for (let k = 0; k < total; k++) {
    let r = k
    for (let f = 0; f < p.nFaces; f++) { l[f] = r % p.nLabels; r = Math.floor(r / p.nLabels) }
    best = Math.min(best, labellingEnergy(p, l))
  }
  return best
}

describe("alphaExpansion", () => {
  it("a weak middle face in a chain takes its neighbours' label", () => {
    const p: LabellingProblem = {
      nFaces: 3, nLabels: 2, data: Float64Array.of(0, 5, 1, 0, 0, 5),
      a: Int32Array.of(0, 1), b: Int32Array.of(1, 2), w: Float64Array.of(2, 2)
    }
    expect(Array.from(alphaExpansion(p))).toEqual([0, 0, 0])
    expect(labellingEnergy(p, alphaExpansion(p))).toBe(1)
  })
  it("reaches the exhaustive optimum on 30 random 6-face, 3-label problems", () => {
    const r = lcg(9)
    for (let trial = 0; trial < 30; trial++) {
      const pairs = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 3], [1, 4], [2, 5]]
      const p: LabellingProblem = {
        nFaces: 6, nLabels: 3, data: Float64Array.from({ length: 18 }, () => r() * 10),
        a: Int32Array.from(pairs, (q) => q[0]), b: Int32Array.from(pairs, (q) => q[1]),
        w: Float64Array.from(pairs, () => r() * 4)
      }
      const e = labellingEnergy(p, alphaExpansion(p))
      // Alpha-expansion is within a factor 2 of the optimum for Potts; on problems this small
      // it finds it.
      expect(e).toBeCloseTo(brute(p), 9)
    }
  })
})

describe("dataTerm and locatePoints", () => {
  it("two unit faces; points at z 1 and 3; labels z = 1 and z = 2", () => {
    const vx = [0, 1, 2, 0, 1, 2], vy = [0, 0, 0, 1, 1, 1]
    const faces = [{ rings: [Uint32Array.of(0, 1, 4, 3)] }, { rings: [Uint32Array.of(1, 2, 5, 4)] }]
    const xs = [0.5, 0.5, 1.5, 3], ys = [0.5, 0.5, 0.5, 0.5], zs = [1, 3, 3, 0]
    const faceOf = locatePoints(faceLocator(vx, vy, faces), xs, ys)
    expect(Array.from(faceOf)).toEqual([0, 0, 1, -1])
    const d = dataTerm(faceOf, xs, ys, zs, [1, 1], 2, (l) => l + 1, 0.5)
    // face 0: mean |dz| to z=1 is (0 + 2)/2 = 1, to z=2 is 1; face 1: 2 and 1; times λ·area.
    expect(Array.from(d)).toEqual([0.5, 0.5, 1, 0.5])
  })
})

describe("mergeSteps", () => {
  it("4 m and 5 m merge (step 1 < 3), 9 m stays; unused labels get −1", () => {
    const height = [4, 5, 9, NaN]
    const m = mergeSteps(height, [[0, 1], [1, 2]], 3, (ls) => Math.max(...ls.map((l) => height[l])))
    expect(Array.from(m.group)).toEqual([0, 0, 1, -1])
    expect(m.z).toEqual([5, 9])
  })
})

/** A 10 × 10 m footprint cut into four 5 × 5 m faces meeting at (5, 5). */
function quadrants() {
  const built = buildArrangement([Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10)],
    [{ x0: -5, y0: 5, x1: 15, y1: 5, kind: "boundary" },
      { x0: 5, y0: -5, x1: 5, y1: 15, kind: "boundary" }])
  if (!built.ok) throw new Error(built.reason)
  return built.arrangement
}

describe("resolvePinchedVertices", () => {
  const arr = quadrants()
  const planes = [{ a: 0, b: 0, c: 3 }, { a: 0, b: 0, c: 6 }]
  const z = (l: number) => planes[l].c
  const centre = (f: number) => {
    const r = arr.faces[f].rings[0]
    return [r.reduce((s, v) => s + arr.vx[v], 0) / r.length,
      r.reduce((s, v) => s + arr.vy[v], 0) / r.length]
  }
  /** Checkerboard: high where the face centre's quadrants differ (x < 5 xor y < 5). */
  const checker = () => Int32Array.from(arr.faces, (_, f) => {
    const [x, y] = centre(f)
    return (x < 5) !== (y < 5) ? 1 : 0
  })
  const solid = (label: Int32Array) => buildSolid({ vx: arr.vx, vy: arr.vy, faces: arr.faces,
    faceLabel: label, planes, groundZ: 0, originX: 0, originY: 0 })

  it("two high blocks meeting at a corner cannot be closed as they are", () => {
    const s = solid(checker())
    expect(s.ok).toBe(false)
    if (!s.ok) expect(s.reason).toContain("2 repeated edges")
  })
  it("one face is relabelled and the solid closes with 3 faces at one height", () => {
    const label = checker()
    expect(resolvePinchedVertices(arr.vx, arr.vy, arr.faces, label, z, 0, 0.005)).toBe(1)
    expect(Array.from(label).filter((l) => l === 1).length % 2).toBe(1)
    const s = solid(label)
    expect(s.ok).toBe(true)
    if (s.ok) expect(validateSolid(s.mesh)).toEqual([])
  })
  it("an L of three high faces and one low one is left alone", () => {
    const label = Int32Array.from(arr.faces,
      (_, f) => (centre(f)[0] < 5 && centre(f)[1] < 5 ? 0 : 1))
    expect(resolvePinchedVertices(arr.vx, arr.vy, arr.faces, label, z, 0, 0.005)).toBe(0)
  })
})

describe("resolvePinchedVertices: heights within the merge tolerance", () => {
  // Four flat faces around (5, 5) at 10, 10.006, 10.003 and 10.009 m in turn. Merged as the
  // solid merges them (span ≤ 5 mm from the lowest), they form two levels, low and high, in
  // alternation: the same pinch as two blocks touching at a corner.
  const arr = quadrants()
  const planes = [10, 10.006, 10.003, 10.009].map((c) => ({ a: 0, b: 0, c }))
  const quadrant = (f: number) => {
    const r = arr.faces[f].rings[0]
    const x = r.reduce((s, v) => s + arr.vx[v], 0) / r.length
    const y = r.reduce((s, v) => s + arr.vy[v], 0) / r.length
    return x > 5 ? (y > 5 ? 0 : 3) : (y > 5 ? 1 : 2)
  }
  const solid = (label: Int32Array) => buildSolid({ vx: arr.vx, vy: arr.vy, faces: arr.faces,
    faceLabel: label, planes, groundZ: 0, originX: 0, originY: 0, zMerge: 0.005 })

  it("is found and repaired: one face relabelled, the solid closes", () => {
    const label = Int32Array.from(arr.faces, (_, f) => quadrant(f))
    expect(solid(label.slice()).ok).toBe(false)
    const n = resolvePinchedVertices(arr.vx, arr.vy, arr.faces, label, (l) => planes[l].c, 0,
      0.005)
    expect(n).toBe(1)
    const s = solid(label)
    expect(s.ok).toBe(true)
    if (s.ok) expect(validateSolid(s.mesh)).toEqual([])
  })
})
