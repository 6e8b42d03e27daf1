/**
 * ISO WKB MultiPolygon Z (type 1006, parts Polygon Z 1003) and its GeoPackage blob, for the 3D
 * layers of the release GeoPackage. Little-endian; every ring is written closed. Pure.
 */

/** x, y, z triples without the closing repeat of the first vertex. */
export type RingZ = Float64Array
/** Ring 0 outer, the others holes; orientation is kept as given (3D has no CCW convention). */
export type PolygonZ = ReadonlyArray<RingZ>
export type MultiPolygonZ = ReadonlyArray<PolygonZ>

const WKB_POLYGON_Z = 1003
const WKB_MULTIPOLYGON_Z = 1006
const GPKG_HEADER_BYTES = 8
/** Envelope indicator 2: [minx, maxx, miny, maxy, minz, maxz], 48 bytes. */
const GPKG_ENVELOPE_XYZ = 2
const GPKG_ENVELOPE_XYZ_BYTES = 48
const GPKG_FLAG_LITTLE = 0x01
const GPKG_FLAG_EMPTY = 0x10

function encodedLength(mp: MultiPolygonZ): number {
  let bytes = 9
  for (const poly of mp) {
    bytes += 9
    for (const ring of poly) bytes += 4 + (ring.length / 3 + 1) * 24
  }
  return bytes
}

/** Little-endian ISO WKB MultiPolygon Z. */
export function encodeWkbMultiPolygonZ(mp: MultiPolygonZ): Uint8Array {
  const out = new Uint8Array(encodedLength(mp))
  const view = new DataView(out.buffer)
  let pos = 0
  const header = (type: number, count: number): void => {
    view.setUint8(pos, 1)
    view.setUint32(pos + 1, type, true)
    view.setUint32(pos + 5, count, true)
    pos += 9
  }
  header(WKB_MULTIPOLYGON_Z, mp.length)
  for (const poly of mp) {
    header(WKB_POLYGON_Z, poly.length)
    for (const ring of poly) {
      const n = ring.length / 3
      view.setUint32(pos, n + 1, true)
      pos += 4
      for (let i = 0; i <= n; i++) {
        const k = 3 * (i % n)
        view.setFloat64(pos, ring[k], true)
        view.setFloat64(pos + 8, ring[k + 1], true)
        view.setFloat64(pos + 16, ring[k + 2], true)
        pos += 24
      }
    }
  }
  return out
}

/** [minx, maxx, miny, maxy, minz, maxz] (GeoPackage envelope order); NaNs when empty. */
export function envelopeZ(mp: MultiPolygonZ): number[] {
  const env = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity]
  for (const poly of mp) {
    for (const ring of poly) {
      for (let i = 0; i < ring.length; i += 3) {
        for (let a = 0; a < 3; a++) {
          if (ring[i + a] < env[2 * a]) env[2 * a] = ring[i + a]
          if (ring[i + a] > env[2 * a + 1]) env[2 * a + 1] = ring[i + a]
        }
      }
    }
  }
  return Number.isFinite(env[0]) ? env : env.map(() => NaN)
}

/**
 * GeoPackage geometry blob (GPKG 1.3 §2.1.3): "GP", version 0, flags (little-endian, xyz
 * envelope, empty bit when `mp` has no polygon), srs_id, envelope, then the WKB.
 */
export function encodeGpkgGeometryZ(mp: MultiPolygonZ, srsId: number): Uint8Array {
  const wkb = encodeWkbMultiPolygonZ(mp)
  const out = new Uint8Array(GPKG_HEADER_BYTES + GPKG_ENVELOPE_XYZ_BYTES + wkb.length)
  const view = new DataView(out.buffer)
  const empty = mp.length === 0 ? GPKG_FLAG_EMPTY : 0
  const flags = GPKG_FLAG_LITTLE | (GPKG_ENVELOPE_XYZ << 1) | empty
  out.set([0x47, 0x50, 0, flags])
  view.setInt32(4, srsId, true)
  envelopeZ(mp).forEach((v, i) => view.setFloat64(GPKG_HEADER_BYTES + 8 * i, v, true))
  out.set(wkb, GPKG_HEADER_BYTES + GPKG_ENVELOPE_XYZ_BYTES)
  return out
}
