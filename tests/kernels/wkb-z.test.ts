import { describe, expect, it } from "vitest"
import { stripGpkgHeader } from "../../kernels/wkb.ts"
import { encodeGpkgGeometryZ, encodeWkbMultiPolygonZ, envelopeZ } from "../../kernels/wkb-z.ts"

const tri = new Float64Array([0, 0, 1, 4, 0, 2, 0, 3, 5])

describe("encodeWkbMultiPolygonZ", () => {
  it("writes ISO type 1006/1003 with closed xyz rings", () => {
    const wkb = encodeWkbMultiPolygonZ([[tri]])
    // 9 (multi header) + 9 (polygon header) + 4 (point count) + 4 points × 24
    expect(wkb.length).toBe(9 + 9 + 4 + 4 * 24)
    const v = new DataView(wkb.buffer)
    expect([wkb[0], v.getUint32(1, true), v.getUint32(5, true)]).toEqual([1, 1006, 1])
    const u32 = (at: number): number => v.getUint32(at, true)
    expect([u32(10), u32(14), u32(18)]).toEqual([1003, 1, 4])
    const pts = Array.from({ length: 12 }, (_, i) => v.getFloat64(22 + 8 * i, true))
    expect(pts).toEqual([0, 0, 1, 4, 0, 2, 0, 3, 5, 0, 0, 1])
  })
})

describe("encodeGpkgGeometryZ", () => {
  it("writes the GP header with an xyz envelope (indicator 2) and the srs id", () => {
    const blob = encodeGpkgGeometryZ([[tri]], 7415)
    expect(Array.from(blob.subarray(0, 4))).toEqual([0x47, 0x50, 0, 0x05])
    const head = stripGpkgHeader(blob)
    expect(head.ok && head.srsId === 7415 && !head.empty).toBe(true)
    if (head.ok) expect(head.wkb.length).toBe(9 + 9 + 4 + 4 * 24)
    const v = new DataView(blob.buffer)
    const envelope = Array.from({ length: 6 }, (_, i) => v.getFloat64(8 + 8 * i, true))
    expect(envelope).toEqual([0, 4, 0, 3, 1, 5])
  })

  it("marks an empty geometry and gives a NaN envelope", () => {
    const blob = encodeGpkgGeometryZ([], 7415)
    expect(blob[3]).toBe(0x15)
    expect(envelopeZ([]).every(Number.isNaN)).toBe(true)
  })
})
