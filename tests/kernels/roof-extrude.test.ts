import { describe, expect, it } from "vitest"
import { buildSolid } from "../../kernels/roof-extrude.ts"
import type { HeightPlane, SolidInput } from "../../kernels/roof-extrude.ts"
import { solidVolume } from "../../kernels/extrude.ts"
import { validateSolid } from "../../kernels/val3dity.ts"

// Two 5 × 5 m faces side by side sharing the edge x = 5 (vertices 1 and 4).
const vx = [0, 5, 10, 10, 5, 0]
const vy = [0, 0, 0, 5, 5, 5]
const faces = [{ rings: [Uint32Array.of(0, 1, 4, 5)] }, { rings: [Uint32Array.of(1, 2, 3, 4)] }]
const input = (planes: HeightPlane[], labels = [0, 1]): SolidInput => ({
  vx, vy, faces, faceLabel: Int32Array.from(labels), planes, groundZ: 0,
  originX: 85_000, originY: 446_000
})

describe("buildSolid", () => {
  it("two flat parts at 4 m and 6 m: closed, valid, 250 m³, a 10 m² inner wall", () => {
    const r = buildSolid(input([{ a: 0, b: 0, c: 4 }, { a: 0, b: 0, c: 6 }]))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(validateSolid(r.mesh)).toEqual([])
    expect(solidVolume(r.mesh)).toBeCloseTo(250, 9)
    expect(r.innerWallArea).toBeCloseTo(10, 9)
    expect(r.outerWallArea).toBeCloseTo(150, 9)
    expect(r.mesh.faces.map((f) => f.semantic).sort()).toEqual([
      "GroundSurface", "RoofSurface", "RoofSurface", ...Array(7).fill("WallSurface")])
    expect(r.mesh.vertices[0]).toBeGreaterThan(84_999)
  })
  it("one plane on both faces is dissolved into one roof, with no inner wall", () => {
    const r = buildSolid(input([{ a: 0, b: 0, c: 4 }], [0, 0]))
    expect(r.ok && r.roofs.length).toBe(1)
    expect(r.ok && r.innerWallArea).toBe(0)
    expect(r.ok && validateSolid(r.mesh)).toEqual([])
  })
  it("planes crossing on the shared edge: split there, two triangular walls, valid", () => {
    const r = buildSolid(input([{ a: 0, b: 0.2, c: 4 }, { a: 0, b: -0.2, c: 5 }]))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(validateSolid(r.mesh)).toEqual([])
    expect(solidVolume(r.mesh)).toBeCloseTo(225, 9)
    expect(r.innerWallArea).toBeCloseTo(2.5, 9)
    const walls = r.mesh.faces.filter((f) => f.onFootprintEdge === false)
    expect(walls.map((w) => w.rings[0].length)).toEqual([3, 3])
  })
  it("a ground-labelled face is left out: 100 m³ and the wall on the cut is outer", () => {
    const r = buildSolid(input([{ a: 0, b: 0, c: 4 }], [0, -1]))
    expect(r.ok && solidVolume(r.mesh)).toBeCloseTo(100, 9)
    expect(r.ok && r.outerWallArea).toBeCloseTo(80, 9)
    expect(r.ok && validateSolid(r.mesh)).toEqual([])
  })
})
