import { describe, expect, it } from "vitest"
import { percentile, percentiles, selectInPlace } from "../../kernels/percentile.ts"
import { lcg } from "../support/synthetic-scene.ts"

const f = (...v: number[]) => Float64Array.from(v)

describe("percentile (linear between order statistics)", () => {
  it("gives known answers", () => {
    const a = f(4, 1, 3, 2)
    expect(percentile(a, null, 0)).toBe(1)
    expect(percentile(a, null, 1)).toBe(4)
    expect(percentile(a, null, 0.5)).toBe(2.5)
    // h = 3 · 0.05 = 0.15 → 1 + 0.15 · (2 − 1)
    expect(percentile(a, null, 0.05)).toBeCloseTo(1.15, 12)
    const ten = f(10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
    // h = 9 · 0.7 = 6.3 → 7 + 0.3 · 1
    expect(percentile(ten, null, 0.7)).toBeCloseTo(7.3, 12)
    expect(percentile(f(5), null, 0.3)).toBe(5)
  })

  it("uses only the indexed subset and leaves the input unchanged", () => {
    const a = f(100, 1, 100, 2, 100, 3)
    expect(percentile(a, Uint32Array.of(1, 3, 5), 0.5)).toBe(2)
    expect(Array.from(a)).toEqual([100, 1, 100, 2, 100, 3])
  })

  it("skips NaN and returns NaN when empty", () => {
    expect(percentile(f(NaN, 2, NaN, 4), null, 0.5)).toBe(3)
    expect(percentile(f(), null, 0.5)).toBeNaN()
    expect(percentile(f(NaN), null, 0.5)).toBeNaN()
    expect(percentile(f(1, 2), new Uint32Array(0), 0.5)).toBeNaN()
  })

  it("handles ties", () => {
    expect(percentile(f(2, 2, 2, 2, 2), null, 0.7)).toBe(2)
    expect(percentile(f(1, 2, 2, 2, 3), null, 0.5)).toBe(2)
  })

  it("matches a sorted reference on 1001 pseudo-random values", () => {
    const rnd = lcg(7)
    const a = Float64Array.from({ length: 1001 }, () => Math.floor(rnd() * 50))
    const sorted = Array.from(a).sort((x, y) => x - y)
    for (const q of [0, 0.05, 0.3, 0.5, 0.7, 0.95, 1]) {
      const h = 1000 * q
      const lo = Math.floor(h)
      const want = sorted[lo] + (h - lo) * ((sorted[lo + 1] ?? sorted[lo]) - sorted[lo])
      expect(percentile(a, null, q)).toBeCloseTo(want, 10)
    }
  })

  it("reuses a scratch buffer when large enough", () => {
    const scratch = new Float64Array(8)
    expect(percentile(f(3, 1, 2), null, 0.5, scratch)).toBe(2)
    expect(percentile(f(30, 10, 20, 40), null, 0, scratch)).toBe(10)
  })
})

describe("percentiles", () => {
  it("equals separate calls", () => {
    const rnd = lcg(11)
    const a = Float64Array.from({ length: 257 }, () => rnd() * 10)
    const qs = [0.7, 0, 0.5, 1, 0.05]
    const got = percentiles(a, null, qs)
    qs.forEach((q, i) => expect(got[i]).toBe(percentile(a, null, q)))
  })
})

describe("selectInPlace", () => {
  it("puts the k-th order statistic at k with a partition around it", () => {
    const a = f(9, 1, 8, 2, 7, 3, 6, 4, 5, 0)
    selectInPlace(a, 3)
    expect(a[3]).toBe(3)
    for (let i = 0; i < 3; i++) expect(a[i]).toBeLessThanOrEqual(3)
    for (let i = 4; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(3)
  })
})
