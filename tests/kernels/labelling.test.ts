import { describe, expect, it } from "vitest"
import {
  alphaExpansion, dataTerm, faceLocator, labellingEnergy, locatePoints, mergeSteps
} from "../../kernels/labelling.ts"
import type { LabellingProblem } from "../../kernels/labelling.ts"
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
