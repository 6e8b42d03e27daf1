/**
 * Plain geometry types shared by every kernel. No Effect, no I/O.
 *
 * A ring is a flat coordinate array `[x0, y0, x1, y1, …]` WITHOUT the closing repeat of the
 * first vertex. In a polygon, ring 0 is the outer ring (counter-clockwise), the others are
 * holes (clockwise). Coordinates are EPSG:28992 metres.
 */
export type Ring = Float64Array
export type Polygon = ReadonlyArray<Ring>
export type MultiPolygon = ReadonlyArray<Polygon>

/** Axis-aligned box `[minx, miny, maxx, maxy]`. */
export type BBox = readonly [number, number, number, number]

/**
 * A set of lidar points in structure-of-arrays form. `x`, `y`, `z` are metres (EPSG:7415),
 * `classification` the ASPRS/AHN class per point (2 ground, 6 building, …).
 */
export interface PointSet {
  readonly x: Float64Array
  readonly y: Float64Array
  readonly z: Float64Array
  readonly classification: Uint8Array
  readonly length: number
}
