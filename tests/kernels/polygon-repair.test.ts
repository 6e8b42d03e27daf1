import { describe, expect, it } from "vitest"
import type { MultiPolygon } from "../../kernels/geometry-types.ts"
import { multiPolygonArea, ringSignedArea } from "../../kernels/polygon-measure.ts"
import { repairPolygon } from "../../kernels/polygon-repair.ts"

const ring = (...xy: number[]): Float64Array => new Float64Array(xy)
const coords = (mp: MultiPolygon | null): number[][][] =>
  (mp ?? []).map((p) => p.map((r) => Array.from(r)))

describe("polygon-repair#valid", () => {
  it("leaves a CCW square alone", () => {
    const r = repairPolygon([[ring(0, 0, 10, 0, 10, 10, 0, 10)]])
    expect(r.status).toBe("valid")
    expect(r.reasons).toEqual([])
    expect(coords(r.geometry)).toEqual([[[0, 0, 10, 0, 10, 10, 0, 10]]])
  })
})

describe("polygon-repair#rings", () => {
  it("strips a repeated closing vertex", () => {
    const r = repairPolygon([[ring(0, 0, 10, 0, 10, 10, 0, 10, 0, 0)]])
    expect(r.status).toBe("repaired")
    expect(r.reasons).toEqual(["ring 0: closing vertex repeated, stripped"])
    expect(coords(r.geometry)).toEqual([[[0, 0, 10, 0, 10, 10, 0, 10]]])
  })

  it("removes a vertex 0.5 mm from its predecessor and a collinear midpoint", () => {
    const r = repairPolygon([[ring(0, 0, 0.0005, 0, 5, 0, 10, 0, 10, 10, 0, 10)]])
    expect(r.reasons).toEqual([
      "ring 0: removed 1 repeated vertices",
      "ring 0: removed 1 collinear vertices"
    ])
    expect(coords(r.geometry)).toEqual([[[0, 0, 10, 0, 10, 10, 0, 10]]])
  })

  it("removes a spike (out to x = 15 and back) and what it leaves behind", () => {
    // (15,5) folds back onto (10,5); removing it leaves (10,5) twice, then (10,5) is collinear.
    const r = repairPolygon([[ring(0, 0, 10, 0, 10, 5, 15, 5, 10, 5, 10, 10, 0, 10)]])
    expect(r.reasons).toEqual([
      "ring 0: removed 1 repeated vertices",
      "ring 0: removed 1 spike vertices",
      "ring 0: removed 1 collinear vertices"
    ])
    expect(coords(r.geometry)).toEqual([[[0, 0, 10, 0, 10, 10, 0, 10]]])
    expect(multiPolygonArea(r.geometry ?? [])).toBe(100)
  })

  it("reverses a clockwise outer ring and a counter-clockwise hole", () => {
    const r = repairPolygon([[ring(0, 0, 0, 10, 10, 10, 10, 0), ring(2, 2, 4, 2, 4, 4, 2, 4)]])
    expect(r.reasons).toEqual([
      "ring 0: outer ring clockwise, reversed",
      "ring 1: hole counter-clockwise, reversed"
    ])
    const g = r.geometry ?? []
    expect(ringSignedArea(g[0][0])).toBe(100)
    expect(ringSignedArea(g[0][1])).toBe(-4)
    expect(multiPolygonArea(g)).toBe(96)
  })

  it("drops a hole outside the outer ring", () => {
    const outside = ring(20, 20, 20, 22, 22, 22, 22, 20)
    const r = repairPolygon([[ring(0, 0, 10, 0, 10, 10, 0, 10), outside]])
    expect(r.status).toBe("repaired")
    expect(r.reasons).toEqual(["ring 1: hole outside the outer ring, dropped"])
    expect(coords(r.geometry)).toEqual([[[0, 0, 10, 0, 10, 10, 0, 10]]])
  })

  it("drops a hole with two vertices but keeps the polygon", () => {
    const r = repairPolygon([[ring(0, 0, 10, 0, 10, 10, 0, 10), ring(2, 2, 3, 3)]])
    expect(r.reasons).toEqual(["ring 1: fewer than 3 distinct vertices (hole, dropped)"])
    expect(multiPolygonArea(r.geometry ?? [])).toBe(100)
  })
})

describe("polygon-repair#self-intersection", () => {
  it("turns a bow-tie into two triangles of 1 m² each", () => {
    const r = repairPolygon([[ring(0, 0, 2, 2, 2, 0, 0, 2)]])
    expect(r.status).toBe("repaired")
    expect(r.reasons).toEqual(["ring 0 intersects itself: repaired by union into 2 polygon(s)"])
    expect(coords(r.geometry)).toEqual([[[0, 0, 1, 1, 0, 2]], [[1, 1, 2, 0, 2, 2]]])
  })

  it("unions a hole that crosses the outer ring", () => {
    // Hole 8..12 × 4..6 sticks out of the 10 × 10 square: the notch 8..10 × 4..6 (4 m²) is cut.
    const r = repairPolygon([[ring(0, 0, 10, 0, 10, 10, 0, 10), ring(8, 4, 8, 6, 12, 6, 12, 4)]])
    expect(r.reasons[0]).toBe("ring 1 meets ring 0: repaired by union into 1 polygon(s)")
    expect(multiPolygonArea(r.geometry ?? [])).toBeCloseTo(96, 9)
  })

  it("finds a crossing in a 200-vertex ring through the grid path", () => {
    const n = 200
    const xy: number[] = []
    for (let i = 0; i < n; i++) {
      xy.push(100 * Math.cos((2 * Math.PI * i) / n), 100 * Math.sin((2 * Math.PI * i) / n))
    }
    const valid = repairPolygon([[ring(...xy)]])
    expect(valid.status).toBe("valid")
    // Swap vertices 10 and 11: edges 9-11 and 10-12 cross, leaving a sliver triangle that
    // touches the main polygon at the crossing point: two polygons.
    const bad = xy.slice()
    ;[bad[20], bad[21], bad[22], bad[23]] = [xy[22], xy[23], xy[20], xy[21]]
    const r = repairPolygon([[ring(...bad)]])
    expect(r.reasons).toEqual(["ring 0 intersects itself: repaired by union into 2 polygon(s)"])
  })
})

describe("polygon-repair#parts", () => {
  it("unions two overlapping squares: 100 + 100 − 50 = 150 m²", () => {
    const a = ring(0, 0, 10, 0, 10, 10, 0, 10)
    const r = repairPolygon([[a], [ring(5, 0, 15, 0, 15, 10, 5, 10)]])
    expect(r.reasons).toEqual(["parts overlap (50.000 m² shared): unioned 2 into 1"])
    expect(multiPolygonArea(r.geometry ?? [])).toBe(150)
    expect(r.geometry?.length).toBe(1)
  })

  it("keeps two disjoint parts", () => {
    const r = repairPolygon([[ring(0, 0, 1, 0, 1, 1, 0, 1)], [ring(5, 5, 6, 5, 6, 6, 5, 6)]])
    expect(r.status).toBe("valid")
    expect(r.geometry?.length).toBe(2)
  })
})

describe("polygon-repair#invalid", () => {
  it("rejects a triangle of 0.25 mm² (below MIN_AREA) when collinear removal is off", () => {
    const r = repairPolygon([[ring(0, 0, 0.02, 0, 0.01, 0.000025)]], { collinearTolerance: 0 })
    expect(r.status).toBe("invalid")
    expect(r.reasons).toEqual([
      "ring 0: zero area (outer ring, part dropped)",
      "no polygon left after cleaning"
    ])
  })

  it("rejects NaN coordinates", () => {
    const r = repairPolygon([[ring(0, 0, NaN, 0, 1, 1)]])
    expect(r.status).toBe("invalid")
    expect(r.geometry).toBeNull()
    expect(r.reasons).toEqual(["non-finite (NaN or infinite) coordinate"])
  })

  it("rejects a zero-area (all collinear) ring: (0,0) is the tip of a fold", () => {
    const r = repairPolygon([[ring(0, 0, 1, 1, 2, 2)]])
    expect(r.status).toBe("invalid")
    expect(r.reasons).toEqual([
      "ring 0: removed 1 spike vertices",
      "ring 0: fewer than 3 distinct vertices (outer ring, part dropped)",
      "no polygon left after cleaning"
    ])
  })

  it("rejects an empty MultiPolygon", () => {
    expect(repairPolygon([]).reasons).toEqual(["no polygon"])
  })
})

describe("polygon-repair#options", () => {
  it("keeps a near-collinear vertex 0.4 mm off the line with collinearTolerance 0", () => {
    const mp = [[ring(0, 0, 5, 0.0004, 10, 0, 10, 10, 0, 10)]]
    expect(repairPolygon(mp).reasons).toEqual(["ring 0: removed 1 collinear vertices"])
    expect(repairPolygon(mp, { collinearTolerance: 0 }).status).toBe("valid")
  })

  it("is deterministic", () => {
    const mp = [[ring(0, 0, 2, 2, 2, 0, 0, 2)], [ring(1, 0, 3, 0, 3, 2)]]
    expect(coords(repairPolygon(mp).geometry)).toEqual(coords(repairPolygon(mp).geometry))
    expect(repairPolygon(mp).reasons).toEqual(repairPolygon(mp).reasons)
  })
})
