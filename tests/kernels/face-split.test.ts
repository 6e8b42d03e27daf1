import { describe, expect, it } from "vitest"
import { distinctDirections, faceSplitLines } from "../../kernels/face-split.ts"
import { lineDirection } from "../../kernels/line-regularise.ts"
import type { FaceSplitInput, SplitPlane } from "../../kernels/face-split.ts"

/** A 10 × 10 m face (one face, id 0) sampled every 0.5 m; plane per point from `planeAt`. */
function scene(planes: SplitPlane[], planeAt: (x: number, y: number) => number,
  directions = [0, Math.PI / 2]): FaceSplitInput {
  const x: number[] = [], y: number[] = [], z: number[] = [], pl: number[] = []
  for (let i = 0; i < 20; i++) {
    for (let j = 0; j < 20; j++) {
      const px = 0.25 + 0.5 * i, py = 0.25 + 0.5 * j, l = planeAt(px, py)
      x.push(px); y.push(py); pl.push(l)
      z.push(l < 0 ? 0 : planes[l].a * px + planes[l].b * py + planes[l].c)
    }
  }
  return { x, y, z, faceOf: new Int32Array(x.length), planeOf: Int32Array.from(pl), planes,
    nFaces: 1, directions }
}
const flat = (c: number): SplitPlane => ({ a: 0, b: 0, c })

describe("faceSplitLines", () => {
  it("a 3 m step at x = 4 gives one cut on x = 4, spanning the face and 1 m more", () => {
    const lines = faceSplitLines(scene([flat(3), flat(6)], (x) => (x < 4 ? 0 : 1)))
    expect(lines).toHaveLength(1)
    const [l] = lines
    expect(l.x0).toBeCloseTo(4, 9)
    expect(l.x1).toBeCloseTo(4, 9)
    expect(Math.min(l.y0, l.y1)).toBeCloseTo(-0.75, 9)
    expect(Math.max(l.y0, l.y1)).toBeCloseTo(10.75, 9)
  })
  it("a slanted border takes the candidate direction that separates best", () => {
    const d = Math.PI / 4
    const lines = faceSplitLines(scene([flat(3), flat(6)], (x, y) => (y < x ? 0 : 1),
      [0, Math.PI / 2, d]))
    expect(lines).toHaveLength(1)
    expect(lineDirection(lines[0])).toBeCloseTo(d, 9)
  })
  it("planes that agree within 0.3 m over the face are not split", () => {
    expect(faceSplitLines(scene([flat(3), flat(3.2)], (x) => (x < 4 ? 0 : 1)))).toEqual([])
  })
  it("a minority of 4 points (under 5) is not split off", () => {
    const four = (x: number, y: number) => (x < 1 && y < 1 ? 1 : 0)
    expect(faceSplitLines(scene([flat(3), flat(6)], four))).toEqual([])
  })
  it("interleaved planes (a checkerboard) have no clean straight cut", () => {
    const board = (x: number, y: number) => (Math.floor(x / 2) + Math.floor(y / 2)) % 2
    expect(faceSplitLines(scene([flat(3), flat(6)], board))).toEqual([])
  })
  it("unassigned points (plane −1) neither count nor block the cut", () => {
    const withNoise = (x: number, y: number) => (Math.abs(x - 4) < 0.3 ? -1 : x < 4 ? 0 : 1)
    const lines = faceSplitLines(scene([flat(3), flat(6)], withNoise))
    expect(lines).toHaveLength(1)
    expect(lines[0].x0).toBeCloseTo(4, 9)
  })
})

describe("distinctDirections", () => {
  it("folds directions mod π and drops near repeats, across the wrap at π too", () => {
    expect(distinctDirections([0.5, 0.51, 0.5 + Math.PI, 3.14, 1.2], 0.02))
      .toEqual([0.5, 1.2, 3.14].map((v) => expect.closeTo(v, 12)))
    expect(distinctDirections([0.001, Math.PI - 0.001], 0.02)).toHaveLength(1)
  })
})
