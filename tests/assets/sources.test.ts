import { copyFileSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { describeCause } from "../../engine/index.ts"
import { parseTileId, tileBounds } from "../../kernels/quadtree.ts"
import { tempDir } from "../engine/support.ts"
import { delftRelease, pipeline, releaseDir, sampleReleases, sharedData, type Pipeline } from "./support.ts"

const delftDir = join(sharedData, "ahn3-bgt-delft-3dfier")

describe("sources on the sample release 2024.02", () => {
  let p: Pipeline
  let first: Awaited<ReturnType<Pipeline["materialize"]>>
  beforeAll(async () => {
    p = pipeline(sampleReleases)
    first = await p.materialize("bag_extract,ahn_index", "2024.02")
  })

  it("materializes every tile and nothing on a second run", async () => {
    expect(first.failed).toBe(0)
    const tiles = (await p.statuses(["bag_extract"])).length
    expect(tiles).toBeGreaterThan(4)
    expect(first.materialized).toBe(1 + 2 * tiles)
    const again = await p.materialize("bag_extract,ahn_index", "2024.02")
    expect(again.materialized).toBe(0)
    const sources = await p.statuses(["tiling", "bag_extract", "ahn_index"])
    expect(sources.filter((s) => s.status !== "FRESH")).toEqual([])
  })

  it("reads every footprint of both sources and places all of them in tiles", async () => {
    const t = await p.latest("tiling", "2024.02")
    const src = t.metadata.sources
    const ams = src["BAG panden Amsterdam 25GN1 (3D BAG v1 example)"]
    const delft = src["BGT panden with BAG ids, Delft centre (3dfier example)"]
    // SOURCE.md: 1484 panden in the gpkg, 160 BGT polygons in Delft
    expect([ams.read, ams.current, delft.read, delft.current]).toEqual([1484, 1484, 160, 160])
    expect(ams.repaired + ams.valid).toBe(1484)
    expect(t.metadata.unplaced).toEqual([])
    const tiles: Array<{ id: string; buildings: number }> = t.metadata.tiles
    expect(tiles.reduce((n, x) => n + x.buildings, 0)).toBe(1644)
    expect(Math.max(...tiles.map((x) => x.buildings))).toBeLessThanOrEqual(120)
    // several tiles per area: tiles west of x = 100 km are Delft's
    const delftTiles = tiles.filter((x) => tileBounds(parseTileId(x.id)!)[0] < 100_000)
    expect(delftTiles.length).toBeGreaterThanOrEqual(2)
    expect(tiles.length - delftTiles.length).toBeGreaterThanOrEqual(2)
  })

  it("indexes every AHN file with the point counts and classes of SOURCE.md", async () => {
    const files = new Map<string, any>()
    for (const st of await p.statuses(["ahn_index"])) {
      const rec = await p.latest("ahn_index", st.label)
      const index = JSON.parse(readFileSync(join(p.home, "store", rec.files[0].path), "utf8"))
      for (const f of index.files) files.set(f.sha256, f)
    }
    const sum = (epoch: string) => [...files.values()].filter((f) => f.epoch === epoch)
      .reduce((n, f) => n + f.pointCount, 0)
    // Amsterdam AHN3 1,226,167 + Delft 848,942; Amsterdam AHN2 1,742,364 (all 16 tiles are mapped)
    expect(sum("AHN3")).toBe(1_226_167 + 848_942)
    expect(sum("AHN2")).toBe(1_742_364)
    const delft1 = [...files.values()].find((f) => f.path.endsWith("ahn3_cropped_1.laz"))
    expect(delft1.classCounts).toEqual({ 1: 196_137, 2: 195_988, 6: 246_753, 9: 267, 26: 1_365 })
    expect(delft1.path).toBe("../shared/data/ahn3-bgt-delft-3dfier/ahn3_cropped_1.laz")
    expect(delft1.acquisitionDate).toBe("2014-03-04")
    const ahn2 = [...files.values()].find((f) => f.epoch === "AHN2")
    expect(Object.keys(ahn2.classCounts).sort()).toEqual(["1", "2"])
  })
})

describe("sources#staleness on a copy of a source", () => {
  it("changing one footprint makes exactly that footprint's tile stale", async () => {
    const copy = join(tempDir("bag-copy"), "bgt_pand.geojson")
    copyFileSync(join(delftDir, "bgt_pand.geojson"), copy)
    const laz = join(delftDir, "ahn3_cropped_1.laz")
    const p = pipeline(releaseDir(delftRelease(copy, [laz])))
    const first = await p.materialize("bag_extract", "2030.01")
    expect(first.failed).toBe(0)
    const tiles = await p.statuses(["bag_extract"])
    expect(tiles.length).toBeGreaterThanOrEqual(3)

    // move one vertex of one footprint by 0.2 m; it stays in its tile
    const doc = JSON.parse(readFileSync(copy, "utf8"))
    const target = doc.features[17]
    const ring = target.geometry.type === "MultiPolygon" ? target.geometry.coordinates[0][0] : target.geometry.coordinates[0]
    ring[1][0] += 0.2
    writeFileSync(copy, JSON.stringify(doc))
    const before = await p.statuses(["tiling"])
    expect(before[0].causes.map(describeCause)).toEqual([
      expect.stringMatching(/^source file changed: .*bgt_pand\.geojson \(sha256 /)
    ])

    const run = await p.materialize("bag_extract", "2030.01")
    expect(run.failed).toBe(0)
    const redone = run.outcomes.filter((o) => o.asset === "bag_extract")
    expect(redone).toHaveLength(1)
    const rows = JSON.stringify((await p.latest("bag_extract", redone[0].partition)).metadata)
    expect(rows).toContain("footprints")
    expect((await p.statuses(["tiling", "bag_extract"])).every((s) => s.status === "FRESH")).toBe(true)
  })
})

describe("sources#BAG 2.0 XML extract (Doesburg)", () => {
  it("tiles every current pand of the zip and counts the dropped statuses per tile", async () => {
    const zip = join(sharedData, "bag-extract-xml-doesburg", "0221PND15092020.zip")
    const release = delftRelease(zip, [join(delftDir, "ahn3_cropped_1.laz")], { tiling: { maxPerTile: 2000 } })
    const p = pipeline(releaseDir(release))
    const run = await p.materialize("bag_extract", "2030.01")
    expect(run.failed).toBe(0)
    const t = await p.latest("tiling", "2030.01")
    // SOURCE.md: 13,098 records of 7,797 panden; the current voorkomen of each is kept
    expect(t.metadata.sources.delft.read).toBe(13_098)
    expect(t.metadata.sources.delft.current).toBe(7_797)
    expect(t.metadata.tiles.reduce((n: number, x: { buildings: number }) => n + x.buildings, 0)).toBe(7_797)
    expect(t.metadata.tiles.length).toBeGreaterThanOrEqual(4)
    const dropped: Record<string, number> = {}
    for (const st of await p.statuses(["bag_extract"])) {
      for (const [k, v] of Object.entries((await p.latest("bag_extract", st.label)).metadata.dropped as Record<string, number>)) {
        dropped[k] = (dropped[k] ?? 0) + v
      }
    }
    expect(dropped).toEqual({
      "status 'Pand gesloopt' is not modelled": 389,
      "status 'Bouwvergunning verleend' is not modelled": 168,
      "status 'Niet gerealiseerd pand' is not modelled": 12
    })
  })
})
