import { readFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { cityJsonSolids } from "../../kernels/cityjson-solid.ts"
import { validateSolid } from "../../kernels/val3dity.ts"
import { validateCityJsonFeature, validateCityJson } from "../support/cityjson-validator.ts"
import { pipeline, sampleReleases, type Pipeline } from "./support.ts"

type Feature = { id: string; CityObjects: Record<string, any>; vertices: number[][] }

describe("reconstructed_tiles on the sample release 2024.02", () => {
  let p: Pipeline
  let run: Awaited<ReturnType<Pipeline["materialize"]>>
  let header: any
  const features: Feature[] = []
  const attrs = (f: Feature) => f.CityObjects[f.id].attributes
  const delft = () => features.filter((f) => f.id.startsWith("NL.IMBAG.Pand.0503"))
  const amsterdam = () => features.filter((f) => f.id.startsWith("NL.IMBAG.Pand.0363"))

  beforeAll(async () => {
    p = pipeline(sampleReleases)
    run = await p.materialize("reconstructed_tiles", "2024.02")
    for (const st of await p.statuses(["reconstructed_tiles"])) {
      const rec = await p.latest("reconstructed_tiles", st.label)
      const lines = readFileSync(join(p.home, "store", rec.files[0].path), "utf8").trimEnd().split("\n")
      header = JSON.parse(lines[0])
      for (const l of lines.slice(1)) features.push(JSON.parse(l))
    }
  })

  it("runs bag_extract, ahn_index and reconstructed_tiles for every tile, then nothing", async () => {
    expect(run.failed).toBe(0)
    const tiles = (await p.statuses(["reconstructed_tiles"])).length
    expect(run.materialized).toBe(1 + 3 * tiles)
    expect((await p.materialize("reconstructed_tiles", "2024.02")).materialized).toBe(0)
  })

  it("writes one feature per input footprint: 1484 in Amsterdam, 160 in Delft", () => {
    expect(new Set(features.map((f) => f.id)).size).toBe(features.length)
    expect(amsterdam()).toHaveLength(1484)
    expect(delft()).toHaveLength(160)
  })

  it("every line validates against the CityJSON 2.0.2 schemas", () => {
    expect(validateCityJson(header).errors).toEqual([])
    expect(header.metadata.referenceSystem).toBe("https://www.opengis.net/def/crs/EPSG/0/7415")
    const bad = features.map((f) => [f.id, validateCityJsonFeature(f).errors] as const).filter(([, e]) => e.length > 0)
    expect(bad).toEqual([])
  })

  it("gives all 160 Delft footprints a valid, closed LoD1.2 solid on the ground", () => {
    const codes = delft().map((f) => {
      const part = f.CityObjects[`${f.id}-0`]
      const solid = part.geometry.find((g: any) => g.lod === "1.2")
      const [s] = cityJsonSolids(solid, f.vertices, header.transform)
      return validateSolid(s.outer, s.inner)
    })
    expect(codes.filter((c) => c.length > 0)).toEqual([])
    for (const f of delft()) {
      const a = attrs(f)
      expect(a.b3_extrusie).toBe("standard")
      expect(a.b3_h_dak_70p).toBeGreaterThan(a.b3_h_maaiveld)
      expect(a.b3_volume_lod12).toBeGreaterThan(0)
    }
  })

  it("gives every Delft building LoD1.2, LoD1.3 and LoD2.2 solids, at least 98% of LoD2.2 valid", () => {
    const lods = (f: Feature) => f.CityObjects[`${f.id}-0`].geometry.map((g: any) => g.lod).sort()
    for (const f of delft()) expect(lods(f)).toEqual(["1.2", "1.3", "2.2"])
    const validity = (lod: string) => {
      const codes = delft().map((f) => {
        const g = f.CityObjects[`${f.id}-0`].geometry.find((x: any) => x.lod === lod)
        const [sol] = cityJsonSolids(g, f.vertices, header.transform)
        return validateSolid(sol.outer, sol.inner)
      })
      return codes.filter((c) => c.length === 0).length / codes.length
    }
    expect(validity("1.3")).toBe(1)
    expect(validity("2.2")).toBeGreaterThanOrEqual(0.98)
    // the val3dity attributes agree with a fresh validation of the written geometry
    const attrValid = delft().filter((f) => attrs(f).b3_val3dity_lod22 === "[]").length / 160
    expect(attrValid).toBe(validity("2.2"))
  })

  it("fits the Delft points better in LoD2.2 than in LoD1.2 (3D point-to-mesh RMSE, as 3DBAG)", () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
    const r12 = median(delft().map((f) => attrs(f).b3_rmse_lod12))
    const r13 = median(delft().map((f) => attrs(f).b3_rmse_lod13))
    const r22 = median(delft().map((f) => attrs(f).b3_rmse_lod22))
    expect(r22).toBeLessThan(r13)
    expect(r13).toBeLessThan(r12)
    // the published release measures 0.185 m over the same 160 buildings
    expect(r22).toBeLessThan(0.25)
    const roofTypes = new Set(delft().map((f) => attrs(f).b3_dak_type))
    expect([...roofTypes].sort()).toEqual(["horizontal", "multiple horizontal", "slanted"])
  })

  it("models exactly the Amsterdam footprints that hold AHN3 building points, and says why not the others", () => {
    const modelled = amsterdam().filter((f) => attrs(f).b3_extrusie !== "skip")
    // SOURCE.md: 1117 of the 1484 footprints contain class-6 AHN3 points
    expect(modelled).toHaveLength(1117)
    // each of them gets all three LoDs (a LoD1.1 fallback gives blocks for LoD1.3 and LoD2.2)
    for (const f of modelled) {
      expect(f.CityObjects[`${f.id}-0`].geometry.map((g: any) => g.lod).sort()).toEqual(["1.2", "1.3", "2.2"])
    }
    const skipped = amsterdam().filter((f) => attrs(f).b3_extrusie === "skip")
    expect(skipped).toHaveLength(367)
    const why = (f: Feature) => String(attrs(f).b3_extrusie_reden)
    const outside = skipped.filter((f) => why(f).startsWith("outside the extent of AHN3"))
    const empty = skipped.filter((f) => why(f).startsWith("no building points in AHN3"))
    expect(outside.length + empty.length).toBe(367)
    // the empty AHN3 sub-tiles (the northern row and the margin) hold most of them
    expect(outside.length).toBeGreaterThan(300)
    for (const f of skipped) expect(why(f)).toContain("AHN2 measured only, not used for modelling")
  })

  it("records the AHN2/AHN3 selection on every Amsterdam model", () => {
    for (const f of amsterdam().filter((x) => attrs(x).b3_extrusie !== "skip")) {
      const a = attrs(f)
      expect(a.b3_pw_bron).toBe("AHN3")
      expect(a.b3_pw_datum).toBe(2014)
      expect(typeof a.b3_nodata_fractie_ahn2).toBe("number")
      expect(typeof a.b3_mutatie_ahn2_ahn3).toBe("boolean")
      expect(String(a.b3_pw_selectie_reden)).toMatch(/^(PREFERRED_AND_LATEST|_HIGHEST_YET_INSUFFICIENT_COVERAGE|_LATEST_BUT_OUTDATED|PREFERRED_NOT_LATEST|LATEST_WITH_MUTATION)$/)
    }
    // the thinned AHN3 (about 3 pts/m²) rarely reaches the 0.06 nodata fraction of a sufficient cloud
    const insufficient = amsterdam().filter((f) => attrs(f).b3_pw_selectie_reden === "_HIGHEST_YET_INSUFFICIENT_COVERAGE")
    expect(insufficient.length).toBeGreaterThan(1000)
  })
})
