import { describe, expect, it } from "vitest"
import {
  centroid,
  intersectionArea,
  multiPolygonBBox,
  pointInMultiPolygon,
  polygonArea,
  ringSignedArea
} from "../../kernels/polygon-measure.ts"

const outer = new Float64Array([0, 0, 10, 0, 10, 10, 0, 10])
const hole = new Float64Array([2, 2, 2, 4, 4, 4, 4, 2])

describe("polygon-measure", () => {
  it("signed area is +100 CCW, −100 CW, and exact at RD offsets", () => {
    expect(ringSignedArea(outer)).toBe(100)
    expect(ringSignedArea(new Float64Array([0, 0, 0, 10, 10, 10, 10, 0]))).toBe(-100)
    const rd = new Float64Array([
      155000, 463000, 155000.5, 463000, 155000.5, 463000.5, 155000, 463000.5
    ])
    expect(ringSignedArea(rd)).toBe(0.25)
  })

  it("polygon area subtracts holes", () => {
    expect(polygonArea([outer, hole])).toBe(96)
  })

  it("bbox, point-in-polygon with a hole", () => {
    expect(multiPolygonBBox([[outer, hole]])).toEqual([0, 0, 10, 10])
    expect(pointInMultiPolygon(1, 1, [[outer, hole]])).toBe(true)
    expect(pointInMultiPolygon(3, 3, [[outer, hole]])).toBe(false)
    expect(pointInMultiPolygon(11, 1, [[outer, hole]])).toBe(false)
  })

  it("centroid of a square with an off-centre hole: (500 − 4·3)/96 = 5.0833…", () => {
    const c = centroid([[outer, hole]])
    expect(c?.[0]).toBeCloseTo((100 * 5 - 4 * 3) / 96, 12)
    expect(c?.[1]).toBeCloseTo((100 * 5 - 4 * 3) / 96, 12)
  })

  it("intersection area of two offset squares is 25", () => {
    const b = new Float64Array([5, 5, 15, 5, 15, 15, 5, 15])
    const r = intersectionArea([[outer]], [[b]])
    expect(r.ok && r.area).toBe(25)
  })
})
