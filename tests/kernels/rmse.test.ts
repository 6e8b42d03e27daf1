import { describe, expect, it } from "vitest"
import { rmseToFlatRoof } from "../../kernels/rmse.ts"
import { PointBuilder } from "../support/synthetic-scene.ts"

describe("rmseToFlatRoof", () => {
  const pts = new PointBuilder().add(0, 0, 5, 6).add(1, 0, 7, 6).add(2, 0, 6, 6).add(3, 0, NaN, 6)
    .build()

  it("is the vertical RMS distance to the roof height", () => {
    // (1² + 1²) / 2 → 1
    expect(rmseToFlatRoof(pts, Uint32Array.of(0, 1), 6)).toBe(1)
    // (1 + 1 + 0) / 3 → √(2/3)
    expect(rmseToFlatRoof(pts, Uint32Array.of(0, 1, 2), 6)).toBeCloseTo(Math.sqrt(2 / 3), 12)
    expect(rmseToFlatRoof(pts, Uint32Array.of(2), 6)).toBe(0)
  })

  it("skips NaN heights and gives NaN without points", () => {
    expect(rmseToFlatRoof(pts, Uint32Array.of(2, 3), 5)).toBe(1)
    expect(rmseToFlatRoof(pts, new Uint32Array(0), 6)).toBeNaN()
  })
})
