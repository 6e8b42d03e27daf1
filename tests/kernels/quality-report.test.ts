import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { type FeatureLike, withValidationAttributes } from "../../kernels/feature-validation.ts"
import { percentile } from "../../kernels/percentile.ts"
import {
  COUNTED, MISSING, NOT_IN_OUTPUT, releaseReport, reportJson, type TileReport, tileReport
} from "../../kernels/quality-report.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
// SOURCE.md: header + 10 features of 3DBAG v2024.04.20 (Delft), all with LoD 1.2/1.3/2.2.
const file = path.join(data, "3dbag-reference-features/delft_subset.city.jsonl")
const [header, ...raw] = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
const validated: FeatureLike[] = raw.map((f: any) => withValidationAttributes(f, header.transform))
const attrs = (f: any): Record<string, any> => f.CityObjects[f.id].attributes

function flipLod22(f: any): FeatureLike {
  const out = structuredClone(f)
  const g = out.CityObjects[`${f.id}-0`].geometry.find((x: any) => x.lod === "2.2")
  g.boundaries[0][0] = g.boundaries[0][0].map((r: number[]) => [...r].reverse())
  return withValidationAttributes(out, header.transform)
}

const lod0Building = (id: string, a: Record<string, unknown>): FeatureLike => ({
  type: "CityJSONFeature", id, vertices: [[0, 0, 0], [1000, 0, 0], [0, 1000, 0]],
  CityObjects: { [id]: { type: "Building", attributes: a,
    geometry: [{ type: "MultiSurface", lod: "0", boundaries: [[[0, 1, 2]]] }] } }
})

describe("tileReport#delft_subset", () => {
  const r = tileReport("10/564/624", header, validated)

  it("counts categories exactly as the raw attributes give them", () => {
    for (const [attr, key] of COUNTED) {
      const expected: Record<string, number> = {}
      for (const f of raw) {
        const v = attrs(f)[attr] ?? attrs(validated[raw.indexOf(f)])[attr]
        const k = v === null || v === undefined ? MISSING : String(v)
        expected[k] = (expected[k] ?? 0) + 1
      }
      expect(r.counts[key], attr).toEqual(expected)
    }
    // Figures from the file: 4 horizontal, 2 multiple horizontal, 4 slanted; all AHN4;
    // v2024.04.20 writes no b3_extrusie.
    expect(r.counts.dakType).toEqual({ horizontal: 4, "multiple horizontal": 2, slanted: 4 })
    expect(r.counts.pwBron).toEqual({ AHN4: 10 })
    expect(r.counts.selectieReden).toEqual({ PREFERRED_AND_LATEST: 10 })
    expect(r.counts.extrusie).toEqual({ [MISSING]: 10 })
    expect(r.counts.kwaliteitsindicator).toEqual({ true: 10 })
  })

  it("validity: 10 of 10 valid per LoD, as the published \"[]\" values say", () => {
    for (const lod of ["lod12", "lod13", "lod22"] as const) {
      const published = raw.filter((f: any) => attrs(f)[`b3_val3dity_${lod}`] === "[]").length
      expect(published).toBe(10)
      expect(r.validity[lod]).toEqual({ buildings: 10, valid: published, invalid: 0,
        unvalidated: 0, validShare: 1, codes: {} })
    }
  })

  it("RMSE LoD2.2: bins, median and p90 of the values at 0.001 m", () => {
    // Published b3_rmse_lod22 in mm: 23 30 99 34 384 111 222 100 42 27.
    // Sorted: 23 27 30 34 42 | 99 100 111 222 384. Type 7: median (42 + 99) / 2 = 70.5;
    // p90 at h = 8.1: 222 + 0.1 · (384 − 222) = 238.2.
    const d = r.rmse.lod22
    expect(d.count).toBe(10)
    expect(d.histogram.counts.slice(0, 5)).toEqual([6, 2, 1, 1, 0])
    expect(d.histogram.counts.reduce((a, b) => a + b, 0)).toBe(10)
    expect(d.histogram.labels[0]).toBe("0.0–0.1")
    expect(d.histogram.labels[20]).toBe("≥2.0")
    expect(d.median).toBe(0.0705)
    expect(d.p90).toBe(0.2382)
    expect([d.min, d.max]).toEqual([0.023, 0.384])
    const mm = Float64Array.from(raw.map((f: any) => Math.round(attrs(f).b3_rmse_lod22 * 1000)))
    expect(d.median).toBeCloseTo(percentile(mm, null, 0.5) / 1000, 10)
    expect(d.p90).toBeCloseTo(percentile(mm, null, 0.9) / 1000, 10)
  })

  it("RMSE LoD1.2 puts 3.232, 2.901 and 2.620 m in the ≥2 m bin", () => {
    // mm: 34 34 3232 39 389 2901 2620 839 116 1041.
    const c = r.rmse.lod12.histogram.counts
    expect([c[0], c[1], c[3], c[8], c[10], c[20]]).toEqual([3, 1, 1, 1, 1, 3])
  })

  it("height b3_h_dak_70p − b3_h_maaiveld: 3 m bins, median 7.275 m", () => {
    // cm: 269 271 271 313 658 797 855 969 1012 1124 -> median (658 + 797) / 2 = 727.5,
    // p90 = 1012 + 0.1 · 112 = 1023.2.
    expect(r.height.histogram.counts.slice(0, 6)).toEqual([0, 3, 1, 3, 3, 0])
    expect(r.height.median).toBe(7.275)
    expect(r.height.p90).toBe(10.232)
  })

  it("coverage: nodata fraction per epoch and the share of modelled buildings", () => {
    expect(Object.keys(r.nodataFraction)).toEqual(["ahn3", "ahn4"])
    expect(r.coverage.nodataFractionMedian).toEqual({ ahn3: 0, ahn4: 0 })
    // Largest published: ahn3 0.01165 (0503100000019492), ahn4 0.02572 (0503100000018501).
    expect(r.nodataFraction.ahn3.max).toBe(0.012)
    expect(r.nodataFraction.ahn4.max).toBe(0.026)
    expect(r.coverage).toMatchObject({ expected: null, present: 10, modelled: 10,
      modelledShare: 1 })
    expect(r.skipped).toEqual([])
    expect(r.failed).toEqual([])
    expect(r.referenceSystem).toBe("https://www.opengis.net/def/crs/EPSG/0/7415")
  })
})

describe("tileReport#skipped, failed and missing buildings", () => {
  const noPoints = "no building points in AHN4"
  const features = [
    ...validated,
    lod0Building("NL.IMBAG.Pand.A", { b3_extrusie: "skip", b3_reden: noPoints }),
    lod0Building("NL.IMBAG.Pand.B", { b3_extrusie: "skip", reason: noPoints }),
    lod0Building("NL.IMBAG.Pand.C", { b3_extrusie: "skip", b3_extrusie_reden: "internal error" }),
    lod0Building("NL.IMBAG.Pand.D", { b3_extrusie: "standard" })
  ]
  const expected = [...features.map((f) => f.id), "NL.IMBAG.Pand.E"]
  const r = tileReport("t", header, features, { expectedFootprints: expected })

  it("lists skips with their reason, whichever attribute carries it", () => {
    expect(r.skipped).toEqual([
      { id: "NL.IMBAG.Pand.A", extrusie: "skip", reason: "no building points in AHN4" },
      { id: "NL.IMBAG.Pand.B", extrusie: "skip", reason: "no building points in AHN4" }
    ])
    expect(r.skipReasons).toEqual({ "no building points in AHN4": 2 })
    expect(r.counts.extrusie).toEqual({ [MISSING]: 10, skip: 3, standard: 1 })
  })

  it("fails internal errors, standard buildings without solids and missing footprints", () => {
    expect(r.failed).toEqual([
      { id: "NL.IMBAG.Pand.C", extrusie: "skip", reason: "internal error" },
      { id: "NL.IMBAG.Pand.D", extrusie: "standard",
        reason: "no solid geometry although b3_extrusie is standard" },
      { id: "NL.IMBAG.Pand.E", extrusie: null, reason: NOT_IN_OUTPUT }
    ])
    expect(r.coverage).toMatchObject({ expected: 15, present: 14, missing: 1, modelled: 10,
      share: 0.9333, modelledShare: 0.6667 })
    expect(r.validity.lod22.buildings).toBe(10)
  })

  it("requiredLods fails a building without one of them", () => {
    const f = structuredClone(validated[0]) as any
    f.CityObjects[`${f.id}-0`].geometry = f.CityObjects[`${f.id}-0`].geometry
      .filter((g: any) => g.lod === "1.2")
    f.CityObjects[f.id].attributes.b3_extrusie = "standard"
    const t = tileReport("t", header, [f], { requiredLods: ["lod12", "lod22"] })
    expect(t.failed).toEqual([{ id: f.id, extrusie: "standard", reason: "missing LoD2.2" }])
    // Its LoD1.3/2.2 attributes still say "[]" though the solids are gone: they count as
    // validated, since validity is read from the attributes.
    expect(t.validity.lod12.valid).toBe(1)
  })
})

describe("releaseReport", () => {
  // Tiles of 5 buildings each; tile B's first building has a flipped LoD2.2 face.
  const tileA = tileReport("10/564/624", header, validated.slice(0, 5))
  const tileB = tileReport("10/564/626", header, [flipLod22(raw[5]), ...validated.slice(6)])

  it("merges tiles exactly: the release median is not a median of tile medians", () => {
    const r = releaseReport("2024.04.20", [tileA, tileB])
    expect(tileA.rmse.lod22.median).toBe(0.034)
    expect(tileB.rmse.lod22.median).toBe(0.1)
    expect(r.totals.rmse.lod22.median).toBe(0.0705)
    expect(r.totals.buildings).toBe(10)
    expect(r.totals.counts.dakType).toEqual({ horizontal: 4, "multiple horizontal": 2,
      slanted: 4 })
    expect(r.totals.validity.lod22).toEqual({ buildings: 10, valid: 9, invalid: 1,
      unvalidated: 0, validShare: 0.9, codes: { 307: 1 } })
    expect(r.tileSummaries.map((t) => [t.tileId, t.validShare.lod22]))
      .toEqual([["10/564/624", 1], ["10/564/626", 0.8]])
    expect(r.publishable).toBe(true)
    expect(r.blockers).toEqual([])
  })

  it("blocks when validity is below the threshold, with the share in the text", () => {
    const r = releaseReport("2024.04.20", [tileA, tileB], { minValidShare: 0.95 })
    expect(r.publishable).toBe(false)
    expect(r.blockers).toEqual(["LoD2.2 validity 90.0% is below the configured 95%"])
    const ok = releaseReport("2024.04.20", [tileA, tileB], { minValidShare: { lod22: 0.9 } })
    expect(ok.publishable).toBe(true)
  })

  it("blocks on a failed tile, and on a threshold for a LoD that has no solids", () => {
    const r = releaseReport("2024.04.20", [tileA], {
      failedTiles: [{ tileId: "10/566/624", reason: "reconstruction crashed" }]
    })
    expect(r.publishable).toBe(false)
    expect(r.blockers).toEqual(["tile 10/566/624 failed: reconstruction crashed"])
    expect(r.tiles).toBe(2)
    expect(r.tileSummaries[1]).toMatchObject({ tileId: "10/566/624", buildings: 0,
      failure: "reconstruction crashed" })
    const skipOnly = tileReport("t", header, [lod0Building("x", { b3_extrusie: "skip" })])
    const none = releaseReport("v", [skipOnly], { minValidShare: { lod22: 0.95 } })
    expect(none.blockers).toEqual(["LoD2.2 validity cannot be checked: the release has no " +
      "LoD2.2 solids (configured minimum 95%)"])
    expect(releaseReport("v", []).blockers).toEqual(["the release has no tiles"])
  })

  it("is deterministic: same JSON whatever the tile order, keys sorted", () => {
    const a = reportJson(releaseReport("2024.04.20", [tileA, tileB], { minValidShare: 0.95 }))
    const b = reportJson(releaseReport("2024.04.20", [tileB, tileA], { minValidShare: 0.95 }))
    expect(a).toBe(b)
    const top = Object.keys(JSON.parse(a))
    expect(top).toEqual([...top].sort())
    expect(JSON.parse(a).generatedAt).toBeNull()
    const r = releaseReport("2024.04.20", [tileA, tileB], { generatedAt: "2024-04-20" })
    expect(JSON.parse(reportJson(r))).toEqual(JSON.parse(JSON.stringify(r)))
    expect(reportJson(r)).toContain("\"counts\": [6,2,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]")
  })

  it("lists skipped buildings by tile, capped at maxListed", () => {
    const t = (id: string, n: number): TileReport => tileReport(id, header, Array.from(
      { length: n }, (_, i) => lod0Building(`b${i}`, { b3_extrusie: "skip", b3_reden: "r" })))
    const r = releaseReport("v", [t("2", 2), t("1", 3)], { maxListed: 4 })
    expect(r.skipped.map((s) => `${s.tileId}:${s.id}`)).toEqual(["1:b0", "1:b1", "1:b2", "2:b0"])
    expect(r.totals.skippedCount).toBe(5)
    expect(r.totals.skipReasons).toEqual({ r: 5 })
  })
})
