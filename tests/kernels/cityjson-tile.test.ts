import { describe, expect, it } from "vitest"
import {
  canonicalStringify, cityJsonSeqText, mergeCityJsonTile, parseCityJsonSeq, type SeqFeature
} from "../../kernels/cityjson-tile.ts"
import { validateCityJson, validateCityJsonSeq } from "../support/cityjson-validator.ts"
import { SKIPPED_ID, loadDelft, skippedFeature } from "../support/release-fixtures.ts"

const { header, features } = loadDelft()
const P = "NL.IMBAG.Pand."
const meta = { identifier: "9-560-624", title: "3DBAG tile 9/560/624" }

type Geo = { boundaries: unknown; lod: string; type: string }
const leaves = (b: unknown): number[] => (Array.isArray(b) ? b.flatMap(leaves) : [b as number])

/** Reverses the key order of every object, as a parser might hand it over. */
const shuffleKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(shuffleKeys)
  if (typeof v !== "object" || v === null) return v
  const o = v as Record<string, unknown>
  return Object.fromEntries(Object.keys(o).reverse().map((k) => [k, shuffleKeys(o[k])]))
}

describe("mergeCityJsonTile on delft_subset.city.jsonl", () => {
  const r = mergeCityJsonTile(header, features, meta)
  if (!r.ok) throw new Error(r.reason)
  const doc = r.document

  it("validates against CityJSON 2.0.2 and holds the 10 Buildings and their 10 parts", () => {
    expect(validateCityJson(doc).errors).toEqual([])
    const types = Object.values(doc.CityObjects).map((o) => o["type"])
    expect(types.filter((t) => t === "Building").length).toBe(10)
    expect(types.filter((t) => t === "BuildingPart").length).toBe(10)
    expect(Object.keys(doc.CityObjects)).toEqual(Object.keys(doc.CityObjects).sort())
    expect(Object.keys(doc.CityObjects)[0]).toBe(`${P}0503100000000137`)
  })

  it("deduplicates the one vertex two buildings share: 331 in, 330 out", () => {
    // 331 = sum of the 10 features' vertex lists; all are used; 330 distinct triples (python)
    expect(r.counts).toEqual({ features: 10, cityObjects: 20, verticesIn: 331, verticesOut: 330 })
    expect(doc.vertices.length).toBe(330)
  })

  it("keeps every boundary on the same integer coordinates after re-indexing", () => {
    let checked = 0
    for (const f of features) {
      for (const [id, o] of Object.entries(f.CityObjects)) {
        const merged = doc.CityObjects[id]["geometry"] as Geo[]
        ;(o.geometry ?? []).forEach((g, k) => {
          const before = leaves(g.boundaries).map((i) => f.vertices[i])
          const after = leaves(merged[k].boundaries).map((i) => doc.vertices[i])
          expect(after).toEqual(before)
          checked += before.length
        })
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it("puts a known vertex at its real RD coordinate", () => {
    // first LoD0 vertex of 0503100000012869 is [-495141, 67105, -45173] in the feature
    const b = doc.CityObjects[`${P}0503100000012869`]["geometry"] as Geo[]
    const first = (b[0].boundaries as number[][][])[0][0][0]
    const q = doc.vertices[first]
    expect(q).toEqual([-495141, 67105, -45173])
    const t = doc.transform
    expect(q[0] * t.scale[0] + t.translate[0]).toBeCloseTo(84593.249625, 6)
    expect(q[1] * t.scale[1] + t.translate[1]).toBeCloseTo(446461.355, 6)
  })

  it("writes metadata from the caller and the vertices only", () => {
    expect(doc.metadata).toEqual({
      identifier: "9-560-624",
      title: "3DBAG tile 9/560/624",
      referenceSystem: "https://www.opengis.net/def/crs/EPSG/0/7415",
      // SOURCE.md: features span x 84593–85567, y 446447–446890
      geographicalExtent: [84593.249625, 446447.019, -0.438997, 85566.847625, 446889.74, 13.188003]
    })
  })

  it("does not depend on feature order or parsed key order", () => {
    const shuffled = [...features].reverse().map((f) => shuffleKeys(f) as SeqFeature)
    const again = mergeCityJsonTile(header, shuffled, meta)
    if (!again.ok) throw new Error(again.reason)
    expect(canonicalStringify(again.document)).toBe(canonicalStringify(doc))
  })
})

describe("mergeCityJsonTile edge cases", () => {
  it("merges a skipped building (LoD0 only, no children) and stays valid", () => {
    const r = mergeCityJsonTile(header, [...features, skippedFeature(header)], meta)
    if (!r.ok) throw new Error(r.reason)
    expect(validateCityJson(r.document).errors).toEqual([])
    const b = r.document.CityObjects[SKIPPED_ID]
    expect(b["children"]).toBeUndefined()
    expect((b["attributes"] as Record<string, unknown>)["b3_extrusie"]).toBe("skip")
    expect(r.counts.verticesOut).toBe(334)
  })

  it("returns a reason for an index out of range and for repeated ids", () => {
    const f = features[0]
    const broken: SeqFeature = { ...f, vertices: f.vertices.slice(0, 3) }
    const r = mergeCityJsonTile(header, [broken])
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(/vertex index \d+ out of 0\.\.2/)
    const twice = mergeCityJsonTile(header, [f, f])
    expect(twice).toEqual({ ok: false, reason: `CityObject id ${f.id} repeats` })
  })

  it("writes an empty tile without geographicalExtent", () => {
    const r = mergeCityJsonTile(header, [])
    if (!r.ok) throw new Error(r.reason)
    expect(validateCityJson(r.document).errors).toEqual([])
    expect(r.document.metadata["geographicalExtent"]).toBeUndefined()
  })
})

describe("cityJsonSeqText", () => {
  const text = cityJsonSeqText(header, [...features, skippedFeature(header)], meta)
  const lines = text.split("\n")

  it("writes a header and 11 feature lines, each valid, sorted by id, ending in a newline", () => {
    expect(lines.length).toBe(13)
    expect(lines[12]).toBe("")
    const parsed = lines.slice(0, 12).map((l) => JSON.parse(l) as { id?: string })
    expect(validateCityJsonSeq(parsed).errors).toEqual([])
    const ids = parsed.slice(1).map((p) => p.id!)
    expect(ids).toEqual([...ids].sort())
    expect(ids).toContain(SKIPPED_ID)
  })

  it("uses the fixed key order, not the input's", () => {
    const head = '{"type":"CityJSON","version":"2.0","transform":{"scale"'
    expect(lines[0].startsWith(head)).toBe(true)
    expect(lines[1].startsWith('{"type":"CityJSONFeature","id":"NL.IMBAG.Pand.0503100000000137"'))
      .toBe(true)
    const shuffled = features.map((f) => shuffleKeys(f) as SeqFeature)
    const again = cityJsonSeqText(header, [skippedFeature(header), ...shuffled], meta)
    expect(again).toBe(text)
  })

  it("round-trips through parseCityJsonSeq with the same content", () => {
    const back = parseCityJsonSeq(text)
    if (!back.ok) throw new Error(back.reason)
    const byId = new Map(features.map((f) => [f.id, f]))
    for (const f of back.features) if (byId.has(f.id)) expect(f).toEqual(byId.get(f.id))
    expect(back.header.metadata?.["identifier"]).toBe("9-560-624")
    expect(parseCityJsonSeq('{"type":"CityJSON"}\n').ok).toBe(false)
  })
})

describe("canonicalStringify", () => {
  it("orders known keys first, others by code unit, and drops undefined", () => {
    const v = { z: 1, type: "T", a: [1, undefined, NaN], u: undefined, B: { y: 2, x: 1 } }
    expect(canonicalStringify(v)).toBe('{"type":"T","B":{"x":1,"y":2},"a":[1,null,null],"z":1}')
    expect(canonicalStringify({ b: [], a: {} }, [], 2)).toBe('{\n  "a": {},\n  "b": []\n}')
  })
})
