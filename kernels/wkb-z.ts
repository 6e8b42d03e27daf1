/**
 * ISO WKB MultiPolygon Z (type 1006, parts Polygon Z 1003) and its GeoPackage blob, for the 3D
 * layers of the release GeoPackage. Little-endian; every ring is written closed. Pure.
 */

import { encodeMultiPolygonWkb } from "./wkb.ts"

/** x, y, z triples without the closing repeat of the first vertex. */
export type RingZ = Float64Array
/** Ring 0 outer, the others holes; orientation is kept as given (3D has no CCW convention). */
export type PolygonZ = ReadonlyArray<RingZ>
export type MultiPolygonZ = ReadonlyArray<PolygonZ>

const GPKG_HEADER_BYTES = 8
/** Envelope indicator 2: [minx, maxx, miny, maxy, minz, maxz], 48 bytes. */
const GPKG_ENVELOPE_XYZ = 2
const GPKG_ENVELOPE_XYZ_BYTES = 48
const GPKG_FLAG_LITTLE = 0x01
const GPKG_FLAG_EMPTY = 0x10

/** Little-endian ISO WKB MultiPolygon Z. */
export const encodeWkbMultiPolygonZ = (mp: MultiPolygonZ): Uint8Array => encodeMultiPolygonWkb(mp, 3)

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
