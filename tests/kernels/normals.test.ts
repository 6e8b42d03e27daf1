import { describe, expect, it } from "vitest"
import { computeNormals, knnGraph, smallestEigen } from "../../kernels/normals.ts"
import { lcg } from "../support/synthetic-scene.ts"

const points = (xs: number[], ys: number[], zs: number[]) => ({
  x: Float64Array.from(xs), y: Float64Array.from(ys), z: Float64Array.from(zs),
  classification: new Uint8Array(xs.length).fill(6), length: xs.length
})

describe("smallestEigen", () => {
  it("diag(3, 2, 1): λ = 1 along z", () => {
    const out = new Float64Array(5)
    smallestEigen(3, 0, 0, 2, 0, 1, out)
    expect(out[0]).toBeCloseTo(1, 12)
    expect(Math.abs(out[3])).toBeCloseTo(1, 12)
    expect(out[4]).toBe(6)
  })
  it("[[2,1,0],[1,2,0],[0,0,5]]: λ = 1 along (1, −1, 0)/√2", () => {
    const out = new Float64Array(5)
    smallestEigen(2, 1, 0, 2, 0, 5, out)
    expect(out[0]).toBeCloseTo(1, 12)
    expect(Math.abs(out[1])).toBeCloseTo(Math.SQRT1_2, 12)
    expect(out[1] * out[2]).toBeCloseTo(-0.5, 12)
  })
})

describe("knnGraph", () => {
  it("matches brute force on 400 random points (3D distance)", () => {
    const r = lcg(11)
    const n = 400
    const xs = Array.from({ length: n }, () => r() * 20)
    const ys = Array.from({ length: n }, () => r() * 10)
    const zs = Array.from({ length: n }, () => r() * 3)
    const p = points(xs, ys, zs)
    const g = knnGraph(p, 8)
    for (let i = 0; i < n; i += 37) {
      const d = (j: number) => (xs[j] - xs[i]) ** 2 + (ys[j] - ys[i]) ** 2 + (zs[j] - zs[i]) ** 2
      const brute = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i)
        .sort((a, b) => d(a) - d(b)).slice(0, 8)
      expect(Array.from(g.neighbours.subarray(8 * i, 8 * i + 8)).map(d)).toEqual(brute.map(d))
    }
  })
  it("pads with the point itself when there are fewer than k others", () => {
    const g = knnGraph(points([0, 1], [0, 0], [0, 0]), 3)
    expect(Array.from(g.neighbours)).toEqual([1, 0, 0, 0, 1, 1])
  })
})

describe("computeNormals", () => {
  it("plane z = 0.5x: normal (−1, 0, 2)/√5, curvature ≈ 0", () => {
    const xs: number[] = [], ys: number[] = [], zs: number[] = []
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) {
      xs.push(i * 0.3); ys.push(j * 0.3); zs.push(0.15 * i)
    }
    const p = points(xs, ys, zs)
    const n = computeNormals(p, knnGraph(p, 15), 5)
    expect(n.nx[55]).toBeCloseTo(-1 / Math.sqrt(5), 9)
    expect(n.ny[55]).toBeCloseTo(0, 9)
    expect(n.nz[55]).toBeCloseTo(2 / Math.sqrt(5), 9)
    expect(n.curvature[55]).toBeLessThan(1e-12)
  })
})
