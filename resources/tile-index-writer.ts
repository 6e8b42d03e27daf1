/**
 * The release tile index: `tile_index.json` (GeoJSON FeatureCollection with a named CRS,
 * EPSG:28992) and `tile_index.fgb` (FlatGeobuf 3.x via the flatgeobuf package, CRS code 28992,
 * no spatial index). Each feature is one tile polygon with the properties, in this order:
 * `tile_id`, `building_count`, then per file format (sorted by format): `<format>_url`,
 * `<format>_sha256`.
 *
 * Determinism: tiles are sorted by id (numerically per z/x/y component), properties come in the
 * fixed order above, the JSON is written by `canonicalStringify`, and the FlatGeobuf builder
 * writes the same bytes for the same features. Neither file holds a time.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { FeatureCollection, Polygon as GeoJsonPolygon } from "geojson"
import { serialize } from "flatgeobuf/lib/mjs/geojson.js"
import { canonicalStringify } from "../kernels/cityjson-tile.ts"
import type { Polygon } from "../kernels/geometry-types.ts"

export interface TileIndexFile {
  /** Short format name used in property names: "cj", "cjseq", "obj", "gpkg". */
  readonly format: string
  /** Download path or URL. */
  readonly url: string
  /** Lowercase hex sha256 of the file. */
  readonly sha256: string
}

export interface TileIndexEntry {
  /** Quadtree id "z/x/y", e.g. "9/560/624". */
  readonly tileId: string
  /** Tile polygon in EPSG:28992 (outer CCW, no closing vertex). */
  readonly polygon: Polygon
  readonly buildingCount: number
  readonly files: ReadonlyArray<TileIndexFile>
}

export class TileIndexError extends Error {
  override readonly name = "TileIndexError"
}

const RD_NEW = 28992
const CRS_URN = "urn:ogc:def:crs:EPSG::28992"
const SHA256_RE = /^[0-9a-f]{64}$/
const FORMAT_RE = /^[a-z][a-z0-9]*$/

/** Numeric z/x/y order where both ids are numeric there; code-unit order otherwise. */
export function compareTileIds(a: string, b: string): number {
  const pa = a.split("/")
  const pb = b.split("/")
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const na = Number(pa[i])
    const nb = Number(pb[i])
    const numeric = /^\d+$/.test(pa[i]) && /^\d+$/.test(pb[i])
    const c = numeric ? na - nb : pa[i] < pb[i] ? -1 : pa[i] > pb[i] ? 1 : 0
    if (c !== 0) return c
  }
  return pa.length - pb.length
}

/** Why the entries cannot make an index (empty, repeated ids, unlike format sets, bad sha256). */
export function tileIndexProblem(tiles: ReadonlyArray<TileIndexEntry>): string | null {
  if (tiles.length === 0) return "no tiles (FlatGeobuf needs at least one feature)"
  const formats = (t: TileIndexEntry): string => t.files.map((f) => f.format).sort().join(",")
  const first = formats(tiles[0])
  const ids = new Set<string>()
  for (const t of tiles) {
    if (ids.has(t.tileId)) return `tile ${t.tileId} repeats`
    ids.add(t.tileId)
    if (formats(t) !== first) return `tile ${t.tileId} has formats [${formats(t)}], not [${first}]`
    if (new Set(t.files.map((f) => f.format)).size !== t.files.length) {
      return `tile ${t.tileId} lists a format twice`
    }
    const bad = t.files.find((f) => !SHA256_RE.test(f.sha256) || !FORMAT_RE.test(f.format))
    if (bad !== undefined) return `tile ${t.tileId}: bad format '${bad.format}' or sha256`
    if (t.polygon.length === 0 || t.polygon[0].length < 6) return `tile ${t.tileId}: no polygon`
  }
  return null
}

/** GeoJSON polygon coordinates with every ring closed. */
function closedRings(p: Polygon): number[][][] {
  return p.map((r) => {
    const pts: number[][] = []
    for (let i = 0; i < r.length; i += 2) pts.push([r[i], r[i + 1]])
    pts.push([r[0], r[1]])
    return pts
  })
}

function propertiesOf(t: TileIndexEntry): Record<string, string | number> {
  const props: Record<string, string | number> = {
    tile_id: t.tileId,
    building_count: t.buildingCount
  }
  const byFormat = (a: TileIndexFile, b: TileIndexFile): number =>
    a.format < b.format ? -1 : a.format > b.format ? 1 : 0
  const files = [...t.files].sort(byFormat)
  for (const f of files) {
    props[`${f.format}_url`] = f.url
    props[`${f.format}_sha256`] = f.sha256
  }
  return props
}

/** The index as a GeoJSON FeatureCollection (EPSG:28992 named CRS), tiles sorted by id. */
export function tileIndexFeatureCollection(
  tiles: ReadonlyArray<TileIndexEntry>
): FeatureCollection {
  const sorted = [...tiles].sort((a, b) => compareTileIds(a.tileId, b.tileId))
  const features = sorted.map((t) => {
    const geometry: GeoJsonPolygon = { type: "Polygon", coordinates: closedRings(t.polygon) }
    return { type: "Feature" as const, geometry, properties: propertiesOf(t) }
  })
  return { type: "FeatureCollection", features }
}

/** Member order of the JSON; the others (`<format>_sha256`, `<format>_url`) follow, sorted. */
const JSON_KEY_ORDER = [
  "type", "name", "crs", "properties", "features", "geometry", "coordinates", "tile_id",
  "building_count"
]

/** `tile_index.json` text; throws TileIndexError on a bad index. */
export function tileIndexJsonText(tiles: ReadonlyArray<TileIndexEntry>): string {
  const problem = tileIndexProblem(tiles)
  if (problem !== null) throw new TileIndexError(problem)
  const fc = tileIndexFeatureCollection(tiles)
  const crs = { type: "name", properties: { name: CRS_URN } }
  const doc = { type: fc.type, name: "tile_index", crs, features: fc.features }
  return canonicalStringify(doc, JSON_KEY_ORDER) + "\n"
}

/** `tile_index.fgb` bytes; throws TileIndexError on a bad index. */
export function tileIndexFgb(tiles: ReadonlyArray<TileIndexEntry>): Uint8Array {
  const problem = tileIndexProblem(tiles)
  if (problem !== null) throw new TileIndexError(problem)
  return serialize(tileIndexFeatureCollection(tiles), RD_NEW)
}

export interface TileIndexPaths {
  readonly json: string
  readonly fgb: string
}

/** Writes both index files into `dir` (created if missing). */
export function writeTileIndex(dir: string, tiles: ReadonlyArray<TileIndexEntry>): TileIndexPaths {
  const json = tileIndexJsonText(tiles)
  const fgb = tileIndexFgb(tiles)
  mkdirSync(dir, { recursive: true })
  const paths = { json: join(dir, "tile_index.json"), fgb: join(dir, "tile_index.fgb") }
  writeFileSync(paths.json, json)
  writeFileSync(paths.fgb, fgb)
  return paths
}
