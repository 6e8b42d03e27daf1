import { describe, expect, it } from "vitest"
import {
  buildPointIndex, cropToPolygon, pointInPolygon, queryBBox, squaredDistanceToBoundary
} from "../../kernels/point-index.ts"
import { PointBuilder, X0, Y0, rect, rectHole, ring } from "../support/synthetic-scene.ts"

// 10 × 10 points at 1 m spacing, centres at local (i + 0.5, j + 0.5); class 6 where i is
// even, class 2 where odd.
const pts = (() => {
  const b = new PointBuilder()
  for (let j = 0; j < 10; j++) {
    for (let i = 0; i < 10; i++) b.add(X0 + i + 0.5, Y0 + j + 0.5, j, i % 2 === 0 ? 6 : 2)
  }
  return b.build()
})()
const index = buildPointIndex(pts, 2)
const both = [2, 6]

describe("buildPointIndex", () => {
  it("groups every point once, by cell", () => {
    expect(index.order.length).toBe(100)
    expect(new Set(index.order).size).toBe(100)
    expect(index.nx).toBe(5)
    expect(index.ny).toBe(5)
    expect(index.cellStart[index.nx * index.ny]).toBe(100)
  })

  it("leaves out non-finite coordinates", () => {
    const b = new PointBuilder().add(X0, Y0, 0, 6).add(NaN, Y0, 0, 6).add(X0 + 3, Y0 + 1, 0, 6)
    const idx = buildPointIndex(b.build(), 1)
    expect(Array.from(idx.order).sort()).toEqual([0, 2])
  })

  it("handles an empty point set", () => {
    const idx = buildPointIndex(new PointBuilder().build())
    expect(idx.order.length).toBe(0)
    expect(cropToPolygon(new PointBuilder().build(), idx, [rect(0, 0, 1, 1)], both, 0).length)
      .toBe(0)
  })
})

describe("queryBBox", () => {
  it("returns the points in a closed box", () => {
    // local x in [2, 5] → 2.5, 3.5, 4.5; y in [0, 1] → 0.5
    const ids = queryBBox(pts, index, [X0 + 2, Y0, X0 + 5, Y0 + 1])
    expect(Array.from(ids).sort((a, b) => a - b)).toEqual([2, 3, 4])
  })
})

describe("cropToPolygon", () => {
  const square = [rect(2, 2, 6, 6)]

  it("keeps the 4 × 4 points inside a square", () => {
    expect(cropToPolygon(pts, index, square, both, 0).length).toBe(16)
  })

  it("respects holes", () => {
    // hole [3, 5]² holds local points 3.5 and 4.5 on both axes: 4 points
    const withHole = [rect(2, 2, 6, 6), rectHole(3, 3, 5, 5)]
    const ids = cropToPolygon(pts, index, withHole, both, 0)
    expect(ids.length).toBe(12)
    for (const i of ids) expect(pointInPolygon(withHole, pts.x[i], pts.y[i])).toBe(true)
  })

  it("filters by class", () => {
    // columns 2.5 and 4.5 are class 6 (even i), 3.5 and 5.5 class 2
    expect(cropToPolygon(pts, index, square, [6], 0).length).toBe(8)
    expect(cropToPolygon(pts, index, square, [2], 0).length).toBe(8)
    expect(cropToPolygon(pts, index, square, [9], 0).length).toBe(0)
  })

  it("adds the points within the buffer", () => {
    // buffer 1: the ring of points at local 1.5 and 6.5 is 0.5 m out (corners 0.71 m): 6 × 6
    expect(cropToPolygon(pts, index, square, both, 1).length).toBe(36)
    // buffer 0.4: those are 0.5 m out, so none is added
    expect(cropToPolygon(pts, index, square, both, 0.4).length).toBe(16)
  })

  it("buffers holes inward too", () => {
    // 12 inside + the 4 hole points (0.5 m from the hole ring) + the 16 non-corner points of
    // the ring 0.5 m outside (the 4 corners are 0.71 m out)
    const withHole = [rect(2, 2, 6, 6), rectHole(3, 3, 5, 5)]
    expect(cropToPolygon(pts, index, withHole, both, 0.6).length).toBe(12 + 4 + 16)
  })

  it("handles a concave (L-shaped) polygon", () => {
    // L = [0,6]×[0,3] ∪ [0,3]×[3,6]: 18 + 9 points
    const L = [ring(0, 0, 6, 0, 6, 3, 3, 3, 3, 6, 0, 6)]
    expect(cropToPolygon(pts, index, L, both, 0).length).toBe(27)
  })

  it("returns nothing for a polygon away from the points", () => {
    expect(cropToPolygon(pts, index, [rect(50, 50, 60, 60)], both, 4).length).toBe(0)
  })
})

describe("squaredDistanceToBoundary", () => {
  it("is the distance to the nearest edge, including corners", () => {
    const sq = [rect(0, 0, 4, 4)]
    expect(squaredDistanceToBoundary(sq, X0 + 1, Y0 + 2)).toBeCloseTo(1, 9)
    expect(squaredDistanceToBoundary(sq, X0 - 3, Y0 - 4)).toBeCloseTo(25, 9)
  })
})
