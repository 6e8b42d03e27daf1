import { describe, expect, it } from "vitest"
import { buildTiling, parseTileId, tileBounds, formatTileId, bboxesIntersect, bufferBBox } from "../../kernels/quadtree.ts"

const lcg = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)

describe("quadtree#tileBounds", () => {
  it("maps z/x/y to RD squares of side 2^19/2^z", () => {
    expect(tileBounds({ z: 0, x: 0, y: 0 })).toEqual([0, 300000, 524288, 824288])
    // level 10: 512 m tiles; column 236 starts at 236 × 512 = 120832
    expect(tileBounds({ z: 10, x: 236, y: 363 })).toEqual([120832, 485856, 121344, 486368])
  })
  it("parses only valid ids", () => {
    expect(parseTileId("10/236/363")).toEqual({ z: 10, x: 236, y: 363 })
    expect(parseTileId("2/4/0")).toBeNull()
    expect(parseTileId("a/b/c")).toBeNull()
    expect(formatTileId({ z: 9, x: 560, y: 624 })).toBe("9/560/624")
  })
  it("intersects buffered boxes", () => {
    expect(bboxesIntersect([0, 0, 1, 1], bufferBBox([1.5, 0, 2, 1], 0.6))).toBe(true)
    expect(bboxesIntersect([0, 0, 1, 1], bufferBBox([1.5, 0, 2, 1], 0.4))).toBe(false)
  })
})

describe("quadtree#buildTiling", () => {
  const rnd = lcg(7)
  const n = 2000
  const xs = new Float64Array(n)
  const ys = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    // two clusters 40 km apart, like Amsterdam and Delft
    const c = i % 3 === 0 ? [84900, 447500] : [120900, 486200]
    xs[i] = c[0] + (rnd() - 0.5) * 800
    ys[i] = c[1] + (rnd() - 0.5) * 800
  }
  const params = { maxPerTile: 250, maxZoom: 14, minZoom: 4 }

  it("puts every point in exactly one tile that contains it, none holding more than the maximum", () => {
    const t = buildTiling(xs, ys, params)
    expect([...t.tileOf].every((k) => k >= 0)).toBe(true)
    expect(t.tiles.reduce((s, x) => s + x.members.length, 0)).toBe(n)
    for (const tile of t.tiles) {
      expect(tile.members.length).toBeLessThanOrEqual(250)
      const [a, b, c, d] = tileBounds(tile.tile)
      for (const i of tile.members) expect(xs[i] >= a && xs[i] < c && ys[i] >= b && ys[i] < d).toBe(true)
    }
    expect(t.tiles.length).toBeGreaterThanOrEqual(Math.ceil(n / 250))
  })

  it("gives the same tiles whatever the input order", () => {
    const perm = Array.from({ length: n }, (_, i) => n - 1 - i)
    const a = buildTiling(xs, ys, params)
    const b = buildTiling(Float64Array.from(perm, (i) => xs[i]), Float64Array.from(perm, (i) => ys[i]), params)
    expect(b.tiles.map((t) => [t.id, t.members.length])).toEqual(a.tiles.map((t) => [t.id, t.members.length]))
  })

  it("marks points outside the root as -1", () => {
    const t = buildTiling(Float64Array.of(-5, 100000), Float64Array.of(400000, NaN), params)
    expect([...t.tileOf]).toEqual([-1, -1])
    expect(t.tiles).toEqual([])
  })
})
