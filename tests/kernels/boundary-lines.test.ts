import { describe, expect, it } from "vitest"
import { intersectionLines, ringLines } from "../../kernels/boundary-lines.ts"
import { computeNormals, knnGraph } from "../../kernels/normals.ts"
import { detectPlanes } from "../../kernels/plane-detect.ts"

describe("ringLines", () => {
  it("a 6 × 3 m rectangle of boundary points at 0.3 m gives its 4 sides", () => {
    const xs: number[] = [], ys: number[] = []
    const side = (x0: number, y0: number, dx: number, dy: number, n: number) => {
      for (let i = 0; i < n; i++) { xs.push(x0 + i * dx); ys.push(y0 + i * dy) }
    }
    side(0, 0, 0.3, 0, 20)
    side(6, 0, 0, 0.3, 10)
    side(6, 3, -0.3, 0, 20)
    side(0, 3, 0, -0.3, 10)
    const ring = Uint32Array.from(xs, (_, i) => i)
    const lines = ringLines(xs, ys, ring)
    const lengths = lines.map((l) => Math.hypot(l.x1 - l.x0, l.y1 - l.y0)).sort((a, b) => a - b)
    expect(lengths).toHaveLength(4)
    expect(lengths[0]).toBeGreaterThan(2.6)
    expect(lengths[3]).toBeGreaterThan(5.6)
    expect(lengths[3]).toBeLessThanOrEqual(6 + 1e-9)
  })
  it("a ring with fewer points than minPoints gives nothing", () => {
    expect(ringLines([0, 1, 1], [0, 0, 1], Uint32Array.of(0, 1, 2))).toEqual([])
  })
})

describe("intersectionLines", () => {
  it("the two planes of a gable meet in a ridge at z = 9 along y = 4", () => {
    const xs: number[] = [], ys: number[] = [], zs: number[] = []
    for (let i = 0; i < 40; i++) for (let j = 0; j < 27; j++) {
      const x = i * 0.3 + 0.15, y = j * 0.3 + 0.15
      xs.push(x); ys.push(y); zs.push(9 - 0.75 * Math.abs(y - 4))
    }
    const p = { x: Float64Array.from(xs), y: Float64Array.from(ys), z: Float64Array.from(zs),
      classification: new Uint8Array(xs.length), length: xs.length }
    const g = knnGraph(p, 15)
    const det = detectPlanes(p, g, computeNormals(p, g, 5))
    const cuts = intersectionLines(p.x, p.y, det.labels, g, det.planes)
    expect(cuts).toHaveLength(1)
    expect(cuts[0].ridge).toBe(true)
    // Region growing lets a few points across the ridge into each plane: the fit is off by cm.
    expect(Math.abs(cuts[0].z - 9)).toBeLessThan(0.02)
    expect(Math.abs(cuts[0].y0 - 4)).toBeLessThan(0.05)
    expect(Math.abs(cuts[0].y1 - 4)).toBeLessThan(0.05)
    expect(Math.abs(cuts[0].x1 - cuts[0].x0)).toBeGreaterThan(11)
  })
})
