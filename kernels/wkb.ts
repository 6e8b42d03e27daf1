/**
 * WKB (ISO and EWKB flavours) for Polygon and MultiPolygon, and the GeoPackage binary header.
 * Decoding accepts either byte order and 2D/Z/M/ZM, dropping everything but x and y; encoding
 * writes little-endian 2D MultiPolygons. Pure over Uint8Array; never throws.
 */
import type { MultiPolygon, Polygon, Ring } from "./geometry-types.ts"

const WKB_POLYGON = 3
const WKB_MULTIPOLYGON = 6
const EWKB_Z = 0x80000000
const EWKB_M = 0x40000000
const EWKB_SRID = 0x20000000
/** GeoPackage envelope sizes in bytes, by the 3-bit envelope indicator of the flags byte. */
const GPKG_ENVELOPE_BYTES = [0, 32, 48, 48, 64]
const GPKG_HEADER_BYTES = 8

export type WkbDecodeResult =
  | { readonly ok: true; readonly geometry: MultiPolygon; readonly notes: string[] }
  | { readonly ok: false; readonly reason: string }

export type GpkgHeaderResult =
  | { readonly ok: true; readonly srsId: number; readonly empty: boolean; readonly wkb: Uint8Array }
  | { readonly ok: false; readonly reason: string }

class WkbFault {
  constructor(readonly reason: string) {}
}

/** Sequential reader; `little` follows the byte-order byte of the current geometry. */
interface Cursor {
  readonly view: DataView
  pos: number
  little: boolean
}

const need = (c: Cursor, bytes: number): void => {
  if (c.pos + bytes > c.view.byteLength) {
    const size = c.view.byteLength
    throw new WkbFault(`truncated WKB: need ${bytes} bytes at offset ${c.pos} of ${size}`)
  }
}

const readUint32 = (c: Cursor): number => {
  need(c, 4)
  const v = c.view.getUint32(c.pos, c.little)
  c.pos += 4
  return v
}

interface GeometryHeader {
  readonly type: number
  readonly dims: number
}

/** Reads byte order and type code; resolves ISO (1000s) and EWKB (high bits) dimension flags. */
const readHeader = (c: Cursor): GeometryHeader => {
  need(c, 5)
  const order = c.view.getUint8(c.pos)
  if (order > 1) throw new WkbFault(`bad WKB byte order ${order} at offset ${c.pos}`)
  c.little = order === 1
  c.pos += 1
  const code = readUint32(c)
  const base = code & 0x0fffffff
  let hasZ = (code & EWKB_Z) !== 0
  let hasM = (code & EWKB_M) !== 0
  const iso = Math.floor(base / 1000)
  if (iso === 1 || iso === 3) hasZ = true
  if (iso === 2 || iso === 3) hasM = true
  if ((code & EWKB_SRID) !== 0) readUint32(c)
  return { type: base % 1000, dims: 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0) }
}

/** One ring; the closing vertex is stripped when it equals the first one exactly. */
const readRing = (c: Cursor, dims: number, where: string, notes: string[]): Ring => {
  const n = readUint32(c)
  need(c, n * dims * 8)
  const last = c.pos + (n - 1) * dims * 8
  const closed =
    n > 1 &&
    c.view.getFloat64(c.pos, c.little) === c.view.getFloat64(last, c.little) &&
    c.view.getFloat64(c.pos + 8, c.little) === c.view.getFloat64(last + 8, c.little)
  const keep = closed ? n - 1 : n
  if (!closed && n > 0) notes.push(`${where}: not closed (accepted)`)
  const ring = new Float64Array(keep * 2)
  for (let i = 0; i < keep; i++) {
    ring[2 * i] = c.view.getFloat64(c.pos + i * dims * 8, c.little)
    ring[2 * i + 1] = c.view.getFloat64(c.pos + i * dims * 8 + 8, c.little)
  }
  c.pos += n * dims * 8
  return ring
}

const readPolygonBody = (c: Cursor, dims: number, part: number, notes: string[]): Polygon => {
  const rings = readUint32(c)
  const out: Ring[] = []
  for (let r = 0; r < rings; r++) out.push(readRing(c, dims, `part ${part} ring ${r}`, notes))
  return out
}

const readGeometry = (c: Cursor, notes: string[]): Polygon[] => {
  const head = readHeader(c)
  if (head.type === WKB_POLYGON) return [readPolygonBody(c, head.dims, 0, notes)]
  if (head.type !== WKB_MULTIPOLYGON) {
    throw new WkbFault(`WKB geometry type ${head.type} is not Polygon (3) or MultiPolygon (6)`)
  }
  const parts = readUint32(c)
  const out: Polygon[] = []
  for (let p = 0; p < parts; p++) {
    const inner = readHeader(c)
    if (inner.type !== WKB_POLYGON) {
      throw new WkbFault(`MultiPolygon part ${p} has WKB type ${inner.type}, expected Polygon (3)`)
    }
    out.push(readPolygonBody(c, inner.dims, p, notes))
  }
  return out
}

/** Decodes a Polygon or MultiPolygon into a MultiPolygon; empty polygons are left out, noted. */
export const decodeWkb = (bytes: Uint8Array): WkbDecodeResult => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const c: Cursor = { view, pos: 0, little: true }
  const notes: string[] = []
  try {
    const parts = readGeometry(c, notes)
    const kept = parts.filter((p) => p.length > 0)
    const empty = parts.length - kept.length
    if (empty > 0) notes.push(`${empty} empty polygon(s) left out`)
    return { ok: true, geometry: kept, notes }
  } catch (e) {
    if (e instanceof WkbFault) return { ok: false, reason: e.reason }
    return { ok: false, reason: `WKB decoding failed: ${String(e)}` }
  }
}

/**
 * Strips the GeoPackage header: magic "GP", version, flags (bit 0 byte order, bits 1–3
 * envelope kind, bit 4 empty), srs_id, envelope. Returns the WKB that follows, as a view.
 */
export const stripGpkgHeader = (blob: Uint8Array): GpkgHeaderResult => {
  if (blob.length < GPKG_HEADER_BYTES || blob[0] !== 0x47 || blob[1] !== 0x50) {
    return { ok: false, reason: "not a GeoPackage geometry blob (no 'GP' magic)" }
  }
  const flags = blob[3]
  if ((flags & 0x20) !== 0) {
    return { ok: false, reason: "GeoPackage extended geometry is not supported" }
  }
  const envelope = (flags >> 1) & 0x07
  if (envelope >= GPKG_ENVELOPE_BYTES.length) {
    return { ok: false, reason: `bad GeoPackage envelope indicator ${envelope}` }
  }
  const start = GPKG_HEADER_BYTES + GPKG_ENVELOPE_BYTES[envelope]
  if (blob.length < start) return { ok: false, reason: "GeoPackage geometry blob is truncated" }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  const srsId = view.getInt32(4, (flags & 0x01) === 1)
  return { ok: true, srsId, empty: (flags & 0x10) !== 0, wkb: blob.subarray(start) }
}

/** Header strip + WKB decode; an empty GeoPackage geometry decodes to an empty MultiPolygon. */
export const decodeGpkgGeometry = (blob: Uint8Array): WkbDecodeResult => {
  const head = stripGpkgHeader(blob)
  if (!head.ok) return head
  if (head.empty) return { ok: true, geometry: [], notes: ["empty geometry"] }
  return decodeWkb(head.wkb)
}

/**
 * Little-endian ISO WKB MultiPolygon of flat rings with `dims` coordinates per vertex (2: types
 * 6/3; 3: MultiPolygon Z 1006 / Polygon Z 1003); every ring is written with its closing vertex.
 */
export const encodeMultiPolygonWkb = (
  mp: ReadonlyArray<ReadonlyArray<Float64Array>>, dims: 2 | 3
): Uint8Array => {
  let bytes = 9
  for (const poly of mp) {
    bytes += 9
    for (const ring of poly) bytes += 4 + (ring.length / dims + 1) * 8 * dims
  }
  const out = new Uint8Array(bytes)
  const view = new DataView(out.buffer)
  let pos = 0
  const header = (type: number, count: number): void => {
    view.setUint8(pos, 1)
    view.setUint32(pos + 1, type, true)
    view.setUint32(pos + 5, count, true)
    pos += 9
  }
  const zType = dims === 3 ? 1000 : 0
  header(WKB_MULTIPOLYGON + zType, mp.length)
  for (const poly of mp) {
    header(WKB_POLYGON + zType, poly.length)
    for (const ring of poly) {
      const n = ring.length / dims
      view.setUint32(pos, n + 1, true)
      pos += 4
      for (let i = 0; i <= n; i++) {
        for (let d = 0; d < dims; d++) view.setFloat64(pos + 8 * d, ring[dims * (i % n) + d], true)
        pos += 8 * dims
      }
    }
  }
  return out
}

/** Little-endian 2D MultiPolygon WKB; every ring is written with its closing vertex. */
export const encodeWkb = (mp: MultiPolygon): Uint8Array => encodeMultiPolygonWkb(mp, 2)

/** GeoPackage blob: little-endian header with an xy envelope, then `encodeWkb`. */
export const encodeGpkgGeometry = (mp: MultiPolygon, srsId: number): Uint8Array => {
  const wkb = encodeWkb(mp)
  const out = new Uint8Array(GPKG_HEADER_BYTES + 32 + wkb.length)
  const view = new DataView(out.buffer)
  let minx = Infinity
  let miny = Infinity
  let maxx = -Infinity
  let maxy = -Infinity
  for (const poly of mp) {
    for (const ring of poly) {
      for (let i = 0; i < ring.length; i += 2) {
        minx = Math.min(minx, ring[i])
        maxx = Math.max(maxx, ring[i])
        miny = Math.min(miny, ring[i + 1])
        maxy = Math.max(maxy, ring[i + 1])
      }
    }
  }
  out.set([0x47, 0x50, 0, mp.length === 0 ? 0x13 : 0x03])
  view.setInt32(4, srsId, true)
  const env = mp.length === 0 ? [NaN, NaN, NaN, NaN] : [minx, maxx, miny, maxy]
  env.forEach((v, i) => view.setFloat64(GPKG_HEADER_BYTES + 8 * i, v, true))
  out.set(wkb, GPKG_HEADER_BYTES + 32)
  return out
}
