import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { gunzipSync } from "node:zlib"
import { beforeAll, describe, expect, it } from "vitest"
import { assets } from "../../definitions.ts"
import { sha256Hex } from "../../engine/index.ts"
import { runCli } from "../engine/cli-support.ts"
import { validateCityJson, validateCityJsonFeature } from "../support/cityjson-validator.ts"
import { delftRelease, pipeline, releaseDir, sampleReleases, sharedData } from "./support.ts"

const walk = (dir: string): string[] => readdirSync(dir).flatMap((e) => {
  const p = join(dir, e)
  return statSync(p).isDirectory() ? walk(p) : [p]
})
const manifest = (root: string) => walk(root).map((p) => `${relative(root, p)} ${sha256Hex(readFileSync(p))}`).sort()
const hasOgr = existsSync("/usr/bin/ogrinfo")

describe("published_release of the sample 2024.02", () => {
  const homes: string[] = []
  let root = ""
  let index: any
  beforeAll(async () => {
    for (let k = 0; k < 2; k++) {
      const p = pipeline(sampleReleases)
      const run = await p.materialize("downloadable_tiles", "2024.02")
      expect(run.outcomes.filter((o) => o.error !== null)).toEqual([])
      homes.push(p.home)
    }
    root = join(homes[0], "releases", "2024.02")
    index = JSON.parse(readFileSync(join(root, "tile_index.json"), "utf8"))
  })

  it("two builds into empty homes are byte-identical, file for file", () => {
    const a = manifest(root)
    expect(a.length).toBe(4 * index.features.length + 5)
    expect(manifest(join(homes[1], "releases", "2024.02"))).toEqual(a)
  })

  it("indexes every tile with its building count and the sha256 of each file", () => {
    const total = index.features.reduce((n: number, f: any) => n + f.properties.building_count, 0)
    expect(total).toBe(1644)
    for (const f of index.features) {
      for (const fmt of ["cj", "cjseq", "obj", "gpkg"]) {
        const file = join(root, f.properties[`${fmt}_url`])
        expect(sha256Hex(readFileSync(file))).toBe(f.properties[`${fmt}_sha256`])
      }
    }
  })

  it("every CityJSON file and every CityJSONSeq line validates against 2.0.2", async () => {
    let lines = 0
    for (const f of index.features) {
      // Validation is synchronous and takes about a minute in all: yield between tiles so the
      // test worker keeps answering the runner.
      await new Promise((resolve) => setImmediate(resolve))
      const doc = JSON.parse(gunzipSync(readFileSync(join(root, f.properties.cj_url))).toString())
      expect(validateCityJson(doc).errors).toEqual([])
      expect(Object.values(doc.CityObjects).filter((o: any) => o.type === "Building")).toHaveLength(f.properties.building_count)
      const seq = gunzipSync(readFileSync(join(root, f.properties.cjseq_url))).toString().trimEnd().split("\n")
      expect(validateCityJson(JSON.parse(seq[0])).errors).toEqual([])
      for (const l of seq.slice(1)) expect(validateCityJsonFeature(JSON.parse(l)).errors).toEqual([])
      lines += seq.length - 1
    }
    expect(lines).toBe(1644)
  })

  it.skipIf(!hasOgr)("GDAL opens every GeoPackage with the seven layers and one pand per building", () => {
    for (const f of index.features) {
      const info = execFileSync("ogrinfo", ["-ro", "-so", "-al", `/vsigzip/${join(root, f.properties.gpkg_url)}`]).toString()
      const layers = [...info.matchAll(/^Layer name: (\w+)$/gm)].map((m) => m[1])
      expect(layers).toEqual(["pand", "lod12_2d", "lod12_3d", "lod13_2d", "lod13_3d", "lod22_2d", "lod22_3d"])
      const counts = [...info.matchAll(/^Feature Count: (\d+)$/gm)].map((m) => Number(m[1]))
      // expected from the tile's CityJSONSeq: pand = buildings; lodXX_3d = parts with that LoD;
      // lodXX_2d = roof surfaces of that LoD
      const seq = gunzipSync(readFileSync(join(root, f.properties.cjseq_url))).toString().trimEnd().split("\n").slice(1)
      const parts: Record<string, number> = { "1.2": 0, "1.3": 0, "2.2": 0 }
      const roofs: Record<string, number> = { "1.2": 0, "1.3": 0, "2.2": 0 }
      for (const line of seq) {
        for (const o of Object.values(JSON.parse(line).CityObjects) as any[]) {
          if (o.type !== "BuildingPart") continue
          for (const g of o.geometry) {
            parts[g.lod]++
            roofs[g.lod] += g.semantics.values[0].filter((i: number) => g.semantics.surfaces[i].type === "RoofSurface").length
          }
        }
      }
      expect(counts).toEqual([f.properties.building_count, roofs["1.2"], parts["1.2"], roofs["1.3"], parts["1.3"],
        roofs["2.2"], parts["2.2"]])
    }
  })

  it("the OBJ zips parse: one object per LoD1.2 solid, every face index in range", () => {
    let objects = 0
    for (const f of index.features) {
      const zip = join(root, f.properties.obj_url)
      const name = f.properties.tile_id.replaceAll("/", "-")
      const obj = execFileSync("unzip", ["-p", zip, `${name}-LoD12-3D.obj`]).toString()
      const v = obj.split("\n").filter((l) => l.startsWith("v ")).length
      for (const l of obj.split("\n").filter((x) => x.startsWith("f "))) {
        for (const i of l.slice(2).split(" ").map((t) => Number(t.split("/")[0]))) {
          expect(i >= 1 && i <= v).toBe(true)
        }
      }
      objects += obj.split("\n").filter((l) => l.startsWith("o ")).length
    }
    // every standard building of the sample: 1117 in Amsterdam and 160 in Delft
    expect(objects).toBe(1277)
  })

  it("verify passes, and names a released file whose bytes changed", () => {
    const env = { ASSETS_HOME: homes[1] }
    const ok = runCli(["verify", "--partition", "2024.02", "--json"], env)
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout).problems).toEqual([])
    const victim = join(homes[1], "releases", "2024.02", "metadata.json")
    writeFileSync(victim, readFileSync(victim, "utf8").replace("2024.02", "2024.03"))
    const bad = runCli(["verify", "--partition", "2024.02"], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain(`MISMATCH ${victim}: sha256`)
  })

  it("the lineage of a building names its source files with sha256, the epoch, and the runs", () => {
    const r = runCli(["lineage", "downloadable_tiles", "--partition", "2024.02", "--building",
      "NL.IMBAG.Pand.0503100000018603", "--json"], { ASSETS_HOME: homes[0] })
    expect(r.code).toBe(0)
    const l = JSON.parse(r.stdout)
    const geojson = join(sharedData, "ahn3-bgt-delft-3dfier", "bgt_pand.geojson")
    expect(l.footprint).toMatchObject({ source: "../shared/data/ahn3-bgt-delft-3dfier/bgt_pand.geojson",
      sha256: sha256Hex(readFileSync(geojson)) })
    expect(l.pointCloud.epoch).toBe("AHN3")
    expect(l.pointCloud.files.map((f: any) => f.sha256)).toEqual(["ahn3_cropped_1.laz", "ahn3_cropped_2.laz"]
      .map((n) => sha256Hex(readFileSync(join(sharedData, "ahn3-bgt-delft-3dfier", n)))))
    const names: string[] = []
    const visit = (n: any) => { names.push(`${n.asset} ${n.codeVersion} ${n.runId !== null}`); n.upstream.forEach(visit) }
    visit(l.lineage)
    const expected = assets.filter((a) => ["downloadable_tiles", "reconstructed_tiles", "bag_extract", "ahn_index",
      "tiling"].includes(a.key)).map((a) => `${a.key} ${a.codeVersion} true`)
    expect(expected).toHaveLength(5)
    expect(names).toEqual(expect.arrayContaining(expected))
  })

  it("the metadata records every source with its sha256 and every step with its code version", () => {
    const m = JSON.parse(readFileSync(join(homes[0], "releases", "2024.02", "metadata.json"), "utf8"))
    expect(m.citation).toMatchObject({ edition: "2024.02", identifier: "v202402", date: { date: "2024-02-15" } })
    // 2 BAG files, 14 AHN3 and 16 AHN2 files
    expect(m.lineage.sources).toHaveLength(32)
    for (const s of m.lineage.sources) expect(s.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(m.lineage.processSteps.map((p: any) => p.asset)).toEqual(["ahn_index", "bag_extract",
      "downloadable_tiles", "quality_report", "reconstructed_tiles", "release_quality_report", "tiling"])
  })
})

describe("published_release#quality gate", () => {
  it("refuses to publish a release whose point clouds give no solid to validate, naming why", async () => {
    // Delft footprints with Amsterdam's AHN3: every building is outside the point cloud
    const release = delftRelease(join(sharedData, "ahn3-bgt-delft-3dfier", "bgt_pand.geojson"),
      [join(sharedData, "ahn3-bag-amsterdam-bag3d", "ahn3", "unit_25gn1_2.laz")], { tiling: { maxPerTile: 200 } })
    const p = pipeline(releaseDir(release))
    const run = await p.materialize("downloadable_tiles", "2030.01")
    const failure = run.outcomes.find((o) => o.asset === "published_release")
    expect(failure?.outcome).toBe("failed")
    expect(failure?.error).toMatch(/^release 2030\.01 is not published: .*LoD1\.2/)
    expect(existsSync(join(p.home, "releases", "2030.01"))).toBe(false)
    const report = await p.latest("release_quality_report", "2030.01")
    expect(report.metadata.publishable).toBe(false)
    expect(report.metadata.validity.lod12.buildings).toBe(0)
  })
})
