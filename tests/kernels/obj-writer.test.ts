import { describe, expect, it } from "vitest"
import {
  OBJ_LODS, micrometres, mtlText, objForLod, objTileFiles, triangulateSurface
} from "../../kernels/obj-writer.ts"
import type { SeqFeature } from "../../kernels/cityjson-tile.ts"
import { loadDelft, skippedFeature } from "../support/release-fixtures.ts"

const { header, features } = loadDelft()
const all = [...features, skippedFeature(header)]
const T = header.transform

interface ParsedObj {
  mtllib: string
  objects: Map<string, { vertices: number[][]; faces: number[][]; materials: string[] }>
  vertexCount: number
}

/** A strict OBJ reader for the subset written: mtllib, o, v, usemtl, f with 3 indices. */
function parseObj(text: string): ParsedObj {
  const lines = text.split("\n")
  expect(lines.pop()).toBe("")
  const out: ParsedObj = { mtllib: "", objects: new Map(), vertexCount: 0 }
  let current: { vertices: number[][]; faces: number[][]; materials: string[] } | null = null
  for (const line of lines) {
    const [tag, ...rest] = line.split(" ")
    if (tag === "mtllib") out.mtllib = rest.join(" ")
    else if (tag === "o") {
      current = { vertices: [], faces: [], materials: [] }
      out.objects.set(rest[0], current)
    }
    else if (tag === "v") {
      expect(rest.length).toBe(3)
      current!.vertices.push(rest.map(Number))
      out.vertexCount++
    } else if (tag === "usemtl") current!.materials.push(rest[0])
    else if (tag === "f") {
      expect(rest.length).toBe(3)
      current!.faces.push(rest.map((x) => Number.parseInt(x, 10)))
    } else throw new Error(`unexpected OBJ line '${line}'`)
  }
  return out
}

/** Signed volume of a closed triangle mesh (divergence theorem), relative to its first vertex. */
function meshVolume(vs: number[][], faces: number[][], base: number): number {
  const o = vs[0]
  let v6 = 0
  for (const f of faces) {
    const [a, b, c] = f.map((i) => vs[i - 1 - base].map((x, k) => x - o[k]))
    v6 += a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
      a[2] * (b[0] * c[1] - b[1] * c[0])
  }
  return v6 / 6
}

/** Volume of a CityJSON Solid by fan triangles of each (planar, hole-free) ring, in m³. */
function solidVolume(shells: number[][][][], f: SeqFeature): number {
  const o = f.vertices[shells[0][0][0][0]]
  const p = (i: number): number[] => f.vertices[i].map((q, k) => (q - o[k]) * T.scale[k])
  let v6 = 0
  for (const ring of shells.flat(2)) {
    const a = p(ring[0])
    for (let j = 1; j < ring.length - 1; j++) {
      const [b, c] = [p(ring[j]), p(ring[j + 1])]
      v6 += a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
        a[2] * (b[0] * c[1] - b[1] * c[0])
    }
  }
  return v6 / 6
}

describe("objForLod on delft_subset.city.jsonl + a skipped building", () => {
  // python over the file: triangles = Σ (ring size − 2), vertices = Σ vertices used per part
  const expected = { "1.2": [192, 116], "1.3": [240, 140], "2.2": [420, 230] } as const

  for (const lod of OBJ_LODS) {
    it(`LoD ${lod}: 10 objects, faces in range, counts as computed from the file`, () => {
      const r = objForLod(T, all, lod, "t-3D.mtl")
      const obj = parseObj(r.text)
      expect(obj.mtllib).toBe("t-3D.mtl")
      expect(r.objects).toBe(10)
      expect(obj.objects.size).toBe(10)
      expect([...obj.objects.keys()].every((k) => k.endsWith("-0"))).toBe(true)
      expect([r.triangles, r.vertices]).toEqual(expected[lod])
      expect(obj.vertexCount).toBe(r.vertices)
      expect(r.skippedSurfaces + r.unlabelledSurfaces).toBe(0)
      let base = 0
      for (const o of obj.objects.values()) {
        for (const f of o.faces) {
          for (const i of f) expect(i > base && i <= base + o.vertices.length).toBe(true)
        }
        base += o.vertices.length
      }
    })
  }

  it("orients triangles outward: mesh volumes equal the solids' and b3_volume_* to 0.1%", () => {
    for (const lod of OBJ_LODS) {
      const obj = parseObj(objForLod(T, features, lod, "m").text)
      let base = 0
      for (const [id, o] of obj.objects) {
        const f = features.find((x) => `${x.id}-0` === id)!
        const volume = meshVolume(o.vertices, o.faces, base)
        const solid = f.CityObjects[id].geometry!.find((g) => g.lod === lod)!
        // faces up to 0.8 mm off planar: another triangulation moves the volume by < 0.01%
        const fan = solidVolume(solid.boundaries as number[][][][], f)
        expect(Math.abs(volume / fan - 1)).toBeLessThan(1e-4)
        // the file's volumes come from unrounded vertices: up to 0.22 m³ (0.05%) apart here
        const want = f.CityObjects[f.id].attributes![`b3_volume_lod${lod.replace(".", "")}`]
        expect(Math.abs(volume / (want as number) - 1)).toBeLessThan(1e-3)
        base += o.vertices.length
      }
    }
  })

  it("writes real RD coordinates and switches material per semantic", () => {
    const obj = parseObj(objForLod(T, features, "1.2", "m").text)
    const part = obj.objects.get("NL.IMBAG.Pand.0503100000012869-0")!
    // LoD0 vertex 0 of this building, [-495141, 67105, -45173] with the header's transform
    expect(part.vertices).toContainEqual([84593.249625, 446461.355, 0.475003])
    expect(part.materials).toEqual(["GroundSurface", "WallSurface", "RoofSurface"])
  })

  it("is deterministic and independent of feature order", () => {
    const a = objTileFiles("9-560-624", T, all)
    const b = objTileFiles("9-560-624", T, [...all].reverse())
    expect(b.files).toEqual(a.files)
    expect(a.files.map((f) => f.name)).toEqual([
      "9-560-624-LoD12-3D.obj", "9-560-624-LoD13-3D.obj", "9-560-624-LoD22-3D.obj",
      "9-560-624-3D.mtl"
    ])
  })
})

describe("triangulateSurface", () => {
  it("triangulates a square with a hole into 8 triangles oriented like the outer ring", () => {
    // outer CCW seen from +z, hole CW; coordinates x y z
    const xyz = new Float64Array([
      0, 0, 0, 4, 0, 0, 4, 4, 0, 0, 4, 0,
      1, 1, 0, 1, 3, 0, 3, 3, 0, 3, 1, 0
    ])
    const tris = triangulateSurface(xyz, [4, 4])!
    expect(tris.length / 3).toBe(8)
    let area = 0
    for (let t = 0; t < tris.length; t += 3) {
      const [a, b, c] = [tris[t], tris[t + 1], tris[t + 2]]
      const cross = (xyz[3 * b] - xyz[3 * a]) * (xyz[3 * c + 1] - xyz[3 * a + 1]) -
        (xyz[3 * b + 1] - xyz[3 * a + 1]) * (xyz[3 * c] - xyz[3 * a])
      expect(cross).toBeGreaterThan(0)
      area += cross / 2
    }
    expect(area).toBeCloseTo(12, 12)
  })

  it("projects a vertical wall on its dominant plane, and rejects a degenerate one", () => {
    const wall = new Float64Array([0, 0, 0, 5, 0, 0, 5, 0, 3, 0, 0, 3])
    expect(triangulateSurface(wall, [4])!.length).toBe(6)
    const line = new Float64Array([0, 0, 0, 1, 0, 0, 2, 0, 0])
    expect(triangulateSurface(line, [3])).toBeNull()
  })
})

describe("mtlText and micrometres", () => {
  it("defines the three materials", () => {
    const lines = mtlText().split("\n")
    const names = lines.filter((l) => l.startsWith("newmtl ")).map((l) => l.slice(7))
    expect(names).toEqual(["GroundSurface", "RoofSurface", "WallSurface"])
  })
  it("rounds to 1 µm in shortest form", () => {
    expect([micrometres(84593.2496250001), micrometres(-0.0000001), micrometres(1.5)])
      .toEqual(["84593.249625", "0", "1.5"])
  })
})
