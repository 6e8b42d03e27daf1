import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseObj, parsePoly } from "../../kernels/poly-format.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const generic = path.resolve(repoRoot, "../shared/data/val3dity-testdata/test_geometry_generic")
const read = (f: string): string => readFileSync(path.join(generic, f), "utf8")

describe("parsePoly", () => {
  it("207_2.poly: 17 vertices, 8 facets, 3-number facet headers and hole points skipped", () => {
    const r = parsePoly(read("207_2.poly"))
    if ("error" in r) throw new Error(r.error)
    expect(r.shell.vertices.length).toBe(17 * 3)
    expect(r.shell.faces.length).toBe(8)
    expect(r.shell.faces[0].rings.map((x) => Array.from(x))).toEqual([[4, 5, 6, 7], [10, 9, 8]])
    expect(r.shell.faces[1].rings.map((x) => Array.from(x))).toEqual([[13, 12, 11], [16, 15, 14]])
    expect(Array.from(r.shell.faces[7].rings[0])).toEqual([8, 9, 10])
    expect(Array.from(r.shell.vertices.subarray(3 * 16))).toEqual([0.5, 0.35, 1])
  })
  it("101.poly keeps the 2-vertex ring as given", () => {
    const r = parsePoly(read("101.poly"))
    if ("error" in r) throw new Error(r.error)
    expect(Array.from(r.shell.faces[0].rings[0])).toEqual([1, 4])
  })
  it("reports a truncated file instead of throwing", () => {
    expect(parsePoly("8 3 0 0\n0 0 0 0\n")).toEqual({ error: "vertex 1: expected 'id x y z'" })
  })
})

describe("parseObj", () => {
  it("304_2.obj: 63 vertices, 13 faces, 1-based 'v//vn' ids made 0-based", () => {
    const r = parseObj(read("304_2.obj"))
    if ("error" in r) throw new Error(r.error)
    expect(r.shell.vertices.length).toBe(63 * 3)
    expect(r.shell.faces.length).toBe(13)
    expect(Array.from(r.shell.faces[0].rings[0])).toEqual([48, 49, 50, 51])
    expect(Array.from(r.shell.faces[12].rings[0])).toEqual([62, 56, 57])
  })
})
