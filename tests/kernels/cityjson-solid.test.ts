import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { cityJsonSolids } from "../../kernels/cityjson-solid.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")

describe("cityJsonSolids", () => {
  it("3DBAG 0503100000012869 LoD1.2: 6 faces, 8 own vertices, transform applied", () => {
    const file = path.join(data, "3dbag-reference-features/delft_subset.city.jsonl")
    const [head, first] = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
    const geom = first.CityObjects["NL.IMBAG.Pand.0503100000012869-0"].geometry[0]
    const solids = cityJsonSolids(geom, first.vertices, head.transform)
    expect(solids.length).toBe(1)
    const { outer, inner } = solids[0]
    expect(inner).toEqual([])
    expect(outer.faces.length).toBe(6)
    expect(outer.vertices.length).toBe(8 * 3)
    // boundaries[0][0] = [[1, 0, 3, 2]]: vertex 1 = [-494406, 65353, -45173] * 0.001 + translate
    expect(Array.from(outer.faces[0].rings[0])).toEqual([0, 1, 2, 3])
    expect(outer.vertices[0]).toBeCloseTo(84593.984625, 6)
    expect(outer.vertices[1]).toBeCloseTo(446459.603, 6)
    expect(outer.vertices[2]).toBeCloseTo(0.475002624, 6)
  })
  it("CompositeSolid gives one solid per member; MultiSurface gives none", () => {
    const cm = JSON.parse(readFileSync(
      path.join(data, "val3dity-testdata/test_valid/composite_solid.json"), "utf8"))
    const geom = cm.CityObjects["id-1"].geometry[0]
    expect(cityJsonSolids(geom, cm.vertices).map((s) => s.outer.faces.length)).toEqual([6, 6])
    expect(cityJsonSolids({ type: "MultiSurface", boundaries: [] }, [])).toEqual([])
  })
})
