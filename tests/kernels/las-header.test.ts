import { openSync, readSync, closeSync, readdirSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import {
  acquisitionDate,
  classificationMask,
  classificationOffset,
  gpsTimeOffset,
  parseLasHeader,
  type LasHeader
} from "../../kernels/las-header.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
const amsterdam = path.join(data, "ahn3-bag-amsterdam-bag3d")
const delft = path.join(data, "ahn3-bgt-delft-3dfier")
const tiles50m = path.join(data, "ahn-50m-tiles-amsterdam-ai")

/** The first `n` bytes of a file (all of its header and VLRs for every file used here). */
function head(file: string, n = 4096): Uint8Array {
  const fd = openSync(file, "r")
  try {
    const bytes = new Uint8Array(n)
    return bytes.subarray(0, readSync(fd, bytes, 0, n, 0))
  } finally {
    closeSync(fd)
  }
}

function headerOf(file: string): LasHeader {
  const parsed = parseLasHeader(head(file))
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.header
}

interface SyntheticHeader {
  minor?: number
  headerSize?: number
  pointFormat?: number
  recordLength?: number
  legacyCount?: number
  count64?: bigint
  scale?: number
  globalEncoding?: number
  minX?: number
  vlrCount?: number
  offsetToPointData?: number
}

/** A header block written field by field after the LAS spec, with no VLRs unless asked. */
function synthetic(o: SyntheticHeader = {}): Uint8Array {
  const minor = o.minor ?? 2
  const size = o.headerSize ?? (minor >= 4 ? 375 : minor === 3 ? 235 : 227)
  const bytes = new Uint8Array(Math.max(size, o.offsetToPointData ?? size))
  const v = new DataView(bytes.buffer)
  bytes.set([0x4c, 0x41, 0x53, 0x46], 0)
  v.setUint16(6, o.globalEncoding ?? 0, true)
  bytes[24] = 1
  bytes[25] = minor
  bytes.set(new TextEncoder().encode("test system"), 26)
  v.setUint16(90, 100, true)
  v.setUint16(92, 2021, true)
  v.setUint16(94, size, true)
  v.setUint32(96, o.offsetToPointData ?? size, true)
  v.setUint32(100, o.vlrCount ?? 0, true)
  bytes[104] = o.pointFormat ?? 1
  v.setUint16(105, o.recordLength ?? 28, true)
  v.setUint32(107, o.legacyCount ?? 10, true)
  for (const at of [131, 139, 147]) v.setFloat64(at, o.scale ?? 0.01, true)
  // max x, min x, max y, min y, max z, min z
  const bounds = [10, o.minX ?? 0, 20, 5, 3, -1]
  bounds.forEach((b, i) => v.setFloat64(179 + 8 * i, b, true))
  if (minor >= 4 && size >= 375) v.setBigUint64(247, o.count64 ?? 10n, true)
  return bytes
}

describe("parseLasHeader#real AHN files", () => {
  it("reads the Delft AHN3 crop 1 header as SOURCE.md describes it", () => {
    const h = headerOf(path.join(delft, "ahn3_cropped_1.laz"))
    expect(h.version).toBe("1.2")
    expect(h.pointFormat).toBe(1)
    expect(h.pointRecordLength).toBe(28)
    expect(h.pointCount).toBe(640_510)
    expect(h.compressed).toBe(true)
    expect(h.laszip?.compressor).toBe(2)
    expect(h.laszip?.chunkSize).toBe(50_000)
    expect(h.scale).toEqual({ x: 0.001, y: 0.001, z: 0.001 })
    expect(h.min.x).toBeCloseTo(84808.3, 6)
    expect(h.max.x).toBeCloseTo(84999.999, 6)
    expect(h.min.y).toBeCloseTo(447412.8, 6)
    expect(h.max.y).toBeCloseTo(447641.299, 6)
    expect(h.min.z).toBeCloseTo(-0.57, 2)
    expect(h.max.z).toBeCloseTo(19.4, 2)
    expect(h.generatingSoftware).toBe("las2las (version 160730)")
    expect(h.gpsTimeType).toBe("gps-week-time")
  })

  it("reads the Delft AHN3 crop 2 bounds", () => {
    const h = headerOf(path.join(delft, "ahn3_cropped_2.laz"))
    expect(h.pointCount).toBe(208_432)
    expect(h.min.x).toBeCloseTo(85000.001, 6)
    expect(h.max.x).toBeCloseTo(85072.299, 6)
    expect(h.min.z).toBeCloseTo(-0.61, 2)
    expect(h.max.z).toBeCloseTo(26.33, 2)
  })

  it("gives each Amsterdam AHN3 tile its SOURCE.md count, 1,226,167 in all", () => {
    const expected: Record<number, number> = {
      2: 98_293, 3: 95_647, 4: 86_185, 6: 111_858, 7: 106_232, 8: 92_796,
      10: 116_720, 11: 98_852, 12: 97_450, 14: 100_338, 15: 114_838, 16: 106_958
    }
    let total = 0
    for (const [unit, count] of Object.entries(expected)) {
      const h = headerOf(path.join(amsterdam, "ahn3", `unit_25gn1_${unit}.laz`))
      expect(h.pointCount, `tile ${unit}`).toBe(count)
      expect(h.pointFormat).toBe(1)
      expect(h.scale).toEqual({ x: 0.001, y: 0.001, z: 0.001 })
      // Stored as -0.0 by las2las; adding 0 folds -0 into 0.
      expect([h.offset.x + 0, h.offset.y + 0, h.offset.z + 0]).toEqual([0, 0, 0])
      expect([h.creationYear, h.creationDay]).toEqual([2014, 33])
      total += h.pointCount
    }
    expect(total).toBe(1_226_167)
  })

  it("gives the 16 Amsterdam AHN2 tiles 1,742,364 points, format 0, scale 0.01", () => {
    const files = readdirSync(path.join(amsterdam, "ahn2")).filter((f) => f.endsWith(".laz"))
    expect(files).toHaveLength(16)
    let total = 0
    for (const f of files) {
      const h = headerOf(path.join(amsterdam, "ahn2", f))
      expect(h.pointFormat).toBe(0)
      expect(h.scale).toEqual({ x: 0.01, y: 0.01, z: 0.01 })
      expect(h.offset).toEqual({ x: 100000, y: 400000, z: 0 })
      expect([h.creationYear, h.creationDay]).toEqual([2010, 357])
      total += h.pointCount
    }
    expect(total).toBe(1_742_364)
  })

  it("reads the AHN4 tile: format 3, Riegl system id, TerraScan, one Extra Bytes VLR", () => {
    const h = headerOf(path.join(tiles50m, "tree-detection", "ahn_2496_9727.laz"))
    expect(h.pointFormat).toBe(3)
    expect(h.pointCount).toBe(156_478)
    expect(h.systemId).toBe("VQ1560II")
    expect(h.generatingSoftware).toBe("TerraScan 20.023")
    expect(h.gpsTimeType).toBe("adjusted-standard-gps-time")
    expect(h.vlrs.filter((v) => v.userId === "LASF_Spec" && v.recordId === 4)).toHaveLength(1)
  })
})

describe("parseLasHeader#bad bytes", () => {
  it("rejects bytes without the LASF signature", () => {
    const r = parseLasHeader(new TextEncoder().encode("PK\u0003\u0004 not a las file at all"))
    expect(r).toEqual({ ok: false, reason: "not a LAS file: missing LASF signature" })
  })

  it("asks for the point data offset when handed only the fixed header", () => {
    const full = synthetic({ offsetToPointData: 400 })
    const r = parseLasHeader(full.subarray(0, 300))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.needBytes).toBe(400)
  })

  it.each([
    [{ minor: 7 }, "unsupported LAS version 1.7"],
    [{ pointFormat: 11 }, "unsupported point data record format 11"],
    [{ pointFormat: 3, recordLength: 28 }, "point record length 28 < 34"],
    [{ scale: 0 }, "scale 0 is not a positive finite number"],
    [{ minX: 50 }, "min > max"],
    [{ offsetToPointData: 100 }, "offset to point data 100 < header size 227"],
    [{ vlrCount: 1, offsetToPointData: 240 }, "VLR 0 of 1 runs past the point data offset"],
    [{ minor: 4, headerSize: 235 }, "header size 235 < 375 required by LAS 1.4"]
  ] as const)("rejects %j as impossible", (fields, reason) => {
    const r = parseLasHeader(synthetic(fields))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toContain(reason)
  })
})

describe("parseLasHeader#LAS 1.4", () => {
  it("takes the 64-bit count, not the legacy one, and strips the compression bits", () => {
    const bytes = synthetic({ minor: 4, pointFormat: 6 | 0x80, recordLength: 30, legacyCount: 0 })
    new DataView(bytes.buffer).setBigUint64(247, 5_000_000_000n, true)
    const r = parseLasHeader(bytes)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.header.pointCount).toBe(5_000_000_000)
    expect(r.header.pointFormat).toBe(6)
    expect(r.header.compressed).toBe(true)
    expect(r.header.laszip).toBeNull()
  })

  it("reads the GPS time type and WKT bit of the global encoding", () => {
    const r = parseLasHeader(synthetic({ minor: 4, pointFormat: 6, recordLength: 30,
      globalEncoding: 0x11 }))
    expect(r.ok && r.header.gpsTimeType).toBe("adjusted-standard-gps-time")
    expect(r.ok && r.header.crsIsWkt).toBe(true)
  })
})

describe("point record layout", () => {
  it("places GPS time and class per format", () => {
    expect([0, 1, 2, 3, 6, 10].map(gpsTimeOffset)).toEqual([-1, 20, -1, 20, 22, 22])
    expect([0, 5, 6, 10].map(classificationOffset)).toEqual([15, 15, 16, 16])
    expect([1, 6].map(classificationMask)).toEqual([0x1f, 0xff])
  })
})

describe("acquisitionDate", () => {
  const base = headerOf(path.join(amsterdam, "ahn3", "unit_25gn1_2.laz"))

  it("dates AHN3 Amsterdam from its header: 2014 day 33 = 2014-02-02 (ahn_index file_date)", () => {
    expect(acquisitionDate(base, { min: 2232.02, max: 531601.6 })).toBe("2014-02-02")
  })

  it("dates AHN2 from its header: 2010 day 357 = 2010-12-23 (334 days to 30 Nov + 23)", () => {
    const ahn2 = headerOf(path.join(amsterdam, "ahn2", "unit_25gn1_1.laz"))
    expect(acquisitionDate(ahn2, null)).toBe("2010-12-23")
  })

  it("dates adjusted GPS time 0 to 1e9 s after 1980-01-06, i.e. 2011-09-14", () => {
    const adjusted: LasHeader = { ...base, gpsTimeType: "adjusted-standard-gps-time" }
    expect(acquisitionDate(adjusted, { min: 0, max: 10 })).toBe("2011-09-14")
    // 1980-01-06 is Unix day 3657; +1e9 s + 86,400 s lands one day later.
    expect(acquisitionDate(adjusted, { min: 86_400, max: 86_401 })).toBe("2011-09-15")
  })

  it("is null with no GPS time and an empty header date", () => {
    expect(acquisitionDate({ ...base, creationYear: 0, creationDay: 0 }, null)).toBeNull()
    expect(acquisitionDate({ ...base, creationYear: 2014, creationDay: 366 }, null)).toBeNull()
  })
})
