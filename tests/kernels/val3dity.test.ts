import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { cityJsonSolids } from "../../kernels/cityjson-solid.ts"
import { parseObj, parsePoly } from "../../kernels/poly-format.ts"
import { type ShellInput, validateCompositeSurface, validateSolid } from "../../kernels/val3dity.ts"
import { triangulateFace } from "../../kernels/val3dity-triangulate.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
const generic = path.join(data, "val3dity-testdata/test_geometry_generic")
const valid = path.join(data, "val3dity-testdata/test_valid")

function load(file: string): ShellInput {
  const text = readFileSync(file, "utf8")
  const r = file.endsWith(".obj") ? parseObj(text) : parsePoly(text)
  if ("error" in r) throw new Error(`${file}: ${r.error}`)
  return r.shell
}
const g = (name: string): ShellInput => load(path.join(generic, name))
const basecube = (): ShellInput => load(path.join(valid, "basecube.poly"))

const same = (stems: string[], codes: number[]): Array<[string, number[][]]> =>
  stems.map((f) => [`${f}.poly`, [codes]])

/** SOURCE.md table: file -> accepted results (any one of them). */
const table: Array<[string, number[][]]> = [
  ["101.poly", [[101]]], ["102.poly", [[102]]],
  ...same(["104", "104_1", "104_2", "104_3", "104_4"], [104]),
  ["201.poly", [[201]]], ["201_1.poly", [[201]]], ["202.poly", [[202], [201]]],
  ["203.poly", [[203]]], ["203_1.poly", [[203]]], ["203_2.poly", [[203]]],
  ["204_1.poly", [[204]]], ["204_valid_1.poly", [[]]], ["204_valid_2.poly", [[]]],
  ["205.poly", [[205]]], ["206.poly", [[206], [201]]], ["206_1.poly", [[206], [201]]],
  ["207.poly", [[207]]], ["207_1.poly", [[207]]], ["208.poly", [[208]]],
  ["301.poly", [[301]]], ["301_1.poly", [[301]]],
  ["302.poly", [[302]]], ["302_1.poly", [[302]]], ["303_cs.poly", [[302]]],
  ...same(["303", "303_1", "303_2", "304_1"], [303]),
  ["304_2.obj", [[303]]],
  ["305.poly", [[305]]], ["305_1.poly", [[305]]], ["306.poly", [[306]]], ["306_1.poly", [[306]]],
  ["307_1.poly", [[307]]], ["405.poly", [[405]]]
]

describe("validateSolid#val3dity generic test files", () => {
  for (const [file, accepted] of table) {
    it(`${file} -> ${accepted.map((a) => JSON.stringify(a)).join(" or ")}`, () => {
      expect(accepted).toContainEqual(validateSolid(g(file)))
    })
  }

  // Upstream expects [303, 307]: val3dity inserts triangles one by one into a CGAL polyhedron
  // and its flipped bottom face (the first face) makes later side triangles fail both ways.
  // The edge table here sees one face used against four neighbours: 307 only.
  it.fails("307.poly -> [303, 307] (val3dity insertion-order artefact)", () => {
    expect(validateSolid(g("307.poly"))).toEqual([303, 307])
  })
  it("307.poly -> [307] here (the flipped face is found, no 303)", () => {
    expect(validateSolid(g("307.poly"))).toEqual([307])
  })

  it("303_cs.poly as CompositeSurface -> [303] (vertex with two open fans)", () => {
    expect(validateCompositeSurface(g("303_cs.poly"))).toEqual([303])
  })
})

describe("validateSolid#inner shells inside test_valid/basecube.poly", () => {
  const cases: Array<[string[], number[][]]> = [
    [["401.poly"], [[401]]], [["401_1.poly"], [[401]]], [["401_4.poly"], [[401]]],
    [["401_5.poly"], [[401]]], [["401_6.poly"], [[401]]],
    [["401_2.poly", "inner_shell.poly"], [[401]]], [["401_3.poly", "inner_shell.poly"], [[401]]],
    [["402_in_1.poly", "inner_shell.poly"], [[401], [402]]],
    [["403.poly"], [[403]]], [["404.poly"], [[404]]]
  ]
  for (const [inner, accepted] of cases) {
    it(`${inner.join(" + ")} -> ${accepted.map((a) => JSON.stringify(a)).join(" or ")}`, () => {
      expect(accepted).toContainEqual(validateSolid(basecube(), inner.map(g)))
    })
  }
  for (const f of ["inner_shell.poly", "inner_shell_1.poly", "inner_shell_2.poly",
    "inner_shell_3.poly", "inner_shell_4.poly"]) {
    it(`test_valid/${f} as cavity -> []`, () => {
      expect(validateSolid(basecube(), [load(path.join(valid, f))])).toEqual([])
    })
  }
})

describe("validateSolid#test_valid", () => {
  const files = ["basecube.poly", "basecube.obj", "basecube_large_coords.poly", "closed_top.poly"]
  for (const f of files) {
    it(`${f} -> []`, () => expect(validateSolid(load(path.join(valid, f)))).toEqual([]))
  }
  for (const f of ["composite_solid.json", "multi_solid.json"]) {
    it(`${f}: both member solids -> []`, () => {
      const cm = JSON.parse(readFileSync(path.join(valid, f), "utf8"))
      const geom = cm.CityObjects["id-1"].geometry[0]
      const solids = cityJsonSolids(geom, cm.vertices, cm.transform)
      expect(solids.map((s) => validateSolid(s.outer, s.inner))).toEqual([[], []])
    })
  }
})

/** Unit cube [0,1]³ with outward faces; `edit` may change the face list. */
function unitCube(edit: (faces: number[][]) => number[][] = (f) => f): ShellInput {
  const vertices = Float64Array.from([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0,
    0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1])
  const faces = edit([[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6],
    [3, 0, 4, 7]])
  return { vertices, faces: faces.map((r) => ({ rings: [Uint32Array.from(r)] })) }
}

describe("validateSolid#built cubes", () => {
  it("unit cube -> []", () => expect(validateSolid(unitCube())).toEqual([]))
  it("top face flipped -> [307]", () => {
    const flipped = unitCube((f) => f.map((r, i) => (i === 1 ? [...r].reverse() : r)))
    expect(validateSolid(flipped)).toEqual([307])
  })
  it("top face missing -> [302]", () => {
    expect(validateSolid(unitCube((f) => f.filter((_, i) => i !== 1)))).toEqual([302])
  })
  it("all faces flipped -> [405]", () => {
    expect(validateSolid(unitCube((f) => f.map((r) => [...r].reverse())))).toEqual([405])
  })
  it("a duplicate vertex 0.4 mm away is snapped (valid); 4 mm away it is not (302)", () => {
    const near = unitCube()
    const moved = (d: number): ShellInput => ({
      vertices: Float64Array.from([...near.vertices, 1 + d, 1, 1]),
      faces: near.faces.map((f, i) => ({
        rings: [i === 1 ? Uint32Array.from([4, 5, 8, 7]) : f.rings[0]]
      }))
    })
    expect(validateSolid(moved(0.0004))).toEqual([])
    expect(validateSolid(moved(0.004))).toEqual([302])
  })
})

describe("triangulateFace", () => {
  it("square with a square hole: 8 triangles covering area 1 - 0.36", () => {
    const outer = Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1])
    const hole = Float64Array.from([0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 0.8, 0.2])
    const xy = [...outer, ...hole]
    const ids = [Uint32Array.of(0, 1, 2, 3), Uint32Array.of(4, 5, 6, 7)]
    const tri = triangulateFace([outer, hole], ids)
    let area = 0
    for (let t = 0; t < tri.length; t += 3) {
      const [a, b, c] = [tri[t], tri[t + 1], tri[t + 2]]
      area += ((xy[2 * b] - xy[2 * a]) * (xy[2 * c + 1] - xy[2 * a + 1]) -
        (xy[2 * c] - xy[2 * a]) * (xy[2 * b + 1] - xy[2 * a + 1])) / 2
    }
    expect(tri.length / 3).toBe(8)
    expect(area).toBeCloseTo(0.64, 12)
  })
})

describe("validateSolid#3DBAG delft_subset (v2024.04.20)", () => {
  const file = path.join(data, "3dbag-reference-features/delft_subset.city.jsonl")
  const lines = readFileSync(file, "utf8").trim().split("\n")
  const transform = JSON.parse(lines[0]).transform
  const lodKey: Record<string, string> = {
    "1.2": "b3_val3dity_lod12", "1.3": "b3_val3dity_lod13", "2.2": "b3_val3dity_lod22"
  }
  type Geometry = { type: string; lod: string; boundaries: unknown }

  it("each LoD1.2/1.3/2.2 solid agrees with 3DBAG's b3_val3dity_lod*; 10 valid per LoD", () => {
    const validPerLod: Record<string, number> = { "1.2": 0, "1.3": 0, "2.2": 0 }
    let compared = 0
    for (const line of lines.slice(1)) {
      const f = JSON.parse(line)
      const building = f.CityObjects[f.id]
      for (const [id, obj] of Object.entries<{ geometry?: Geometry[] }>(f.CityObjects)) {
        for (const geom of obj.geometry ?? []) {
          if (geom.type !== "Solid") continue
          const theirs = JSON.parse(building.attributes[lodKey[geom.lod]]) as number[]
          const [solid] = cityJsonSolids(geom, f.vertices, transform)
          const ours = validateSolid(solid.outer, solid.inner)
          expect({ id, lod: geom.lod, codes: ours }).toEqual({ id, lod: geom.lod, codes: theirs })
          if (ours.length === 0) validPerLod[geom.lod] += 1
          compared++
        }
      }
    }
    expect(compared).toBe(30)
    expect(validPerLod).toEqual({ "1.2": 10, "1.3": 10, "2.2": 10 })
  })
})

describe("validateSolid#timing (logged, not asserted)", () => {
  /** Box [0,k]³ with every side split into k×k unit quads: 6k² faces, closed and valid. */
  function gridBox(k: number): ShellInput {
    const xyz: number[] = [], faces: ShellInput["faces"] = []
    const ids = new Map<string, number>()
    const vid = (x: number, y: number, z: number): number => {
      const key = `${x},${y},${z}`
      if (!ids.has(key)) { ids.set(key, xyz.length / 3); xyz.push(x, y, z) }
      return ids.get(key)!
    }
    const sides: Array<(i: number, j: number) => [number, number, number]> = [
      (i, j) => [j, i, 0], (i, j) => [i, j, k], (i, j) => [i, 0, j],
      (i, j) => [k, i, j], (i, j) => [j, k, i], (i, j) => [0, j, i]
    ]
    for (const p of sides) {
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        const corners = [p(i, j), p(i + 1, j), p(i + 1, j + 1), p(i, j + 1)]
        const q = corners.map(([x, y, z]) => vid(x, y, z))
        faces.push({ rings: [Uint32Array.from(q)] })
      }
    }
    return { vertices: Float64Array.from(xyz), faces }
  }
  it("a 1014-face closed box validates as [] and its time is logged", () => {
    const box = gridBox(13)
    const t0 = performance.now()
    const codes = validateSolid(box)
    const ms = performance.now() - t0
    console.log(`val3dity kernel: ${box.faces.length} faces in ${ms.toFixed(0)} ms`)
    expect(box.faces.length).toBe(1014)
    expect(codes).toEqual([])
  })
})
