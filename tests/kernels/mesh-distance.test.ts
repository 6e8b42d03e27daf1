import { describe, expect, it } from "vitest"
import { extrudePolygon } from "../../kernels/extrude.ts"
import { meshDistances } from "../../kernels/mesh-distance.ts"

// A 10 × 10 m block from z 0 to 6 with a 4 × 4 m courtyard, at RD-like coordinates.
const X = 85000, Y = 447000
const block = extrudePolygon([
  Float64Array.of(X, Y, X + 10, Y, X + 10, Y + 10, X, Y + 10),
  Float64Array.of(X + 3, Y + 3, X + 3, Y + 7, X + 7, Y + 7, X + 7, Y + 3)
], 0, 6)
const at = (pts: Array<[number, number, number]>) =>
  meshDistances(block, pts.map((p) => X + p[0]), pts.map((p) => Y + p[1]), pts.map((p) => p[2]))
const semantic = (f: number) => block.faces[f].semantic

describe("meshDistances", () => {
  it("a point 0.25 m above the roof is 0.25 m from the roof face", () => {
    const r = at([[1.5, 1.5, 6.25]])
    expect(r.distance[0]).toBeCloseTo(0.25, 9)
    expect(semantic(r.face[0])).toBe("RoofSurface")
  })
  it("a facade hit 0.1 m inside the outline, 3 m up, is 0.1 m from a wall", () => {
    const r = at([[0.1, 5, 3]])
    expect(r.distance[0]).toBeCloseTo(0.1, 9)
    expect(semantic(r.face[0])).toBe("WallSurface")
  })
  it("a point in the courtyard, 1 m below the eave, is nearest the courtyard wall", () => {
    const r = at([[5, 4, 5]])
    expect(r.distance[0]).toBeCloseTo(1, 9)
    expect(semantic(r.face[0])).toBe("WallSurface")
  })
  it("a point level with the eave, as far from the wall as from the roof edge, is a roof point", () => {
    const r = at([[5, 4, 6]])
    expect(r.distance[0]).toBeCloseTo(1, 9)
    expect(semantic(r.face[0])).toBe("RoofSurface")
  })
  it("a point beyond a corner gets its distance to the corner edge", () => {
    const r = at([[-3, -4, 7]])
    expect(r.distance[0]).toBeCloseTo(Math.hypot(3, 4, 1), 9)
  })
  it("a point under the floor is nearest the ground surface", () => {
    const r = at([[2, 8, -0.5]])
    expect(r.distance[0]).toBeCloseTo(0.5, 9)
    expect(semantic(r.face[0])).toBe("GroundSurface")
  })
})

describe("meshDistances: bad points", () => {
  it("a NaN point gets distance NaN and no face; the points after it are unaffected", () => {
    const r = at([[1, 1, 6.5], [NaN, 2, 3], [1.5, 1.5, 6.25]])
    expect(r.distance[1]).toBeNaN()
    expect(r.face[1]).toBe(-1)
    expect(r.distance[2]).toBeCloseTo(0.25, 9)
  })
})
