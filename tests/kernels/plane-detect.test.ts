import { describe, expect, it } from "vitest"
import { computeNormals, knnGraph } from "../../kernels/normals.ts"
import { detectPlanes, planeZ } from "../../kernels/plane-detect.ts"
import { PointBuilder, lcg } from "../support/synthetic-scene.ts"

/** Gable 12 × 8 m (local), ridge along x at y = 4, z 9 at the ridge, 6 at the eaves (36.87°). */
function gable(noise: number, wall = false) {
  const r = lcg(5)
  const b = new PointBuilder()
  b.grid([0, 0, 12, 8], 0.3, 6, (x, y) => 9 - 0.75 * Math.abs(y - 446_004) + (2 * r() - 1) * noise)
  if (wall) for (let i = 0; i < 40; i++) for (let k = 0; k < 15; k++) {
    b.add(85_000 + i * 0.3, 446_008.2, 0.5 + k * 0.35, 6)
  }
  const p = b.build()
  const local = { ...p, x: p.x.map((v) => v - 85_000), y: p.y.map((v) => v - 446_000) }
  const g = knnGraph(local, 15)
  return { p: local, det: detectPlanes(local, g, computeNormals(local, g, 5)) }
}

describe("detectPlanes", () => {
  it("gable with ±3 cm noise: two slanted planes of 36.87° holding nearly all points", () => {
    const { p, det } = gable(0.03)
    expect(det.planes.map((q) => q.kind)).toEqual(["slanted", "slanted"])
    for (const q of det.planes) expect(q.slopeDeg).toBeCloseTo(36.87, 0)
    const assigned = det.labels.filter((l) => l >= 0).length
    expect(assigned / p.length).toBeGreaterThan(0.95)
    expect(planeZ(det.planes[0], 6, 4)).toBeCloseTo(9, 1)
  })
  it("a facade strip becomes a wall plane", () => {
    const { det } = gable(0.03, true)
    const walls = det.planes.filter((q) => q.kind === "wall")
    expect(walls).toHaveLength(1)
    expect(walls[0].slopeDeg).toBeGreaterThan(85)
    expect(walls[0].count).toBeGreaterThanOrEqual(550)
  })
})
