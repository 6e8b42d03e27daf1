/**
 * Loads the points a tile needs, once: per epoch, every mapped file decoded once, cropped to the
 * tile's footprints' extent (plus a margin for ground) and to the classes used (ground and the
 * epoch's building class). Plain functions, run inside a worker thread.
 */
import type { BBox, PointSet } from "../kernels/geometry-types.ts"
import { buildPointIndex, type PointIndex } from "../kernels/point-index.ts"
import { decodePoints } from "./las-reader.ts"

export interface EpochFiles {
  readonly epoch: string
  readonly year: number
  readonly rank: number
  readonly buildingClass: number
  readonly modelling: boolean
  /** Local paths of the epoch's files mapped to the tile. */
  readonly files: ReadonlyArray<string>
}

export interface LoadedEpoch {
  readonly epoch: string
  readonly year: number
  readonly rank: number
  readonly buildingClass: number
  readonly modelling: boolean
  readonly points: PointSet
  readonly index: PointIndex
  readonly decodeMs: number
}

const concat = (sets: ReadonlyArray<PointSet>): PointSet => {
  const n = sets.reduce((s, p) => s + p.length, 0)
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const z = new Float64Array(n)
  const classification = new Uint8Array(n)
  let o = 0
  for (const p of sets) {
    x.set(p.x.subarray(0, p.length), o)
    y.set(p.y.subarray(0, p.length), o)
    z.set(p.z.subarray(0, p.length), o)
    classification.set(p.classification.subarray(0, p.length), o)
    o += p.length
  }
  return { x, y, z, classification, length: n }
}

export const loadEpoch = async (e: EpochFiles, bbox: BBox, groundClass: number): Promise<LoadedEpoch> => {
  const t0 = performance.now()
  const sets: PointSet[] = []
  for (const f of [...e.files].sort()) {
    const r = await decodePoints(f, { bbox, classes: [groundClass, e.buildingClass] })
    sets.push(r.points)
  }
  const points = concat(sets)
  return { epoch: e.epoch, year: e.year, rank: e.rank, buildingClass: e.buildingClass, modelling: e.modelling, points,
    index: buildPointIndex(points), decodeMs: performance.now() - t0 }
}
