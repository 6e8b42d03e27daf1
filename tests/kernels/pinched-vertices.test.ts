import { describe, expect, it } from "vitest"
import { resolvePinchedVertices } from "../../kernels/pinched-vertices.ts"
import { buildArrangement } from "../../kernels/arrangement.ts"
import { buildSolid } from "../../kernels/roof-extrude.ts"
import { validateSolid } from "../../kernels/val3dity.ts"

/** A 10 × 10 m footprint cut into four 5 × 5 m faces meeting at (5, 5). */
function quadrants() {
  const built = buildArrangement([Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10)],
    [{ x0: -5, y0: 5, x1: 15, y1: 5, kind: "boundary" },
      { x0: 5, y0: -5, x1: 5, y1: 15, kind: "boundary" }])
  if (!built.ok) throw new Error(built.reason)
  return built.arrangement
}

describe("resolvePinchedVertices", () => {
  const arr = quadrants()
  const planes = [{ a: 0, b: 0, c: 3 }, { a: 0, b: 0, c: 6 }]
  const z = (l: number) => planes[l].c
  const centre = (f: number) => {
    const r = arr.faces[f].rings[0]
    return [r.reduce((s, v) => s + arr.vx[v], 0) / r.length,
      r.reduce((s, v) => s + arr.vy[v], 0) / r.length]
  }
  /** Checkerboard: high where the face centre's quadrants differ (x < 5 xor y < 5). */
  const checker = () => Int32Array.from(arr.faces, (_, f) => {
    const [x, y] = centre(f)
    return (x < 5) !== (y < 5) ? 1 : 0
  })
  const solid = (label: Int32Array) => buildSolid({ vx: arr.vx, vy: arr.vy, faces: arr.faces,
    faceLabel: label, planes, groundZ: 0, originX: 0, originY: 0 })

  it("two high blocks meeting at a corner cannot be closed as they are", () => {
    const s = solid(checker())
    expect(s.ok).toBe(false)
    if (!s.ok) expect(s.reason).toContain("2 repeated edges")
  })
  it("one face is relabelled and the solid closes with 3 faces at one height", () => {
    const label = checker()
    expect(resolvePinchedVertices(arr.vx, arr.vy, arr.faces, label, z, 0, 0.005)).toBe(1)
    expect(Array.from(label).filter((l) => l === 1).length % 2).toBe(1)
    const s = solid(label)
    expect(s.ok).toBe(true)
    if (s.ok) expect(validateSolid(s.mesh)).toEqual([])
  })
  it("an L of three high faces and one low one is left alone", () => {
    const label = Int32Array.from(arr.faces,
      (_, f) => (centre(f)[0] < 5 && centre(f)[1] < 5 ? 0 : 1))
    expect(resolvePinchedVertices(arr.vx, arr.vy, arr.faces, label, z, 0, 0.005)).toBe(0)
  })
})

describe("resolvePinchedVertices: heights within the merge tolerance", () => {
  // Four flat faces around (5, 5) at 10, 10.006, 10.003 and 10.009 m in turn. Merged as the
  // solid merges them (span ≤ 5 mm from the lowest), they form two levels, low and high, in
  // alternation: the same pinch as two blocks touching at a corner.
  const arr = quadrants()
  const planes = [10, 10.006, 10.003, 10.009].map((c) => ({ a: 0, b: 0, c }))
  const quadrant = (f: number) => {
    const r = arr.faces[f].rings[0]
    const x = r.reduce((s, v) => s + arr.vx[v], 0) / r.length
    const y = r.reduce((s, v) => s + arr.vy[v], 0) / r.length
    return x > 5 ? (y > 5 ? 0 : 3) : (y > 5 ? 1 : 2)
  }
  const solid = (label: Int32Array) => buildSolid({ vx: arr.vx, vy: arr.vy, faces: arr.faces,
    faceLabel: label, planes, groundZ: 0, originX: 0, originY: 0, zMerge: 0.005 })

  it("is found and repaired: one face relabelled, the solid closes", () => {
    const label = Int32Array.from(arr.faces, (_, f) => quadrant(f))
    expect(solid(label.slice()).ok).toBe(false)
    const n = resolvePinchedVertices(arr.vx, arr.vy, arr.faces, label, (l) => planes[l].c, 0,
      0.005)
    expect(n).toBe(1)
    const s = solid(label)
    expect(s.ok).toBe(true)
    if (s.ok) expect(validateSolid(s.mesh)).toEqual([])
  })
})
