import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import {
  acquisitionDate,
  decodePoints,
  LasReadError,
  readLasHeader
} from "../../resources/las-reader.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
const amsterdam = path.join(data, "ahn3-bag-amsterdam-bag3d")
const delft1 = path.join(data, "ahn3-bgt-delft-3dfier", "ahn3_cropped_1.laz")
const delft2 = path.join(data, "ahn3-bgt-delft-3dfier", "ahn3_cropped_2.laz")
const tiles50m = path.join(data, "ahn-50m-tiles-amsterdam-ai")
const tmp = mkdtempSync(path.join(os.tmpdir(), "las-reader-test-"))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** laz-perf's own handlers are `function(reason){throw reason}` and the like. */
function rethrowingHandlers(): number {
  return ["uncaughtException", "unhandledRejection"]
    .flatMap((e) => (process as NodeJS.EventEmitter).listeners(e))
    .filter((l) => /\{\s*throw\s+\w+\s*\}/.test(String(l))).length
}

/** Expects `run` to reject with a LasReadError for `file` whose reason starts with `reason`. */
async function expectLasReadError(run: Promise<unknown>, file: string, reason: string) {
  const error = await run.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(LasReadError)
  expect((error as LasReadError).path).toBe(file)
  expect((error as LasReadError).reason.startsWith(reason), (error as Error).message).toBe(true)
  return error as LasReadError
}

interface Pf6Point { X: number; Y: number; Z: number; cls: number; gps: number }

/** Five format-6 points (a full class byte, so classes above 31 are representable). */
const pf6Points: Pf6Point[] = [
  { X: 1234, Y: 5678, Z: 910, cls: 6, gps: 270_000_000.5 },
  { X: -500, Y: 0, Z: -61, cls: 2, gps: 270_000_100.25 },
  { X: 99_999, Y: 12_345, Z: 2633, cls: 6, gps: 269_999_999 },
  { X: 0, Y: -1, Z: 0, cls: 64, gps: 270_000_050 },
  { X: 42, Y: 42, Z: 42, cls: 26, gps: 270_000_010 }
]

/**
 * An uncompressed LAS 1.4 file, point format 6 (30-byte records), scale 0.01, offset
 * (85000, 447000, 0), adjusted standard GPS time, no VLRs. Legacy count 0, 64-bit count 5.
 */
function writeLas14(file: string, points: Pf6Point[]): void {
  const header = 375
  const bytes = new Uint8Array(header + 30 * points.length)
  const v = new DataView(bytes.buffer)
  bytes.set(new TextEncoder().encode("LASF"), 0)
  v.setUint16(6, 1, true)
  bytes[24] = 1
  bytes[25] = 4
  v.setUint16(90, 200, true)
  v.setUint16(92, 2023, true)
  v.setUint16(94, header, true)
  v.setUint32(96, header, true)
  bytes[104] = 6
  v.setUint16(105, 30, true)
  ;[0.01, 0.01, 0.01, 85000, 447000, 0].forEach((d, i) => v.setFloat64(131 + 8 * i, d, true))
  // max x, min x, max y, min y, max z, min z, in metres
  ;[85999.99, 84995, 447123.45, 446999.99, 26.33, -0.61]
    .forEach((d, i) => v.setFloat64(179 + 8 * i, d, true))
  v.setBigUint64(247, BigInt(points.length), true)
  points.forEach((p, i) => {
    const at = header + 30 * i
    v.setInt32(at, p.X, true)
    v.setInt32(at + 4, p.Y, true)
    v.setInt32(at + 8, p.Z, true)
    bytes[at + 14] = 0x11 // return 1 of 1
    bytes[at + 15] = 0x0f // all four classification flags set: they must not leak into the class
    bytes[at + 16] = p.cls
    v.setFloat64(at + 22, p.gps, true)
  })
  writeFileSync(file, bytes)
}

describe("decodePoints#real LAZ", () => {
  it("decodes Delft crop 1: 640,510 points, SOURCE.md class counts, header bounds", async () => {
    const r = await decodePoints(delft1)
    expect(r.points.length).toBe(640_510)
    expect(r.points.length).toBe(r.header.pointCount)
    expect(r.classCounts).toEqual({ 1: 196_137, 2: 195_988, 6: 246_753, 9: 267, 26: 1_365 })
    const { x, y, z } = r.points
    const range = (a: Float64Array) => a.reduce(
      ([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity])
    expect(range(x)[0]).toBeCloseTo(84808.3, 6)
    expect(range(x)[1]).toBeCloseTo(84999.999, 6)
    expect(range(y)[0]).toBeCloseTo(447412.8, 6)
    expect(range(y)[1]).toBeCloseTo(447641.299, 6)
    expect(range(z)[0]).toBeCloseTo(-0.57, 2)
    expect(range(z)[1]).toBeCloseTo(19.4, 2)
    expect(r.outsideHeaderBounds).toBe(0)
    expect(rethrowingHandlers()).toBe(0)
  })

  it("decodes Delft crop 2: 208,432 points with SOURCE.md class counts", async () => {
    const r = await decodePoints(delft2)
    expect(r.points.length).toBe(208_432)
    expect(r.classCounts).toEqual({ 1: 86_308, 2: 87_130, 6: 33_312, 9: 568, 26: 1_114 })
  })

  it("decodes the 12 Amsterdam AHN3 tiles to their header counts, 1,226,167 in all", async () => {
    const units = [2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16]
    let total = 0
    for (const unit of units) {
      const r = await decodePoints(path.join(amsterdam, "ahn3", `unit_25gn1_${unit}.laz`))
      expect(r.points.length, `tile ${unit}`).toBe(r.header.pointCount)
      expect(r.outsideHeaderBounds).toBe(0)
      if (unit === 2) {
        expect(r.points.length).toBe(98_293)
        expect([r.classCounts[1], r.classCounts[2], r.classCounts[6]])
          .toEqual([7_983, 25_416, 62_950])
      }
      if (unit === 16) expect(r.points.length).toBe(106_958)
      total += r.points.length
    }
    expect(total).toBe(1_226_167)
  })

  it("decodes the 16 AHN2 tiles (format 0, no GPS): 1,742,364 points, classes 1, 2", async () => {
    let total = 0
    for (let unit = 1; unit <= 16; unit++) {
      const r = await decodePoints(path.join(amsterdam, "ahn2", `unit_25gn1_${unit}.laz`))
      expect(r.points.length).toBe(r.header.pointCount)
      expect(Object.keys(r.classCounts).sort()).toEqual(["1", "2"])
      expect(r.gpsRange).toBeNull()
      total += r.points.length
    }
    expect(total).toBe(1_742_364)
  })

  it("decodes the 50 m UPCP tile ahn_2386_9702: 43,536 points, 6: 11,992", async () => {
    const r = await decodePoints(path.join(tiles50m, "upcp", "ahn_2386_9702.laz"))
    expect(r.classCounts).toEqual({ 1: 4_876, 2: 26_668, 6: 11_992 })
  })

  it("dates the AHN4 tile (format 3 + extra bytes) from adjusted GPS time", async () => {
    const r = await decodePoints(path.join(tiles50m, "tree-detection", "ahn_2496_9727.laz"))
    expect(r.points.length).toBe(156_478)
    expect(r.classCounts).toEqual({ 1: 29_360, 2: 69_241, 6: 57_877 })
    expect(r.gpsRange?.min).toBeCloseTo(270_109_196.105, 2)
    // 1e9 + 270,109,196 s = 14,700.34 days after 1980-01-06 (Unix day 3,657) = Unix day 18,357,
    // which is 2020-04-05 (Unix day 18,262 is 2020-01-01; +31 +29 +31 +4 = 95).
    expect(acquisitionDate(r.header, r.gpsRange)).toBe("2020-04-05")
  })

  it("dates AHN3 Amsterdam (GPS week time) from the header: 2014 day 33", async () => {
    const r = await decodePoints(path.join(amsterdam, "ahn3", "unit_25gn1_2.laz"))
    expect(r.header.gpsTimeType).toBe("gps-week-time")
    expect(acquisitionDate(r.header, r.gpsRange)).toBe("2014-02-02")
  })
})

describe("decodePoints#filters", () => {
  it("keeps exactly the class-6 points of Delft crop 1 inside a bbox, in file order", async () => {
    const bbox = [84850, 447450, 84900, 447500] as const
    const all = (await decodePoints(delft1)).points
    const expected: number[] = []
    for (let i = 0; i < all.length; i++) {
      const inside = all.x[i] >= bbox[0] && all.x[i] <= bbox[2] &&
        all.y[i] >= bbox[1] && all.y[i] <= bbox[3]
      if (inside && all.classification[i] === 6) expected.push(i)
    }
    const r = await decodePoints(delft1, { bbox, classes: [6] })
    expect(r.points.length).toBe(expected.length)
    expect(r.points.length).toBe(23_658)
    expect(Array.from(r.points.x)).toEqual(expected.map((i) => all.x[i]))
    expect(Array.from(r.points.z)).toEqual(expected.map((i) => all.z[i]))
    expect(r.points.classification.every((c) => c === 6)).toBe(true)
    // Counts and GPS range still cover every point of the file.
    expect(r.classCounts[6]).toBe(246_753)
  })

  it("keeps nothing for a bbox outside the tile", async () => {
    const r = await decodePoints(delft2, { bbox: [0, 0, 1, 1] })
    expect(r.points.length).toBe(0)
    expect(r.classCounts[2]).toBe(87_130)
  })
})

describe("decodePoints#LAS 1.4 format 6", () => {
  const file = path.join(tmp, "pf6.las")
  writeLas14(file, pf6Points)

  it("decodes the written points, full-byte classes and GPS range exactly", async () => {
    const r = await decodePoints(file)
    expect(r.header.version).toBe("1.4")
    expect(r.header.pointCount).toBe(5)
    expect(r.header.compressed).toBe(false)
    expect(Array.from(r.points.x)).toEqual(pf6Points.map((p) => p.X * 0.01 + 85000))
    expect(Array.from(r.points.y)).toEqual(pf6Points.map((p) => p.Y * 0.01 + 447000))
    expect(Array.from(r.points.z)).toEqual(pf6Points.map((p) => p.Z * 0.01))
    expect(r.points.x[0]).toBeCloseTo(85012.34, 9)
    expect(r.points.z[1]).toBeCloseTo(-0.61, 9)
    expect(Array.from(r.points.classification)).toEqual([6, 2, 6, 64, 26])
    expect(r.classCounts).toEqual({ 2: 1, 6: 2, 26: 1, 64: 1 })
    expect(r.gpsRange).toEqual({ min: 269_999_999, max: 270_000_100.25 })
    // 1e9 + 269,999,999 s after 1980-01-06 = 14,699.07 days -> Unix day 18,356 = 2020-04-04.
    expect(acquisitionDate(r.header, r.gpsRange)).toBe("2020-04-04")
  })

  it("filters the written points by class and bbox", async () => {
    const r = await decodePoints(file, { classes: [6, 64], bbox: [84999, 446999, 85100, 447100] })
    expect(Array.from(r.points.classification)).toEqual([6, 64])
    expect(r.points.y[1]).toBeCloseTo(446999.99, 9)
  })

  it("reports a cut LAS 1.4 file with how many records are whole", async () => {
    const cut = path.join(tmp, "pf6-cut.las")
    writeFileSync(cut, readFileSync(file).subarray(0, 375 + 30 * 3 + 7))
    await expectLasReadError(decodePoints(cut), cut,
      "truncated: header says 5 points, only 3 decodable")
    expect((await readLasHeader(cut)).pointCount).toBe(5)
  })
})

describe("decodePoints#broken files", () => {
  it("names a truncated copy of a real LAZ and says it is truncated", async () => {
    const cut = path.join(tmp, "ahn3_cropped_2-truncated.laz")
    const bytes = readFileSync(delft2)
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const e = await expectLasReadError(decodePoints(cut), cut,
      "truncated: header says 208432 points")
    expect(e.message).toContain(cut)
    expect(e.reason).toContain(`file has ${Math.floor(bytes.length / 2)} bytes`)
  })

  it("reports a LAZ whose chunk table is cut by one byte as corrupt", async () => {
    const cut = path.join(tmp, "ahn3_cropped_2-minus-1.laz")
    const bytes = readFileSync(delft2)
    writeFileSync(cut, bytes.subarray(0, bytes.length - 1))
    await expectLasReadError(decodePoints(cut), cut, "corrupt: laz-perf cannot open")
  })

  it("reports garbled LAZ bytes mid-file as a decoder abort, then decodes again", async () => {
    const garbled = path.join(tmp, "ahn3_cropped_2-garbled.laz")
    const bytes = Buffer.from(readFileSync(delft2))
    for (let i = 0; i < 2000; i++) bytes[500_000 + i] = (i * 7919) & 0xff
    writeFileSync(garbled, bytes)
    await expectLasReadError(decodePoints(garbled), garbled, "corrupt: LAZ decoder aborted")
    // The aborted laz-perf instance was dropped; a fresh one decodes the intact file.
    expect((await decodePoints(delft2)).points.length).toBe(208_432)
    expect(rethrowingHandlers()).toBe(0)
  })

  it("decodes a header-only LAZ (like the empty AHN3 tiles) to zero points", async () => {
    const empty = path.join(tmp, "header-only.laz")
    const bytes = Buffer.from(readFileSync(delft2).subarray(0, 329))
    bytes.writeUInt32LE(0, 107)
    writeFileSync(empty, bytes)
    const r = await decodePoints(empty)
    expect(r.points.length).toBe(0)
    expect(r.classCounts).toEqual({})
    expect(r.gpsRange).toBeNull()
  })

  it("rejects a compressed point format without a LASzip VLR", async () => {
    const file = path.join(tmp, "pf6-no-vlr.laz")
    const bytes = Buffer.from(readFileSync(path.join(tmp, "pf6.las")))
    bytes[104] = 6 | 0x80
    writeFileSync(file, bytes)
    await expectLasReadError(decodePoints(file), file,
      "corrupt: compressed point format but no LASzip VLR")
  })

  it("rejects random bytes as not LAS", async () => {
    const junk = path.join(tmp, "random.laz")
    let seed = 12345
    const bytes = Uint8Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return seed >>> 24
    })
    writeFileSync(junk, bytes)
    await expectLasReadError(decodePoints(junk), junk, "not a LAS file: missing LASF signature")
    await expectLasReadError(readLasHeader(junk), junk, "not a LAS file")
  })

  it("reports a missing file as not found", async () => {
    const missing = path.join(tmp, "no-such-tile.laz")
    await expectLasReadError(decodePoints(missing), missing, "file not found")
    await expectLasReadError(readLasHeader(missing), missing, "file not found")
  })
})

describe("readLasHeader", () => {
  it("reads the Delft crop 2 header without decoding", async () => {
    const h = await readLasHeader(delft2)
    expect(h.pointCount).toBe(208_432)
    const vlrBytes = h.vlrs.reduce((sum, v) => sum + 54 + v.payload.length, 0)
    // 227-byte header + one 54 + 46-byte LASzip VLR + the 2-byte 0xDDCC start signature of LAS 1.2.
    expect(h.offsetToPointData).toBe(h.headerSize + vlrBytes + 2)
    expect(h.offsetToPointData).toBe(329)
    expect(h.vlrs.map((v) => v.userId)).toEqual(["laszip encoded"])
  })
})
