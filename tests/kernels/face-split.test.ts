import { describe, expect, it } from "vitest"
import { distinctDirections, faceSplitLines } from "../../kernels/face-split.ts"
import { lineDirection } from "../../kernels/line-regularise.ts"
import type { FaceSplitInput, SplitPlane } from "../../kernels/face-split.ts"
import { lcg } from "../support/synthetic-scene.ts"
import { buildArrangement } from "../../kernels/arrangement.ts"
import { faceLocator, locatePoints } from "../../kernels/labelling.ts"

/** The 10 × 10 m square as the only arrangement face. */
const square = { vx: Float64Array.of(0, 10, 10, 0), vy: Float64Array.of(0, 0, 10, 10),
  faces: [{ rings: [Uint32Array.of(0, 1, 2, 3)] }] }

/**
 * The square face sampled every `step` m over [lo, hi]² (default: all of it, 0.5 m); plane per
 * point from `planeAt`.
 */
function scene(planes: SplitPlane[], planeAt: (x: number, y: number) => number,
  directions = [0, Math.PI / 2], lo = 0, hi = 10, step = 0.5): FaceSplitInput {
  const x: number[] = [], y: number[] = [], z: number[] = [], pl: number[] = []
  const n = Math.round((hi - lo) / step)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const px = lo + step * (i + 0.5), py = lo + step * (j + 0.5), l = planeAt(px, py)
      x.push(px); y.push(py); pl.push(l)
      z.push(l < 0 ? 0 : planes[l].a * px + planes[l].b * py + planes[l].c)
    }
  }
  return { x, y, z, faceOf: new Int32Array(x.length), planeOf: Int32Array.from(pl), planes,
    ...square, directions }
}
const flat = (c: number): SplitPlane => ({ a: 0, b: 0, c })

describe("faceSplitLines", () => {
  it("a 3 m step at x = 4 gives one cut on x = 4, across the face and 2 cm past its edges", () => {
    const lines = faceSplitLines(scene([flat(3), flat(6)], (x) => (x < 4 ? 0 : 1)))
    expect(lines).toHaveLength(1)
    const [l] = lines
    expect(l.x0).toBeCloseTo(4, 9)
    expect(l.x1).toBeCloseTo(4, 9)
    expect(Math.min(l.y0, l.y1)).toBeCloseTo(-0.02, 9)
    expect(Math.max(l.y0, l.y1)).toBeCloseTo(10.02, 9)
  })
  it("the cut crosses the whole face even where the points stop short of its edges", () => {
    const lines = faceSplitLines(scene([flat(3), flat(6)], (x) => (x < 4 ? 0 : 1),
      [0, Math.PI / 2], 2.5, 7.5))
    expect(lines).toHaveLength(1)
    expect(Math.min(lines[0].y0, lines[0].y1)).toBeCloseTo(-0.02, 9)
    expect(Math.max(lines[0].y0, lines[0].y1)).toBeCloseTo(10.02, 9)
  })
  it("8 points of another plane scattered among 100 give no cut", () => {
    const rnd = lcg(7)
    const x: number[] = [], y: number[] = [], z: number[] = [], pl: number[] = []
    for (let i = 0; i < 108; i++) {
      const l = i < 100 ? 0 : 1
      x.push(10 * rnd()); y.push(10 * rnd()); z.push(l === 0 ? 3 : 6); pl.push(l)
    }
    expect(faceSplitLines({ x, y, z, faceOf: new Int32Array(108), planeOf: Int32Array.from(pl),
      planes: [flat(3), flat(6)], ...square, directions: [0, Math.PI / 2] })).toEqual([])
  })
  it("a cut never passes through a column of points (rounding noise is no gap)", () => {
    const lines = faceSplitLines(scene([flat(3), flat(6)], (x) => (x < 4 ? 0 : 1)))
    const xs = new Set(Array.from(scene([flat(3)], () => 0).x))
    expect(xs.has(lines[0].x0)).toBe(false)
    expect([...xs].some((v) => Math.abs(v - lines[0].x0) < 1e-6)).toBe(false)
  })
  it("points of a face the arrangement does not have are ignored, not a crash", () => {
    const s = scene([flat(3), flat(6)], (x) => (x < 4 ? 0 : 1))
    const faceOf = Int32Array.from(s.faceOf, (_, i) => (i % 2 === 0 ? 5 : 0))
    expect(() => faceSplitLines({ ...s, faceOf })).not.toThrow()
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

describe("faceSplitLines on an arrangement", () => {
  it("the cut of an L-shaped face stays in it: the square beside it is not cut", () => {
    // 12 × 12 m footprint: an L (80 m²) around a 64 m² square [4, 12]²; a 6 m plane in the
    // L's arm x > 9 (12 m²), 3 m elsewhere.
    const sq = [Float64Array.of(0, 0, 12, 0, 12, 12, 0, 12)]
    const lines = [{ x0: 4, y0: 4, x1: 4, y1: 13, kind: "boundary" as const },
      { x0: 4, y0: 4, x1: 13, y1: 4, kind: "boundary" as const }]
    const before = buildArrangement(sq, lines)
    if (!before.ok) throw new Error(before.reason)
    const arr = before.arrangement
    const x: number[] = [], y: number[] = [], z: number[] = [], pl: number[] = []
    for (let i = 0; i < 24; i++) {
      for (let j = 0; j < 24; j++) {
        const px = 0.25 + 0.5 * i, py = 0.25 + 0.5 * j
        const l = px > 4 && py > 4 ? 0 : px > 9 ? 1 : 0
        x.push(px); y.push(py); pl.push(l); z.push(l === 0 ? 3 : 6)
      }
    }
    const faceOf = locatePoints(faceLocator(arr.vx, arr.vy, arr.faces), x, y)
    const extra = faceSplitLines({ x, y, z, faceOf, planeOf: Int32Array.from(pl),
      planes: [flat(3), flat(6)], vx: arr.vx, vy: arr.vy, faces: arr.faces,
      directions: [0, Math.PI / 2] })
    const after = buildArrangement(sq, [...lines, ...extra])
    if (!after.ok) throw new Error(after.reason)
    expect(after.arrangement.faces.map((f) => Number(f.area.toFixed(6))).sort((p, q) => p - q))
      .toEqual([12, 64, 68])
  })
})
