import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { deserialize } from "flatgeobuf/lib/mjs/geojson.js"
import { describe, expect, it } from "vitest"
import {
  compareTileIds, tileIndexFgb, tileIndexJsonText, tileIndexProblem, writeTileIndex,
  type TileIndexEntry
} from "../../resources/tile-index-writer.ts"
import { delftPath } from "../support/release-fixtures.ts"

const OGRINFO = "/usr/bin/ogrinfo"
const sha = createHash("sha256").update(readFileSync(delftPath)).digest("hex")
const square = (x: number, y: number, d: number) =>
  [new Float64Array([x, y, x + d, y, x + d, y + d, x, y + d])]
const files = (id: string) => ["gpkg", "cj", "obj"].map((format) => ({
  format, url: `tiles/${id}/${id.replaceAll("/", "-")}.${format}`, sha256: sha
}))
// tile extent of delft_subset (SOURCE.md): [84501.55, 445805.03, 85675.23, 446983.47]
const tiles: TileIndexEntry[] = [
  { tileId: "10/1121/1249", polygon: square(85000, 446000, 500), buildingCount: 3,
    files: files("10/1121/1249") },
  { tileId: "9/560/624", polygon: square(84501.55, 445805.03, 1173.68), buildingCount: 10,
    files: files("9/560/624") }
]

describe("tile index", () => {
  it("sorts ids numerically per component", () => {
    expect(["10/2/3", "9/560/624", "9/56/700"].sort(compareTileIds))
      .toEqual(["9/56/700", "9/560/624", "10/2/3"])
  })

  it("writes tile_index.json sorted, with closed rings and fixed property order", () => {
    const doc = JSON.parse(tileIndexJsonText([...tiles].reverse()))
    expect(doc.crs.properties.name).toBe("urn:ogc:def:crs:EPSG::28992")
    expect(doc.features.map((f: { properties: { tile_id: string } }) => f.properties.tile_id))
      .toEqual(["9/560/624", "10/1121/1249"])
    const p = doc.features[0].properties
    expect(Object.keys(p)).toEqual([
      "tile_id", "building_count", "cj_sha256", "cj_url", "gpkg_sha256", "gpkg_url", "obj_sha256",
      "obj_url"
    ])
    expect(p.building_count).toBe(10)
    const ring = doc.features[0].geometry.coordinates[0]
    expect(ring.length).toBe(5)
    expect(ring[4]).toEqual(ring[0])
    expect(tileIndexJsonText(tiles)).toBe(tileIndexJsonText([...tiles].reverse()))
  })

  it("writes a FlatGeobuf that reads back with the same features, byte-stable", async () => {
    const fgb = tileIndexFgb(tiles)
    expect(Array.from(fgb.subarray(0, 3))).toEqual([0x66, 0x67, 0x62])
    expect(Buffer.from(tileIndexFgb([...tiles].reverse())).equals(Buffer.from(fgb))).toBe(true)
    const back: Array<{ properties: Record<string, unknown> }> = []
    for await (const f of deserialize(fgb)) back.push(f as never)
    expect(back.map((f) => f.properties["tile_id"])).toEqual(["9/560/624", "10/1121/1249"])
    expect(back[1].properties["gpkg_sha256"]).toBe(sha)
    expect(back[1].properties["building_count"]).toBe(3)
  })

  it.skipIf(!existsSync(OGRINFO))("opens both files in ogrinfo, EPSG:28992, 2 features", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tidx-"))
    const paths = writeTileIndex(dir, tiles)
    for (const file of [paths.fgb, paths.json]) {
      const out = execFileSync(OGRINFO, ["-ro", "-al", "-so", file], { encoding: "utf8" })
      expect(out).toContain("Feature Count: 2")
      expect(out).toContain('ID["EPSG",28992]')
      expect(out).toMatch(/tile_id: String/)
    }
  })

  it("names what is wrong with a bad index", () => {
    expect(tileIndexProblem([])).toMatch(/no tiles/)
    expect(tileIndexProblem([tiles[0], tiles[0]])).toBe("tile 10/1121/1249 repeats")
    const fewer = { ...tiles[1], files: tiles[1].files.slice(1) }
    expect(tileIndexProblem([tiles[0], fewer]))
      .toMatch(/has formats \[cj,obj\], not \[cj,gpkg,obj\]/)
    const badSha = { ...tiles[1], files: [{ format: "cj", url: "x", sha256: "abc" }] }
    expect(tileIndexProblem([badSha])).toMatch(/bad format 'cj' or sha256/)
    expect(() => tileIndexFgb([])).toThrow(/no tiles/)
  })
})
