import { readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import {
  EPSG_7415_URL, buildingFeature, cityJsonSeqHeader, roundAttributes
} from "../../kernels/cityjson-feature.ts"
import type { Transform } from "../../kernels/cityjson-feature.ts"
import { extrudePolygon } from "../../kernels/extrude.ts"
import type { Polygon } from "../../kernels/geometry-types.ts"
import { buildPointIndex } from "../../kernels/point-index.ts"
import { reconstructLod12 } from "../../kernels/reconstruct-lod12.ts"
import {
  sharedDataDir, validateCityJson, validateCityJsonFeature, validateCityJsonSeq
} from "../support/cityjson-validator.ts"
import { PointBuilder, X0, Y0, rect, rectHole } from "../support/synthetic-scene.ts"

const refDir = path.join(sharedDataDir, "3dbag-reference-features")
const readSeq = (name: string): unknown[] =>
  readFileSync(path.join(refDir, name), "utf8").split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown)

const transform: Transform = { scale: [0.001, 0.001, 0.001], translate: [X0, Y0, 0] }
const ID = "NL.IMBAG.Pand.0503100000000001"
const box: Polygon = [rect(0, 0, 10, 10)]

describe("cityjson-validator on the shared 3DBAG reference files", () => {
  it("accepts delft_subset.city.jsonl (header + 10 features, SOURCE.md)", () => {
    const lines = readSeq("delft_subset.city.jsonl")
    expect(lines.length).toBe(11)
    expect(validateCityJsonSeq(lines).errors).toEqual([])
  })

  it("accepts one_feature.city.jsonl and 3dbag_b2.city.jsonl / .city.json", () => {
    expect(validateCityJsonSeq(readSeq("one_feature.city.jsonl")).valid).toBe(true)
    const b2 = readSeq("3dbag_b2.city.jsonl")
    expect(b2.length).toBe(3)
    expect(validateCityJsonSeq(b2).valid).toBe(true)
    const whole = JSON.parse(readFileSync(path.join(refDir, "3dbag_b2.city.json"), "utf8"))
    expect(validateCityJson(whole).valid).toBe(true)
  })

  it("rejects broken features", () => {
    const f = readSeq("one_feature.city.jsonl")[1] as Record<string, unknown>
    const { vertices: _v, ...noVertices } = f
    expect(validateCityJsonFeature(noVertices).valid).toBe(false)
    const objs = f["CityObjects"] as Record<string, { geometry: Array<Record<string, unknown>> }>
    const part = objs["NL.IMBAG.Pand.0503100000013175-0"]
    const badSolid = { ...part, geometry: [{ type: "Solid", lod: "1.2", boundaries: [[0, 1, 2]] }] }
    const bad = { ...f, CityObjects: { ...objs, "NL.IMBAG.Pand.0503100000013175-0": badSolid } }
    expect(validateCityJsonFeature(bad).valid).toBe(false)
    expect(validateCityJson({ type: "CityJSON", version: "1.1" }).valid).toBe(false)
  })
})

describe("cityJsonSeqHeader", () => {
  it("builds a valid first line with EPSG:7415 and scale 0.001", () => {
    const h = cityJsonSeqHeader({ translate: [X0, Y0, 0], metadata: { title: "test" } })
    expect(h).toEqual({
      type: "CityJSON",
      version: "2.0",
      transform: { scale: [0.001, 0.001, 0.001], translate: [X0, Y0, 0] },
      CityObjects: {},
      vertices: [],
      metadata: { referenceSystem: EPSG_7415_URL, title: "test" }
    })
    expect(h.metadata["referenceSystem"]).toBe("https://www.opengis.net/def/crs/EPSG/0/7415")
    expect(validateCityJson(h).errors).toEqual([])
  })
})

describe("roundAttributes", () => {
  it("rounds as published, sorts keys, and maps NaN to null", () => {
    const r = roundAttributes({
      b3_rmse_lod12: 0.043531, b3_h_dak_70p: 6.12345, b3_h_maaiveld: 0.57149,
      b3_h_dak_min: -0.001, b3_volume_lod12: 602.0049, b3_nodata_fractie_ahn3: 0.0625,
      b3_nodata_radius_ahn3: 0.25397, b3_puntdichtheid_ahn3: 17.440001, b3_opp_grond: NaN,
      oorspronkelijkbouwjaar: 1994, status: "Pand in gebruik", b3_mutatie_ahn3_ahn4: false
    })
    expect(r).toEqual({
      b3_h_dak_70p: 6.12, b3_h_dak_min: 0, b3_h_maaiveld: 0.571, b3_mutatie_ahn3_ahn4: false,
      b3_nodata_fractie_ahn3: 0.063, b3_nodata_radius_ahn3: 0.25, b3_opp_grond: null,
      b3_puntdichtheid_ahn3: 17.44, b3_rmse_lod12: 0.044, b3_volume_lod12: 602,
      oorspronkelijkbouwjaar: 1994, status: "Pand in gebruik"
    })
    expect(Object.keys(r)).toEqual(Object.keys(r).slice().sort())
  })
})

describe("buildingFeature", () => {
  const mesh = extrudePolygon(box, 0.5, 6.5)
  const attributes = { b3_h_maaiveld: 0.5, b3_h_dak_70p: 6.5, b3_extrusie: "standard" }
  const f = buildingFeature({ id: ID, attributes, parts: [{ lod0: box, lod12: mesh }] }, transform)

  it("lays out Building + BuildingPart as 3DBAG does", () => {
    expect(Object.keys(f.CityObjects)).toEqual([ID, `${ID}-0`])
    const b = f.CityObjects[ID]
    expect(b.type).toBe("Building")
    expect(b.children).toEqual([`${ID}-0`])
    expect(b.geographicalExtent).toEqual([X0, Y0, 0.5, X0 + 10, Y0 + 10, 6.5])
    expect(b.geometry).toEqual([{ type: "MultiSurface", lod: "0", boundaries: [[[0, 1, 2, 3]]] }])
    const p = f.CityObjects[`${ID}-0`]
    expect(p.parents).toEqual([ID])
    expect(p.attributes).toEqual({})
    expect(p.geometry[0].lod).toBe("1.2")
    expect(p.geometry[0].semantics?.values).toEqual([[0, 2, 2, 2, 2, 1]])
  })

  it("shares the LoD0 vertices with the floor and writes integers", () => {
    // LoD0 at b3_h_maaiveld = 0.5 coincides with the floor: 8 vertices in all
    expect(f.vertices.length).toBe(8)
    expect(f.vertices[0]).toEqual([0, 0, 500])
    expect(f.vertices[2]).toEqual([10000, 10000, 500])
    expect(f.vertices[7]).toEqual([0, 10000, 6500])
    const shell = (f.CityObjects[`${ID}-0`].geometry[0].boundaries as number[][][][])[0]
    expect(shell[0]).toEqual([[0, 3, 2, 1]])
    // first use fixes an index: wall 0 is b0, b1, t1, t0, so t1 = 4 and t0 = 5
    expect(shell[1]).toEqual([[0, 1, 4, 5]])
    expect(shell[5]).toEqual([[5, 4, 6, 7]])
  })

  it("validates against the CityJSON 2.0.2 feature schema, and is deterministic", () => {
    expect(validateCityJsonFeature(f).errors).toEqual([])
    const again = buildingFeature({ id: ID, attributes, parts: [{ lod0: box, lod12: mesh }] },
      transform)
    expect(JSON.stringify(again)).toBe(JSON.stringify(f))
  })

  it("puts LoD0 on the floor of the solid by default", () => {
    const g = buildingFeature({ id: ID, attributes: {}, parts: [{ lod0: box, lod12: mesh }] },
      transform)
    expect(g.vertices.length).toBe(8)
    const atZero = [{ lod0: box, lod12: mesh, lod0Z: 0 }]
    const h = buildingFeature({ id: ID, attributes: {}, parts: atZero }, transform)
    expect(h.vertices.length).toBe(12)
    expect(h.vertices[0]).toEqual([0, 0, 0])
  })

  it("merges vertices closer than the scale and drops collapsed ring vertices", () => {
    const tiny = [Float64Array.of(X0, Y0, X0 + 0.0004, Y0, X0 + 10, Y0, X0 + 10, Y0 + 10)]
    const g = buildingFeature({ id: ID, attributes: {}, parts: [{ lod0: tiny, lod12: null }] },
      transform)
    expect(g.vertices.length).toBe(3)
    expect(g.CityObjects[ID].geometry[0].boundaries).toEqual([[[0, 1, 2]]])
  })

  it("writes a skipped building with LoD0 only, still valid", () => {
    const g = buildingFeature({
      id: ID, attributes: { b3_extrusie: "skip" }, parts: [{ lod0: box, lod12: null }]
    }, transform)
    expect(Object.keys(g.CityObjects)).toEqual([ID])
    expect(g.CityObjects[ID].children).toBeUndefined()
    expect(validateCityJsonFeature(g).errors).toEqual([])
  })

  it("names parts by their index", () => {
    const second = [rect(20, 0, 25, 5)]
    const g = buildingFeature({
      id: ID, attributes: {},
      parts: [{ lod0: box, lod12: null }, { lod0: second, lod12: extrudePolygon(second, 0, 3) }]
    }, transform)
    expect(g.CityObjects[ID].children).toEqual([`${ID}-1`])
    expect((g.CityObjects[ID].geometry[0].boundaries as unknown[]).length).toBe(2)
    expect(validateCityJsonFeature(g).errors).toEqual([])
  })
})

describe("reconstructLod12 → buildingFeature", () => {
  it("a courtyard building validates, with hole rings in floor, roof and LoD0", () => {
    const poly: Polygon = [rect(0, 0, 10, 10), rectHole(3, 3, 7, 7)]
    const pts = new PointBuilder()
      .grid([0, 0, 10, 10], 0.25, 6, () => 8, (x, y) => {
        const lx = x - X0
        const ly = y - Y0
        return !(lx > 3 && lx < 7 && ly > 3 && ly < 7)
      })
      .grid([-4, -4, 14, 14], 0.5, 2, () => 1)
      .build()
    const index = buildPointIndex(pts)
    const r = reconstructLod12(
      { id: ID, polygon: poly, constructionYear: 1994, tileGroundHeight: null },
      [{ epoch: "AHN4", year: 2020, rank: 1, buildingClass: 6, points: pts, index }]
    )
    expect(r.extrusie).toBe("standard")
    const parts = [{ lod0: r.footprint!, lod12: r.lod12 }]
    const g = buildingFeature({ id: ID, attributes: r.attributes, parts }, transform)
    expect(validateCityJsonFeature(g).errors).toEqual([])
    expect(g.vertices.length).toBe(16)
    const shell = (g.CityObjects[`${ID}-0`].geometry[0].boundaries as number[][][][])[0]
    expect(shell[0].length).toBe(2)
    expect(shell[shell.length - 1].length).toBe(2)
    expect(g.CityObjects[ID].attributes["b3_h_maaiveld"]).toBe(1)
    expect(g.CityObjects[ID].attributes["b3_volume_lod12"]).toBe(588)
  })
})
