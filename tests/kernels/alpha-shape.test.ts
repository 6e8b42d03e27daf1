import { describe, expect, it } from "vitest"
import { incircle } from "robust-predicates"
import { alphaShape, circumradius2, delaunay } from "../../kernels/alpha-shape.ts"
import { ringSignedArea } from "../../kernels/extrude.ts"
import { lcg } from "../support/synthetic-scene.ts"

describe("delaunay", () => {
  it("a unit square gives 2 triangles", () => {
    expect(delaunay([0, 1, 1, 0], [0, 0, 1, 1]).triangles.length).toBe(6)
  })
  it("600 random points: no point inside any triangle's circumcircle", () => {
    const r = lcg(3)
    const xs = Float64Array.from({ length: 600 }, () => 85_000 + r() * 30)
    const ys = Float64Array.from({ length: 600 }, () => 446_000 + r() * 30)
    const t = delaunay(xs, ys).triangles
    expect(t.length / 3).toBeGreaterThan(1150)
    for (let k = 0; k < t.length; k += 3) {
      const [a, b, c] = [t[k], t[k + 1], t[k + 2]]
      for (let p = 0; p < 600; p += 7) {
        if (p === a || p === b || p === c) continue
        const d = incircle(xs[a], ys[a], xs[b], ys[b], xs[c], ys[c], xs[p], ys[p])
        expect(d).toBeLessThanOrEqual(0)
      }
    }
  })
})

describe("alphaShape", () => {
  it("circumradius² of the right triangle (0,0) (2,0) (0,2) is 2", () => {
    expect(circumradius2(0, 0, 2, 0, 0, 2)).toBeCloseTo(2, 12)
  })
  it("20 × 10 grid at 0.3 m: 342 triangles, one CCW boundary ring of 56 points", () => {
    const xs: number[] = [], ys: number[] = []
    for (let i = 0; i < 20; i++) for (let j = 0; j < 10; j++) { xs.push(i * 0.3); ys.push(j * 0.3) }
    const a = alphaShape(xs, ys, 0.25)
    expect(a.triangles.length / 3).toBe(342)
    expect(a.rings.map((r) => r.length)).toEqual([56])
    const c = Float64Array.from(Array.from(a.rings[0]).flatMap((i) => [xs[i], ys[i]]))
    expect(ringSignedArea(c)).toBeCloseTo(5.7 * 2.7, 9)
  })
  // The gap between the points is 1.8 m square; at each corner a right triangle with 0.6 m legs
  // (circumradius 0.42 m ≤ 0.5 m) spans it, so the hole is 3.24 − 4 · 0.18 = 2.52 m².
  it("a grid with a 1.8 m gap has an outer CCW ring and a CW hole of 2.52 m²", () => {
    const xs: number[] = [], ys: number[] = []
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) {
      if (i >= 10 && i < 15 && j >= 10 && j < 15) continue
      xs.push(i * 0.3); ys.push(j * 0.3)
    }
    const a = alphaShape(xs, ys, 0.25)
    const areas = a.rings.map((r) => ringSignedArea(Float64Array.from(
      Array.from(r).flatMap((i) => [xs[i], ys[i]]))))
    expect(areas.filter((s) => s > 0)).toHaveLength(1)
    expect(areas.filter((s) => s < 0).map((s) => Number(s.toFixed(6)))).toEqual([-2.52])
  })
})
