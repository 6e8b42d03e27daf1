import path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { openSqlite } from "../../resources/footprints/gpkg.ts"
import {
  decodeGpkgGeometry,
  decodeWkb,
  encodeGpkgGeometry,
  encodeWkb,
  stripGpkgHeader
} from "../../kernels/wkb.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")

const square = new Float64Array([0, 0, 10, 0, 10, 10, 0, 10])
const hole = new Float64Array([2, 2, 2, 4, 4, 4, 4, 2])

/** Hand-built ISO WKB Polygon Z (type 1003), one closed ring, in the given byte order. */
const polygonZ = (little: boolean): Uint8Array => {
  const pts = [[1, 2, 5], [3, 2, 5], [3, 4, 5], [1, 2, 5]]
  const out = new Uint8Array(1 + 4 + 4 + 4 + pts.length * 24)
  const v = new DataView(out.buffer)
  v.setUint8(0, little ? 1 : 0)
  v.setUint32(1, 1003, little)
  v.setUint32(5, 1, little)
  v.setUint32(9, pts.length, little)
  pts.forEach((p, i) => p.forEach((c, k) => v.setFloat64(13 + i * 24 + k * 8, c, little)))
  return out
}

describe("wkb#decode", () => {
  it("reads ISO Polygon Z in both byte orders, drops z and the closing vertex", () => {
    for (const little of [true, false]) {
      const r = decodeWkb(polygonZ(little))
      expect(r.ok).toBe(true)
      if (!r.ok) return
      expect(r.geometry.length).toBe(1)
      expect(Array.from(r.geometry[0][0])).toEqual([1, 2, 3, 2, 3, 4])
      expect(r.notes).toEqual([])
    }
  })

  it("reads EWKB with the SRID flag (0x20000003) and srid 28992", () => {
    // Polygon body = encoded MultiPolygon minus its 9-byte header and the part's order + type.
    const body = encodeWkb([[square]]).subarray(9 + 5)
    const out = new Uint8Array(9 + body.length)
    const v = new DataView(out.buffer)
    v.setUint8(0, 1)
    v.setUint32(1, 0x20000003, true)
    v.setUint32(5, 28992, true)
    out.set(body, 9)
    const r = decodeWkb(out)
    expect(r.ok && Array.from(r.geometry[0][0])).toEqual(Array.from(square))
  })

  it("refuses other types and truncated input with a reason", () => {
    const point = new Uint8Array(21)
    new DataView(point.buffer).setUint8(0, 1)
    new DataView(point.buffer).setUint32(1, 1, true)
    const a = decodeWkb(point)
    expect(a.ok === false && a.reason).toMatch(/type 1 is not Polygon/)
    const b = decodeWkb(encodeWkb([[square]]).subarray(0, 30))
    expect(b.ok === false && b.reason).toMatch(/truncated/)
  })

  it("notes an unclosed ring and keeps all its vertices", () => {
    const open = polygonZ(true)
    new DataView(open.buffer).setFloat64(13 + 3 * 24, 9, true)
    const r = decodeWkb(open)
    expect(r.ok && r.geometry[0][0].length).toBe(8)
    expect(r.ok && r.notes).toEqual(["part 0 ring 0: not closed (accepted)"])
  })
})

describe("wkb#encode", () => {
  it("round-trips a MultiPolygon with a hole; size 9 + 9 + 2·4 + 10·16 bytes", () => {
    const bytes = encodeWkb([[square, hole]])
    expect(bytes.length).toBe(9 + 9 + 8 + 10 * 16)
    const r = decodeWkb(bytes)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(Array.from(r.geometry[0][0])).toEqual(Array.from(square))
    expect(Array.from(r.geometry[0][1])).toEqual(Array.from(hole))
  })

  it("writes a GeoPackage blob whose header strips back to srs 28992", () => {
    const blob = encodeGpkgGeometry([[square]], 28992)
    const h = stripGpkgHeader(blob)
    expect(h.ok && h.srsId).toBe(28992)
    expect(h.ok && h.wkb.length).toBe(blob.length - 40)
    const r = decodeGpkgGeometry(blob)
    expect(r.ok && Array.from(r.geometry[0][0])).toEqual(Array.from(square))
  })

  it("refuses a blob without the GP magic", () => {
    const h = stripGpkgHeader(encodeWkb([[square]]))
    expect(h.ok === false && h.reason).toMatch(/GP/)
  })
})

describe("wkb#gpkg real data", () => {
  it("decodes Amsterdam fid 1 (xyz envelope, Polygon Z) to the GeoJSON's first vertex", () => {
    const db = openSqlite(path.join(data, "ahn3-bag-amsterdam-bag3d/pandactueelbestaand.gpkg"), {
      readonly: true
    })
    const sql = "SELECT geom FROM pandactueelbestaand WHERE fid = 1"
    const row = db.prepare(sql).get() as { geom: Buffer }
    db.close()
    const h = stripGpkgHeader(row.geom)
    expect(h.ok && h.srsId).toBe(28992)
    expect(h.ok && row.geom.length - h.wkb.length).toBe(8 + 48)
    const r = decodeGpkgGeometry(row.geom)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    // pandactueelbestaand.geojson feature 0 starts at [120654.07, 485961.207, 0.0]
    expect(r.geometry[0][0][0]).toBeCloseTo(120654.07, 3)
    expect(r.geometry[0][0][1]).toBeCloseTo(485961.207, 3)
  })
})
