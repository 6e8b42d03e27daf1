import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import {
  type FeatureLike, formatCodes, parseCodes, qualityIndicator, validateFeature,
  withValidationAttributes
} from "../../kernels/feature-validation.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
// SOURCE.md: header + 10 features of 3DBAG v2024.04.20, each with LoD 1.2, 1.3, 2.2 Solids.
const file = path.join(data, "3dbag-reference-features/delft_subset.city.jsonl")

interface Seq { header: { transform: { scale: number[]; translate: number[] } }; features: any[] }
function load(): Seq {
  const [header, ...features] = readFileSync(file, "utf8").trim().split("\n")
    .map((l) => JSON.parse(l))
  return { header, features }
}
const part = (f: any): any => f.CityObjects[`${f.id}-0`]
const lodGeometry = (f: any, lod: string): any => part(f).geometry.find((g: any) => g.lod === lod)

/** Reverses every ring of surface `k` of the feature's LoD2.2 solid (its orientation flips). */
function flipLod22Face(f: any, k = 0): any {
  const out = structuredClone(f)
  const shell = lodGeometry(out, "2.2").boundaries[0]
  shell[k] = shell[k].map((ring: number[]) => [...ring].reverse())
  return out
}

describe("validateFeature#delft_subset", () => {
  const { header, features } = load()
  it("has 30 solids (10 buildings × LoD 1.2/1.3/2.2), all valid like their attributes", () => {
    let solids = 0
    for (const f of features) {
      const attrs = f.CityObjects[f.id].attributes
      const v = validateFeature(f, header.transform)
      for (const lod of ["lod12", "lod13", "lod22"] as const) {
        expect(v[lod], `${f.id} ${lod}`).toEqual([])
        // The published value is the string "[]".
        expect(attrs[`b3_val3dity_${lod}`]).toBe("[]")
        expect(v[lod]).toEqual(parseCodes(attrs[`b3_val3dity_${lod}`]))
        solids += v[lod] === null ? 0 : 1
      }
    }
    expect(features.length).toBe(10)
    expect(solids).toBe(30)
    const raw = features.flatMap((f) => Object.values(f.CityObjects) as any[])
      .flatMap((o) => o.geometry).filter((g) => g.type === "Solid")
    expect(raw.length).toBe(30)
  })

  it("a flipped LoD2.2 face gives [307] on LoD2.2 only", () => {
    for (const k of [0, 3]) {
      const v = validateFeature(flipLod22Face(features[0], k), header.transform)
      expect(v).toEqual({ lod12: [], lod13: [], lod22: [307] })
    }
  })

  it("a missing LoD gives null", () => {
    const f = structuredClone(features[2])
    part(f).geometry = part(f).geometry.filter((g: any) => g.lod !== "1.3")
    expect(validateFeature(f, header.transform)).toEqual({ lod12: [], lod13: null, lod22: [] })
    const lod0Only: FeatureLike = { id: "b", vertices: [],
      CityObjects: { b: { type: "Building", geometry: [{ type: "MultiSurface", lod: "0",
        boundaries: [] }] } } }
    expect(validateFeature(lod0Only)).toEqual({ lod12: null, lod13: null, lod22: null })
  })
})

describe("withValidationAttributes", () => {
  const { header, features } = load()
  it("writes the published values back: \"[]\" and b3_kwaliteitsindicator true", () => {
    for (const f of features) {
      const out = withValidationAttributes(f, header.transform)
      const a = out.CityObjects[f.id].attributes as Record<string, unknown>
      const before = f.CityObjects[f.id].attributes
      for (const lod of ["lod12", "lod13", "lod22"]) {
        expect(a[`b3_val3dity_${lod}`]).toBe(before[`b3_val3dity_${lod}`])
      }
      // Every building: overlap 0.0, PREFERRED_AND_LATEST, LoD2.2 valid.
      expect(before.b3_bag_bag_overlap).toBe(0)
      expect(a.b3_kwaliteitsindicator).toBe(true)
      expect(Object.keys(a)).toEqual(Object.keys(a).sort())
      expect(out.CityObjects[`${f.id}-0`]).toBe(f.CityObjects[`${f.id}-0`])
    }
  })

  it("a flipped face gives \"[307]\" and indicator false; the input stays unchanged", () => {
    const flipped = flipLod22Face(features[4])
    const copy = structuredClone(flipped)
    const a = withValidationAttributes(flipped, header.transform)
      .CityObjects[flipped.id].attributes as Record<string, unknown>
    expect(a.b3_val3dity_lod22).toBe("[307]")
    expect(a.b3_val3dity_lod12).toBe("[]")
    expect(a.b3_kwaliteitsindicator).toBe(false)
    expect(flipped).toEqual(copy)
  })

  it("a skipped building (LoD0 only) gets null values", () => {
    const f: FeatureLike = { id: "s", vertices: [[0, 0, 0]], CityObjects: { s: {
      type: "Building", attributes: { b3_extrusie: "skip", b3_bag_bag_overlap: 0 },
      geometry: [{ type: "MultiSurface", lod: "0", boundaries: [] }] } } }
    const a = withValidationAttributes(f).CityObjects.s.attributes as Record<string, unknown>
    expect(a.b3_val3dity_lod12).toBeNull()
    expect(a.b3_val3dity_lod22).toBeNull()
    expect(a.b3_kwaliteitsindicator).toBeNull()
    expect(a.b3_extrusie).toBe("skip")
  })
})

describe("parseCodes / formatCodes / qualityIndicator", () => {
  it("reads strings with or without spaces and arrays; rejects anything else", () => {
    expect(parseCodes("[]")).toEqual([])
    expect(parseCodes("[307, 203]")).toEqual([203, 307])
    expect(parseCodes([302])).toEqual([302])
    expect(parseCodes("not a list")).toBeNull()
    expect(parseCodes(null)).toBeNull()
    expect(parseCodes(["x"])).toBeNull()
  })
  it("formats as a JSON list string", () => {
    expect(formatCodes([])).toBe("[]")
    expect(formatCodes([203, 307])).toBe("[203,307]")
    expect(formatCodes(null)).toBeNull()
  })
  it("follows the spec formula: overlap, LoD2.2 validity, selection reason", () => {
    const good = { b3_bag_bag_overlap: 0, b3_pw_selectie_reden: "PREFERRED_NOT_LATEST" }
    expect(qualityIndicator(good, [])).toBe(true)
    expect(qualityIndicator({ ...good, b3_bag_bag_overlap: 0.4 }, [])).toBe(true)
    expect(qualityIndicator({ ...good, b3_bag_bag_overlap: 12.5 }, [])).toBe(false)
    expect(qualityIndicator({ b3_pw_selectie_reden: "PREFERRED_AND_LATEST" }, [])).toBe(false)
    expect(qualityIndicator({ ...good, b3_pw_selectie_reden: "_LATEST_BUT_OUTDATED" }, []))
      .toBe(false)
    expect(qualityIndicator({ ...good,
      b3_pw_selectie_reden: "_HIGHEST_YET_INSUFFICIENT_COVERAGE" }, [])).toBe(false)
    expect(qualityIndicator(good, [302])).toBe(false)
    expect(qualityIndicator(good, null)).toBeNull()
  })
})
