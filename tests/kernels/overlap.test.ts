import { describe, expect, it } from "vitest"
import type { MultiPolygon } from "../../kernels/geometry-types.ts"
import { overlapAreas } from "../../kernels/overlap.ts"

const box = (x0: number, y0: number, x1: number, y1: number): MultiPolygon => [
  [new Float64Array([x0, y0, x1, y0, x1, y1, x0, y1])]
]

describe("overlap#overlapAreas", () => {
  it("sums pairwise overlaps per footprint", () => {
    const r = overlapAreas([
      box(0, 0, 10, 10), // overlaps b by 5×10 and c by 2×2
      box(5, 0, 15, 10),
      box(8, 8, 12, 12), // overlaps a by 2×2 and b by 4×2
      box(100, 100, 110, 110)
    ])
    expect(Array.from(r.areas)).toEqual([54, 58, 12, 0])
    expect(r.pairsTested).toBe(3)
    expect(r.failures).toEqual([])
  })

  it("reports totals under 1 m² as 0 and touching boxes as no overlap", () => {
    const r = overlapAreas([box(0, 0, 10, 10), box(9.5, 0, 20, 1), box(10, 5, 20, 10), null])
    // a∩b = 0.5 × 1 = 0.5 m² (< 1 → 0); a and c only touch along x = 10.
    expect(Array.from(r.areas)).toEqual([0, 0, 0, 0])
    expect(r.pairsTested).toBe(1)
  })

  it("counts 1 m² exactly and keeps the threshold configurable", () => {
    expect(Array.from(overlapAreas([box(0, 0, 2, 2), box(1, 1, 3, 3)]).areas)).toEqual([1, 1])
    expect(Array.from(overlapAreas([box(0, 0, 2, 2), box(1, 1, 3, 3)], 2).areas)).toEqual([0, 0])
  })

  it("scales: 10,000 terraced houses of 5 m each sharing 0.5 m strips", () => {
    const houses: MultiPolygon[] = []
    for (let i = 0; i < 10_000; i++) {
      const row = Math.floor(i / 100)
      const col = i % 100
      houses.push(box(col * 5, row * 20, col * 5 + 5.5, row * 20 + 10))
    }
    const r = overlapAreas(houses)
    // Neighbours in a row share 0.5 × 10 = 5 m²; rows are 10 m apart.
    expect(r.areas[0]).toBeCloseTo(5, 9)
    expect(r.areas[50]).toBeCloseTo(10, 9)
    expect(r.pairsTested).toBe(100 * 99)
  })
})
