/**
 * Functions run inside worker threads (see engine/worker-pool.ts): arguments and results are
 * plain data, so they cross threads by structured clone.
 */
import { acquisitionDate, decodePoints, readLasHeader } from "./las-reader.ts"

export interface AhnHeaderInfo {
  readonly version: string
  readonly pointFormat: number
  readonly pointCount: number
  readonly compressed: boolean
  readonly scale: readonly [number, number, number]
  readonly offset: readonly [number, number, number]
  /** [minx, miny, maxx, maxy] from the header. */
  readonly bounds: readonly [number, number, number, number]
  readonly zRange: readonly [number, number]
  readonly headerDate: string | null
}

export interface AhnScanInfo {
  /** Points per class over the whole file. */
  readonly classCounts: Readonly<Record<string, number>>
  /** From the points' GPS time when it is adjusted standard time, else the header date. */
  readonly acquisitionDate: string | null
  readonly gpsRange: { readonly min: number; readonly max: number } | null
}

export const headerInfo = async (path: string): Promise<AhnHeaderInfo> => {
  const h = await readLasHeader(path)
  return {
    version: h.version,
    pointFormat: h.pointFormat,
    pointCount: h.pointCount,
    compressed: h.compressed,
    scale: [h.scale.x, h.scale.y, h.scale.z],
    offset: [h.offset.x, h.offset.y, h.offset.z],
    bounds: [h.min.x, h.min.y, h.max.x, h.max.y],
    zRange: [h.min.z, h.max.z],
    headerDate: acquisitionDate(h, null)
  }
}

/** Decodes every point once (keeping none) to count classes and read the GPS time range. */
export const scanFile = async (path: string): Promise<AhnScanInfo> => {
  const r = await decodePoints(path, { classes: [] })
  const classCounts: Record<string, number> = {}
  for (const [k, v] of Object.entries(r.classCounts).sort(([a], [b]) => Number(a) - Number(b))) classCounts[k] = v
  return { classCounts, acquisitionDate: acquisitionDate(r.header, r.gpsRange), gpsRange: r.gpsRange }
}
