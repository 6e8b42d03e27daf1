import { describe, expect, it } from "vitest"
import { buildArrangement, faceAdjacency } from "../../kernels/arrangement.ts"
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
