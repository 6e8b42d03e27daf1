import { describe, expect, it } from "vitest"
import { faceOrientation, facePercentileZ, toPolygon2d } from "../../kernels/roof-face.ts"

/** A 10 m × 4 m roof rising 3 m from y = 0 to y = 4: slope atan(3/4) = 36.87°, faces south. */
const slanted = [new Float64Array([0, 0, 10, 10, 0, 10, 10, 4, 13, 0, 4, 13])]

describe("facePercentileZ", () => {
  it("is linear over a rectangle whose z grows linearly: p50 = 11.5, p70 = 12.1", () => {
    expect(facePercentileZ(slanted, 0.5)).toBeCloseTo(11.5, 9)
    expect(facePercentileZ(slanted, 0.7)).toBeCloseTo(12.1, 9)
  })

  it("weights by area on a triangle: area below h grows with the square", () => {
    // apex at z = 0, base at z = 1 (y = 1): area below h is h², so p50 = sqrt(0.5)
    const t = [new Float64Array([0.5, 0, 0, 1, 1, 1, 0, 1, 1])]
    expect(facePercentileZ(t, 0.5)).toBeCloseTo(Math.SQRT1_2, 9)
  })

  it("returns the height of a horizontal face", () => {
    const flat = [new Float64Array([0, 0, 7, 1, 0, 7, 1, 1, 7])]
    expect(facePercentileZ(flat, 0.7)).toBe(7)
  })
})

describe("faceOrientation", () => {
  it("gives slope 36.87° and azimuth 180° (south) for the roof rising to the north", () => {
    const o = faceOrientation(slanted)
    expect(o.slope).toBeCloseTo((Math.atan2(3, 4) * 180) / Math.PI, 9)
    expect(o.azimuth).toBeCloseTo(180, 9)
  })

  it("has no azimuth when horizontal", () => {
    expect(faceOrientation([new Float64Array([0, 0, 1, 1, 0, 1, 1, 1, 1])])).toEqual({
      slope: 0, azimuth: null
    })
  })
})

describe("toPolygon2d", () => {
  it("drops z and makes the outer ring counter-clockwise", () => {
    const cw = [new Float64Array([0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1])]
    expect(Array.from(toPolygon2d(cw)[0])).toEqual([0, 0, 1, 0, 1, 1, 0, 1])
  })
})
