import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { GPKG_LAYER_NAMES } from "../../kernels/gpkg-layers.ts"
import { gzipDeterministic } from "../../resources/compress.ts"
import { GpkgWriteError, writeGpkg, writeTileGpkg } from "../../resources/gpkg-writer.ts"
import { loadDelft, skippedFeature } from "../support/release-fixtures.ts"

const OGRINFO = "/usr/bin/ogrinfo"
const hasOgr = existsSync(OGRINFO)
const { header, features } = loadDelft()
const input = [...features, skippedFeature(header)]
const dir = mkdtempSync(path.join(tmpdir(), "gpkg-"))
const fileA = path.join(dir, "a.gpkg")
const fileB = path.join(dir, "b.gpkg")
const options = { lastChange: "2024-12-16T00:00:00.000Z" }
const summary = writeTileGpkg(fileA, header.transform, input, options)
writeTileGpkg(fileB, header.transform, [...input].reverse(), options)

/** Feature count per layer, as ogrinfo -al -so reports it. */
const ogrCounts = (file: string): Record<string, number> => {
  const out = execFileSync(OGRINFO, ["-ro", "-al", "-so", file], { encoding: "utf8" })
  const counts: Record<string, number> = {}
  const re = /Layer name: (\S+)[\s\S]*?Feature Count: (\d+)/g
  for (const m of out.matchAll(re)) counts[m[1]] = Number(m[2])
  return counts
}

describe("writeTileGpkg", () => {
  it("reports seven layers with 11 buildings, 10 parts per LoD and 10/13/26 roof parts", () => {
    expect(summary.layers).toEqual([
      { name: "pand", features: 11 }, { name: "lod12_2d", features: 10 },
      { name: "lod12_3d", features: 10 }, { name: "lod13_2d", features: 13 },
      { name: "lod13_3d", features: 10 }, { name: "lod22_2d", features: 26 },
      { name: "lod22_3d", features: 10 }
    ])
  })

  it("writes the GeoPackage header: application_id 'GPKG', user_version 10300", () => {
    const bytes = readFileSync(fileA)
    expect(bytes.subarray(0, 16).toString("latin1")).toBe("SQLite format 3\0")
    expect(bytes.subarray(68, 72).toString("latin1")).toBe("GPKG")
    expect(bytes.readUInt32BE(60)).toBe(10300)
    const db = new Database(fileA, { readonly: true })
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("delete")
      const srs = db.prepare("SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        .pluck().all()
      expect(srs).toEqual([-1, 0, 4326, 7415, 28992])
      const change = db.prepare("SELECT DISTINCT last_change FROM gpkg_contents").pluck().all()
      expect(change).toEqual(["2024-12-16T00:00:00.000Z"])
      const z = db.prepare("SELECT table_name, z FROM gpkg_geometry_columns ORDER BY table_name")
        .raw().all()
      expect(z).toEqual(GPKG_LAYER_NAMES.slice().sort().map((n) => [n, n.endsWith("_3d") ? 1 : 0]))
    } finally {
      db.close()
    }
  })

  it("gives byte-identical files (and .gz) for the same input in any order", () => {
    const a = readFileSync(fileA)
    const b = readFileSync(fileB)
    expect(a.length).toBe(summary.bytes)
    expect(a.equals(b)).toBe(true)
    expect(Buffer.from(gzipDeterministic(a)).equals(Buffer.from(gzipDeterministic(b)))).toBe(true)
    expect(existsSync(`${fileA}-journal`) || existsSync(`${fileA}-wal`)).toBe(false)
  })

  it.skipIf(!hasOgr)("opens in ogrinfo with the seven layers and their feature counts", () => {
    const list = execFileSync(OGRINFO, ["-ro", "-so", fileA], { encoding: "utf8" })
    expect(list).toContain("using driver `GPKG' successful")
    const names = [...list.matchAll(/^\d+: (\S+) \(/gm)].map((m) => m[1])
    expect(names).toEqual([...GPKG_LAYER_NAMES])
    expect(list).toContain("lod22_3d (3D Multi Polygon)")
    expect(ogrCounts(fileA)).toEqual({
      pand: 11, lod12_2d: 10, lod12_3d: 10, lod13_2d: 13, lod13_3d: 10, lod22_2d: 26, lod22_3d: 10
    })
  })

  it.skipIf(!hasOgr)("reads every feature without a GDAL warning and types dates", () => {
    const out = execFileSync(OGRINFO, ["-ro", "-al", "-q", fileA], {
      encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20
    })
    expect(out).toContain("tijdstipregistratie (DateTime) = 2010/10/13 12:43:04+00")
    expect(out).toContain("begingeldigheid (Date) = 1994/04/17")
    // 012869's floor: vertex [-495141, 67105, -45173] with the header's transform
    expect(out).toMatch(/MULTIPOLYGON Z \(\(\(84593\.984625 446459\.603 0\.4750026/)
    expect(out).toContain(",84593.249625 446461.355 0.475002624511717,")
    const err = execFileSync("sh", ["-c", `${OGRINFO} -ro -al -q '${fileA}' 2>&1 >/dev/null`], {
      encoding: "utf8"
    })
    expect(err).toBe("")
  })

  it("refuses layers whose rows do not match their columns", () => {
    const bad = [{ name: "x", srsId: 28992 as const, z: false, columns: [], extent: null,
      rows: [{ geometry: null, values: [1] }] }]
    expect(() => writeGpkg(path.join(dir, "bad.gpkg"), bad)).toThrow(GpkgWriteError)
  })
})

if (!hasOgr) console.warn(`${OGRINFO} is absent: the GDAL checks of gpkg-writer are skipped`)
