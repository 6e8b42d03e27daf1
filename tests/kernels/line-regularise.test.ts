import { describe, expect, it } from "vitest"
import { footprintLines, regulariseLines } from "../../kernels/line-regularise.ts"
import type { Line2 } from "../../kernels/line-regularise.ts"

const b = (x0: number, y0: number, x1: number, y1: number): Line2 =>
  ({ x0, y0, x1, y1, kind: "boundary" })
const params = { angle: 0.15, offset: 0.8, extend: 3, gap: 1, intersectionWeight: 3,
  footprintWeight: 4 }

describe("regulariseLines", () => {
  it("two nearly parallel, nearly collinear lines (0.05 rad, 0.3 m) become one", () => {
    const out = regulariseLines([b(0, 5, 10, 5), b(0, 5.3, 10, 5.3 + 10 * Math.tan(0.05))], [],
      params)
    expect(out).toHaveLength(1)
    const l = out[0]
    expect(Math.abs(Math.atan2(l.y1 - l.y0, l.x1 - l.x0))).toBeLessThan(0.05)
    expect(Math.hypot(l.x1 - l.x0, l.y1 - l.y0)).toBeGreaterThan(16)
  })
  it("parallel lines 2 m apart stay two lines with the same direction", () => {
    const out = regulariseLines([b(0, 5, 10, 5), b(0, 7, 10, 7.5)], [], params)
    expect(out).toHaveLength(2)
    const dir = out.map((l) => Math.atan2(l.y1 - l.y0, l.x1 - l.x0))
    expect(dir[0]).toBeCloseTo(dir[1], 12)
  })
  it("a line 0.5 m inside a facade snaps onto the facade's line", () => {
    const square = [Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10)]
    const out = regulariseLines([b(1, 0.5, 9, 0.52)], footprintLines(square), params)
    expect(out).toHaveLength(1)
    expect(out[0].y0).toBeCloseTo(0, 12)
    expect(out[0].y1).toBeCloseTo(0, 12)
  })
  it("an intersection line absorbs a boundary line beside it and keeps its position", () => {
    const ridge: Line2 = { x0: 0, y0: 4, x1: 10, y1: 4, kind: "intersection" }
    const out = regulariseLines([ridge, b(0, 4.4, 10, 4.4)], [], params)
    expect(out).toHaveLength(1)
    expect(out[0].kind).toBe("intersection")
    expect(out[0].y0).toBeCloseTo(4, 12)
  })
  it("collinear lines 5 m apart along their direction are not merged", () => {
    const out = regulariseLines([b(0, 0, 4, 0), b(9, 0.3, 13, 0.3)], [], params)
    expect(out).toHaveLength(2)
  })
})
