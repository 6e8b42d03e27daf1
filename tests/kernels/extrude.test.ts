import { describe, expect, it } from "vitest"
import {
  checkClosed, extrudePolygon, footprintProblem, normalizeFootprint, polygonArea, ringSignedArea,
  solidVolume
} from "../../kernels/extrude.ts"
import type { SolidMesh } from "../../kernels/extrude.ts"
import type { Polygon } from "../../kernels/geometry-types.ts"
import { X0, Y0, rect, rectHole, ring } from "../support/synthetic-scene.ts"

/** Newell normal of a face's outer ring: twice its area vector. */
function normal(mesh: SolidMesh, ids: Uint32Array): [number, number, number] {
  const v = mesh.vertices
  let nx = 0
  let ny = 0
  let nz = 0
  for (let i = 0; i < ids.length; i++) {
    const a = 3 * ids[i]
    const b = 3 * ids[(i + 1) % ids.length]
    nx += (v[a + 1] - v[b + 1]) * (v[a + 2] + v[b + 2])
    ny += (v[a + 2] - v[b + 2]) * (v[a] + v[b])
    nz += (v[a] - v[b]) * (v[a + 1] + v[b + 1])
  }
  return [nx, ny, nz]
}

function centroid(mesh: SolidMesh, ids: Uint32Array): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0]
  for (const i of ids) for (let a = 0; a < 3; a++) c[a] += mesh.vertices[3 * i + a] / ids.length
  return c
}

const L: Polygon = [ring(0, 0, 10, 0, 10, 5, 5, 5, 5, 10, 0, 10)]
const courtyard: Polygon = [rect(0, 0, 10, 10), rectHole(3, 3, 7, 7)]

describe("extrudePolygon", () => {
  it("10 × 10 box to 6 m: 8 vertices, 6 faces, closed, volume 600", () => {
    const m = extrudePolygon([rect(0, 0, 10, 10)], 0, 6)
    expect(m.vertices.length).toBe(24)
    expect(m.faces.map((f) => f.semantic)).toEqual([
      "GroundSurface", "WallSurface", "WallSurface", "WallSurface", "WallSurface", "RoofSurface"
    ])
    expect(checkClosed(m).closed).toBe(true)
    expect(solidVolume(m)).toBeCloseTo(600, 6)
  })

  it("orients floor down, roof up and walls outwards", () => {
    const m = extrudePolygon([rect(0, 0, 10, 10)], 1, 7)
    expect(normal(m, m.faces[0].rings[0])[2]).toBeCloseTo(-200, 6)
    expect(normal(m, m.faces[5].rings[0])[2]).toBeCloseTo(200, 6)
    const mid = [X0 + 5, Y0 + 5]
    for (const f of m.faces.filter((f) => f.semantic === "WallSurface")) {
      const n = normal(m, f.rings[0])
      const c = centroid(m, f.rings[0])
      expect(n[0] * (c[0] - mid[0]) + n[1] * (c[1] - mid[1])).toBeGreaterThan(0)
      expect(f.onFootprintEdge).toBe(true)
    }
  })

  it("L-shape: volume = 75 m² × height", () => {
    const m = extrudePolygon(L, 2, 5.5)
    expect(checkClosed(m).closed).toBe(true)
    expect(solidVolume(m)).toBeCloseTo(75 * 3.5, 6)
    expect(m.faces.length).toBe(2 + 6)
  })

  it("courtyard: volume excludes the hole, inner walls face the courtyard", () => {
    const m = extrudePolygon(courtyard, 0, 10)
    expect(checkClosed(m).closed).toBe(true)
    expect(solidVolume(m)).toBeCloseTo(84 * 10, 6)
    // floor and roof keep the hole as an inner ring
    expect(m.faces[0].rings.length).toBe(2)
    expect(m.faces[m.faces.length - 1].rings.length).toBe(2)
    const inner = m.faces.slice(5, 9)
    expect(inner.length).toBe(4)
    const mid = [X0 + 5, Y0 + 5]
    for (const f of inner) {
      const n = normal(m, f.rings[0])
      const c = centroid(m, f.rings[0])
      // pointing to the courtyard centre, i.e. away from the solid
      expect(n[0] * (mid[0] - c[0]) + n[1] * (mid[1] - c[1])).toBeGreaterThan(0)
    }
  })
})

describe("checkClosed", () => {
  it("finds a flipped face and a missing face", () => {
    const m = extrudePolygon([rect(0, 0, 10, 10)], 0, 6)
    const flip = (f: (typeof m.faces)[number]) => ({ ...f, rings: [f.rings[0].slice().reverse()] })
    const flipped = { ...m, faces: m.faces.map((f, i) => (i === 5 ? flip(f) : f)) }
    const r1 = checkClosed(flipped)
    expect(r1.closed).toBe(false)
    expect(r1.repeatedEdges).toBe(4)
    const open = { ...m, faces: m.faces.slice(0, 5) }
    expect(checkClosed(open).unmatchedEdges).toBe(4)
    // from floor corner (0, 0, 0): roof term 6 · 100 / 3 = 200, walls x = 10 and y = 10 200
    // each, the rest 0; the flipped roof gives 200 + 200 − 200
    expect(solidVolume(flipped)).toBeCloseTo(200, 6)
  })
})

describe("footprint checks", () => {
  it("accepts valid footprints", () => {
    expect(footprintProblem([rect(0, 0, 10, 10)])).toBeNull()
    expect(footprintProblem(L)).toBeNull()
    expect(footprintProblem(courtyard)).toBeNull()
  })

  it("reports a bow-tie as self-intersecting", () => {
    expect(footprintProblem([ring(0, 0, 10, 10, 10, 0, 0, 10)])).toMatch(/ring 0 self-intersects/)
  })

  it("reports a spike, a touching hole, a hole outside and too few vertices", () => {
    expect(footprintProblem([ring(0, 0, 10, 0, 10, 10, 10, 15, 10, 12, 0, 10)]))
      .toMatch(/self-intersects/)
    expect(footprintProblem([rect(0, 0, 10, 10), rectHole(0, 3, 5, 5)])).toMatch(/intersect/)
    expect(footprintProblem([rect(0, 0, 10, 10), rectHole(20, 20, 25, 25)]))
      .toBe("hole 1 lies outside the outer ring")
    expect(footprintProblem([ring(0, 0, 1, 1)])).toMatch(/2 distinct vertices/)
    // collinear ring: its last edge folds back over the others
    expect(footprintProblem([ring(0, 0, 1, 1, 2, 2)])).toMatch(/ring 0 self-intersects/)
  })

  it("normalizeFootprint orients rings and drops repeated vertices", () => {
    const cwOuter = ring(0, 0, 0, 10, 10, 10, 10, 0, 0, 0)
    const ccwHole = ring(3, 3, 7, 3, 7, 3, 7, 7, 3, 7)
    const p = normalizeFootprint([cwOuter, ccwHole])
    expect(p[0].length).toBe(8)
    expect(p[1].length).toBe(8)
    expect(ringSignedArea(p[0])).toBeCloseTo(100, 9)
    expect(ringSignedArea(p[1])).toBeCloseTo(-16, 9)
    expect(polygonArea(p)).toBeCloseTo(84, 9)
    expect(footprintProblem(p)).toBeNull()
  })
})
