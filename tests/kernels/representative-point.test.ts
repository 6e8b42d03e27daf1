import { describe, expect, it } from "vitest"
import { representativePoint } from "../../kernels/representative-point.ts"
import { pointInPolygon } from "../../kernels/polygon-measure.ts"

const ring = (...xy: number[]) => Float64Array.from(xy)

describe("representativePoint", () => {
  it("is the centroid of a square", () => {
    expect(representativePoint([[ring(0, 0, 10, 0, 10, 10, 0, 10)]])).toEqual([5, 5])
  })
  it("stays inside a U shape whose centroid is outside", () => {
    const u = [ring(0, 0, 30, 0, 30, 30, 20, 30, 20, 10, 10, 10, 10, 30, 0, 30)]
    const p = representativePoint([u])!
    expect(pointInPolygon(p[0], p[1], u)).toBe(true)
  })
  it("uses the largest part and stays out of a hole", () => {
    const big = [ring(0, 0, 20, 0, 20, 20, 0, 20), ring(5, 5, 5, 15, 15, 15, 15, 5)]
    const small = [ring(100, 100, 101, 100, 101, 101, 100, 101)]
    const p = representativePoint([small, big])!
    expect(pointInPolygon(p[0], p[1], big)).toBe(true)
    expect(p[0] < 5 || p[0] > 15 || p[1] < 5 || p[1] > 15).toBe(true)
  })
  it("is null for an empty or degenerate geometry", () => {
    expect(representativePoint([])).toBeNull()
    expect(representativePoint([[ring(0, 0, 1, 1, 2, 2)]])).toBeNull()
  })
})
