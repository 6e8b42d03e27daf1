/**
 * The CRS service: RD New (EPSG:28992) ↔ WGS84 (EPSG:4326) through proj4, with the 7-parameter
 * Helmert shift to ETRS89 (no RDNAPTRANS grid is available; about 0.3 m at Amersfoort).
 * LIMITATION: heights are not transformed: NAP is not ellipsoidal, and proj4 would treat z as
 * height above the Bessel ellipsoid, which is off by about 1 m to tens of metres per use case.
 */
import { Context, Layer } from "effect"
import proj4 from "proj4"

export const RD_NEW =
  "+proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 " +
  "+y_0=463000 +ellps=bessel +towgs84=565.7381,50.4018,465.2904,-0.395026,0.330772,-1.876073,4.07244 " +
  "+units=m +no_defs"

export interface CrsService {
  /** [x, y] in RD New → [lon, lat] in WGS84 degrees. */
  readonly toWgs84: (x: number, y: number) => [number, number]
  /** [lon, lat] in WGS84 degrees → [x, y] in RD New. */
  readonly fromWgs84: (lon: number, lat: number) => [number, number]
}

export class Crs extends Context.Tag("bag3d/Crs")<Crs, CrsService>() {}

export const makeCrs = (): CrsService => {
  const t = proj4(RD_NEW, "WGS84")
  return {
    toWgs84: (x, y) => t.forward([x, y]) as [number, number],
    fromWgs84: (lon, lat) => t.inverse([lon, lat]) as [number, number]
  }
}

export const layer = Layer.sync(Crs, makeCrs)
