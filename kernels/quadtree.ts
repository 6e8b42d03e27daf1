/**
 * Deterministic quadtree tiling over the RD New (EPSG:28992) extent of the Netherlands.
 *
 * The root square is [0, 300000] – [524288, 824288] (side 2^19 m), which holds the whole
 * country (x 7000–300000, y 289000–629000 after clipping to 824288). A tile `z/x/y` has side
 * 2^19 / 2^z m; x counts columns eastward and y rows northward at that level. A tile is split in
 * four while it holds more than `maxPerTile` items and `z < maxZoom`. Items are points (each
 * building's representative point), so the result depends only on the set of points: the same
 * input gives the same tiles, whatever its order.
 */
import type { BBox } from "./geometry-types.ts"

export const ROOT_ORIGIN_X = 0
export const ROOT_ORIGIN_Y = 300_000
export const ROOT_SIZE = 524_288

export interface TileId {
  readonly z: number
  readonly x: number
  readonly y: number
}

export const formatTileId = (t: TileId): string => `${t.z}/${t.x}/${t.y}`

/** Parses `z/x/y`; null when it is not a valid tile id. */
export const parseTileId = (s: string): TileId | null => {
  const m = /^(\d{1,2})\/(\d+)\/(\d+)$/.exec(s)
  if (m === null) return null
  const z = Number(m[1])
  const x = Number(m[2])
  const y = Number(m[3])
  const n = 2 ** z
  return z <= 30 && x < n && y < n ? { z, x, y } : null
}

export const tileBounds = (t: TileId): BBox => {
  const size = ROOT_SIZE / 2 ** t.z
  const minx = ROOT_ORIGIN_X + t.x * size
  const miny = ROOT_ORIGIN_Y + t.y * size
  return [minx, miny, minx + size, miny + size]
}

export interface TilingParams {
  readonly maxPerTile: number
  /** Deepest level; tiles at it are never split (side 2^19/2^maxZoom m). */
  readonly maxZoom: number
  /** Shallowest level tiles may have; the root is always split down to it. */
  readonly minZoom: number
}

export const defaultTilingParams: TilingParams = { maxPerTile: 3500, maxZoom: 14, minZoom: 4 }

export interface Tiling {
  /** Tile of each point, by input index; -1 for a point outside the root or not finite. */
  readonly tileOf: Int32Array
  /** The non-empty tiles, sorted by id text, with the input indices of their points. */
  readonly tiles: ReadonlyArray<{ readonly id: string; readonly tile: TileId; readonly members: Uint32Array }>
}

/**
 * Splits recursively over index arrays (no per-point allocation); cost O(n · depth).
 * `xs`/`ys` are the representative points.
 */
export const buildTiling = (xs: Float64Array, ys: Float64Array, params: TilingParams): Tiling => {
  const n = xs.length
  const tileOf = new Int32Array(n).fill(-1)
  const inRoot: number[] = []
  for (let i = 0; i < n; i++) {
    const x = xs[i]
    const y = ys[i]
    if (Number.isFinite(x) && Number.isFinite(y) && x >= ROOT_ORIGIN_X && y >= ROOT_ORIGIN_Y &&
      x < ROOT_ORIGIN_X + ROOT_SIZE && y < ROOT_ORIGIN_Y + ROOT_SIZE) inRoot.push(i)
  }
  const leaves: Array<{ id: string; tile: TileId; members: Uint32Array }> = []
  const stack: Array<{ tile: TileId; members: Uint32Array }> = [
    { tile: { z: 0, x: 0, y: 0 }, members: Uint32Array.from(inRoot) }
  ]
  while (stack.length > 0) {
    const { tile, members } = stack.pop()!
    const split = tile.z < params.maxZoom && (tile.z < params.minZoom || members.length > params.maxPerTile)
    if (!split) {
      leaves.push({ id: formatTileId(tile), tile, members })
      continue
    }
    const [minx, miny, maxx] = tileBounds(tile)
    const half = (maxx - minx) / 2
    const quadrant = new Uint8Array(members.length)
    const counts = [0, 0, 0, 0]
    for (let k = 0; k < members.length; k++) {
      const i = members[k]
      const q = (xs[i] >= minx + half ? 1 : 0) + (ys[i] >= miny + half ? 2 : 0)
      quadrant[k] = q
      counts[q]++
    }
    for (let q = 0; q < 4; q++) {
      if (counts[q] === 0) continue
      const sub = new Uint32Array(counts[q])
      let j = 0
      for (let k = 0; k < members.length; k++) if (quadrant[k] === q) sub[j++] = members[k]
      const child = { z: tile.z + 1, x: tile.x * 2 + (q & 1), y: tile.y * 2 + (q >> 1) }
      stack.push({ tile: child, members: sub })
    }
  }
  leaves.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  leaves.forEach((leaf, t) => {
    for (const i of leaf.members) tileOf[i] = t
  })
  return { tileOf, tiles: leaves }
}

/** `bbox` grown by `d` metres on every side. */
export const bufferBBox = (b: BBox, d: number): BBox => [b[0] - d, b[1] - d, b[2] + d, b[3] + d]

export const bboxesIntersect = (a: BBox, b: BBox): boolean =>
  a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
