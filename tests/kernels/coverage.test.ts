import { describe, expect, it } from "vitest"
import { computeCoverage, rasterizeFootprint } from "../../kernels/coverage.ts"
import { PointBuilder, X0, Y0, rect, rectHole, ring } from "../support/synthetic-scene.ts"

const all = (n: number) => Uint32Array.from({ length: n }, (_, i) => i)

describe("rasterizeFootprint", () => {
  it("counts cells whose centre is inside", () => {
    // 10 × 10 m at 0.5 m: 400 cells
    expect(rasterizeFootprint([rect(0, 0, 10, 10)]).footprintCells).toBe(400)
    // shifted by 0.1 m: centres 0.25 … 9.75 still inside, origin snapped to the 0.5 grid
    const g = rasterizeFootprint([rect(0.1, 0.1, 10.1, 10.1)])
    expect(g.footprintCells).toBe(400)
    expect(g.originX).toBe(X0)
    expect(g.nx).toBe(21)
  })

  it("leaves out holes and concave parts", () => {
    // 100 − 16 m² = 84 m² → 336 cells
    expect(rasterizeFootprint([rect(0, 0, 10, 10), rectHole(3, 3, 7, 7)]).footprintCells)
      .toBe(336)
    // L = 100 − 25 m² = 75 m² → 300 cells
    const L = [ring(0, 0, 10, 0, 10, 5, 5, 5, 5, 10, 0, 10)]
    expect(rasterizeFootprint(L).footprintCells).toBe(300)
  })
})

describe("computeCoverage", () => {
  const square = [rect(0, 0, 10, 10)]

  it("full 0.25 m grid: no nodata, 16 pts/m², radius half the point diagonal", () => {
    const pts = new PointBuilder().grid([0, 0, 10, 10], 0.25, 6, () => 5).build()
    const c = computeCoverage(square, pts, all(pts.length))
    expect(c.coveredCells).toBe(400)
    expect(c.nodataFraction).toBe(0)
    // largest empty circle between 4 grid points 0.25 m apart: 0.25 · √2 / 2 = 0.177 m
    expect(Math.abs(c.nodataRadius - 0.177)).toBeLessThanOrEqual(0.1)
    expect(c.density).toBeCloseTo(16, 9)
    expect(c.raster.count[0]).toBe(4)
  })

  it("ignores NaN heights for max z but counts the point", () => {
    const pts = new PointBuilder().add(X0 + 0.1, Y0 + 0.1, 3, 6).add(X0 + 0.2, Y0 + 0.2, NaN, 6)
      .build()
    const c = computeCoverage(square, pts, all(2))
    expect(c.raster.maxZ[0]).toBe(3)
    expect(c.raster.count[0]).toBe(2)
  })

  it("keeps the per-cell max z", () => {
    // z = local x: the cell [0, 0.5) holds points at 0.125 and 0.375 → max 0.375
    const pts = new PointBuilder().grid([0, 0, 10, 10], 0.25, 6, (x) => x - X0).build()
    const c = computeCoverage(square, pts, all(pts.length))
    expect(c.raster.maxZ[0]).toBeCloseTo(0.375, 9)
    expect(c.raster.maxZ[19]).toBeCloseTo(9.875, 9)
  })

  it("half covered: nodata fraction 0.5, radius bounded by the footprint", () => {
    const pts = new PointBuilder()
      .grid([0, 0, 10, 10], 0.25, 6, () => 5, (x) => x - X0 < 5)
      .build()
    const c = computeCoverage(square, pts, all(pts.length))
    expect(c.nodataFraction).toBe(0.5)
    // empty part is x ∈ (4.875, 10] × [0, 10]: inscribed circle 5.125 / 2 = 2.5625 m
    expect(Math.abs(c.nodataRadius - 2.5625)).toBeLessThanOrEqual(0.125)
  })

  it("a 4 m empty disc in a 20 × 20 m footprint: radius ≈ 4 m within a fine cell", () => {
    const cx = X0 + 10
    const cy = Y0 + 10
    const gap = (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 > 16
    const pts = new PointBuilder().grid([0, 0, 20, 20], 0.1, 6, () => 5, gap).build()
    const c = computeCoverage([rect(0, 0, 20, 20)], pts, all(pts.length))
    expect(Math.abs(c.nodataRadius - 4)).toBeLessThanOrEqual(0.125)
    // empty cells are those wholly inside the disc: between π(4 − 0.354)²/400 and π·16/400
    expect(c.nodataFraction).toBeGreaterThan(0.104)
    expect(c.nodataFraction).toBeLessThan(0.126)
  })

  it("one empty cell among covered ones", () => {
    const lx = (x: number) => x - X0
    const ly = (y: number) => y - Y0
    const hole = (x: number, y: number) => !(lx(x) > 5 && lx(x) < 5.5 && ly(y) > 5 && ly(y) < 5.5)
    const pts = new PointBuilder().grid([0, 0, 10, 10], 0.25, 6, () => 5, hole).build()
    const c = computeCoverage(square, pts, all(pts.length))
    expect(c.nodataFraction).toBeCloseTo(1 / 400, 12)
    // gap centre (5.25, 5.25); nearest remaining points e.g. (4.875, 5.125): √(0.375² + 0.125²)
    expect(Math.abs(c.nodataRadius - 0.395)).toBeLessThanOrEqual(0.1)
  })

  it("no points: everything is nodata, density 0", () => {
    const pts = new PointBuilder().build()
    const c = computeCoverage(square, pts, new Uint32Array(0))
    expect(c.nodataFraction).toBe(1)
    expect(c.density).toBe(0)
    // inscribed circle of a 10 × 10 square: 5 m
    expect(Math.abs(c.nodataRadius - 5)).toBeLessThanOrEqual(0.125)
  })
})
