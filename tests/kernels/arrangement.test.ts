import { describe, expect, it } from "vitest"
import { buildArrangement, faceAdjacency, simpleLoops } from "../../kernels/arrangement.ts"
import type { Arrangement } from "../../kernels/arrangement.ts"
import type { Line2 } from "../../kernels/line-regularise.ts"

const square = [Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10)]
const courtyard = [square[0], Float64Array.of(3, 3, 3, 7, 7, 7, 7, 3)]
const L = (x0: number, y0: number, x1: number, y1: number): Line2 =>
  ({ x0, y0, x1, y1, kind: "boundary" })

function faces(polygon: Float64Array[], lines: Line2[]): Arrangement {
  const r = buildArrangement(polygon, lines)
  if (!r.ok) throw new Error(r.reason)
  return r.arrangement
}
const areas = (a: Arrangement) =>
  a.faces.map((f) => Number(f.area.toFixed(6))).sort((p, q) => p - q)

describe("buildArrangement", () => {
  it("a line across a square gives two faces of 50 m²", () => {
    expect(areas(faces(square, [L(-5, 5, 15, 5)]))).toEqual([50, 50])
  })
  it("a cross gives four faces of 25 m², sharing 5 m edges", () => {
    const a = faces(square, [L(-5, 5, 15, 5), L(5, -5, 5, 15)])
    expect(areas(a)).toEqual([25, 25, 25, 25])
    const adj = faceAdjacency(a)
    expect(Array.from(adj.length).map((l) => Number(l.toFixed(9)))).toEqual([5, 5, 5, 5])
  })
  it("a dangling line (ending inside) is pruned", () => {
    expect(areas(faces(square, [L(-5, 5, 4, 5)]))).toEqual([100])
  })
  it("a line passing 5 mm from a corner goes through it: no sliver", () => {
    const a = faces(square, [L(-5, -5.005, 15, 14.995)])
    expect(a.faces).toHaveLength(2)
    expect(Math.min(...a.faces.map((f) => f.area))).toBeGreaterThan(49.9)
  })
  it("courtyard: a line missing the hole leaves it as an inner ring of one face", () => {
    const a = faces(courtyard, [L(-5, 1, 15, 1)])
    expect(areas(a)).toEqual([10, 74])
    const big = a.faces.find((f) => f.area > 70)
    expect(big?.rings).toHaveLength(2)
  })
  it("courtyard: a line through the hole gives two faces of 42 m² without holes", () => {
    const a = faces(courtyard, [L(-5, 5, 15, 5)])
    expect(areas(a)).toEqual([42, 42])
    expect(a.faces.every((f) => f.rings.length === 1)).toBe(true)
  })
  it("two nearly parallel lines (1e-4 rad) crossing outside stay two cuts", () => {
    const t = Math.tan(1e-4)
    const a = faces(square, [L(-5, 4, 15, 4), L(-5, 4.5, 15, 4.5 + 20 * t)])
    expect(a.faces).toHaveLength(3)
    expect(a.faces.reduce((s, f) => s + f.area, 0)).toBeCloseTo(100, 6)
  })
})

describe("buildArrangement: a line along a footprint edge", () => {
  // A Delft footprint (local metres) whose 9.7 m facade edge 7–8 carries a regularised roof line;
  // the line lies 1e-14 m off the edge, with the edge's ends on opposite sides in exact
  // arithmetic. Beyond vertex 8 the footprint steps out by 0.15 m, so the line cuts a strip.
  const ring = Float64Array.of(
    0, 0, -0.28800000000046566, 0.2789999999804422, -0.7189999999973224, -0.16700000001583248,
    -1.4590000000025611, 0.5489999999990687, -1.0280000000057044, 0.9949999999953434,
    -3.635999999998603, 3.517999999981839, -4.11600000000908, 3.021999999997206,
    -4.690000000002328, 3.576999999990221, -11.942000000010012, -2.8540000000502914,
    -12.913000000000466, -3.5080000000307336, -15.623000000006869, -5.934000000008382,
    -13.87400000001071, -7.570999999996275, -10.953999999997905, -4.850000000034925,
    -10.432000000000698, -5.300000000046566, -9.855000000010477, -4.683000000019092,
    -7.946000000010827, -6.470000000030268, -8.453000000008615, -7.010999999998603,
    -8.290999999997439, -7.225000000034925, 0.07699999999022111, -0.07800000003771856)
  const along = L(-90.10429046363595, -72.1675259203774, 68.68891931472557, 68.64868093152465)

  it("keeps every face: the areas sum to the footprint's, the strip is its own face", () => {
    const a = faces([ring], [along])
    const total = a.faces.reduce((s, f) => s + f.area, 0)
    expect(total).toBeCloseTo(70.368, 2)
    expect(a.faces).toHaveLength(2)
    expect(Math.min(...a.faces.map((f) => f.area))).toBeCloseTo(0.621, 2)
  })
})

describe("simpleLoops", () => {
  const loops = (ring: number[]) => simpleLoops(Uint32Array.from(ring)).map((l) => Array.from(l))
  it("cuts a cycle through vertex 0 twice (two faces touching at a corner) into two loops", () => {
    expect(loops([0, 1, 2, 0, 3, 4])).toEqual([[0, 1, 2], [0, 3, 4]])
  })
  it("cuts a loop hanging off the middle of a ring, and leaves a simple ring alone", () => {
    expect(loops([0, 1, 2, 3, 4, 2, 5])).toEqual([[2, 3, 4], [0, 1, 2, 5]])
    expect(loops([0, 1, 2, 3])).toEqual([[0, 1, 2, 3]])
  })
  it("drops a back-and-forth spike (fewer than 3 vertices)", () => {
    expect(loops([0, 1, 2, 1, 3])).toEqual([[0, 1, 3]])
  })
})

describe("buildArrangement: a hole touching a face's outline at one vertex", () => {
  // Courtyard [4, 6]²; roof lines form the quadrilateral (2,2) (8,2) (6,6) (2,8) around it,
  // touching it at (6, 6). Each start of the hole ring must give the same faces.
  const q = [[2, 2], [8, 2], [6, 6], [2, 8]]
  const lines = q.map((p, i) => L(p[0], p[1], q[(i + 1) % 4][0], q[(i + 1) % 4][1]))
  const starts = [[6, 6, 6, 4, 4, 4, 4, 6], [6, 4, 4, 4, 4, 6, 6, 6], [4, 4, 4, 6, 6, 6, 6, 4]]
  it.each(starts)("hole ring starting at (%d, %d): the quadrilateral holds the courtyard", (...h) => {
    const a = faces([square[0], Float64Array.from(h)], lines)
    const described = a.faces.map((f) => [Number(f.area.toFixed(6)), f.rings.length])
      .sort((p, r) => p[0] - r[0])
    // the quadrilateral (24 m²) less the courtyard; the square less the quadrilateral
    expect(described).toEqual([[20, 2], [76, 2]])
  })
})
