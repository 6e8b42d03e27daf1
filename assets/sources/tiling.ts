/**
 * `tiling` (per version): reads every BAG source of the release, keeps one record per current
 * pand with its repair status, and cuts the footprints into quadtree tiles. It defines the tile
 * dimension of the version: one slice per tile, whose hash changes exactly when a footprint of
 * that tile changes. Every input feature is accounted for: see `foldDuplicates` and
 * `placeInTiles`.
 */
import { Effect, Schema } from "effect"
import { join } from "node:path"
import { assetKey, defineAsset, primaryPartitions, sha256Hex } from "../../engine/index.ts"
import { buildTiling } from "../../kernels/quadtree.ts"
import { representativePoint } from "../../kernels/representative-point.ts"
import { Duck } from "../../resources/Duck.ts"
import { Footprints } from "../../resources/Footprints.ts"
import { Releases } from "../../resources/Releases.ts"
import { assetFailure } from "../asset-errors.ts"
import { FOOTPRINT_COLUMNS, canonicalText, toRow, type TiledFootprint } from "./footprint-rows.ts"

export const tilingKey = assetKey("tiling")

export const TilingConfig = Schema.Struct({
  maxPerTile: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 3500 }),
  minZoom: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 20)), { default: () => 4 }),
  maxZoom: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 20)), { default: () => 14 })
}).pipe(Schema.filter((c) => c.minZoom <= c.maxZoom || `minZoom (${c.minZoom}) is above maxZoom (${c.maxZoom})`))

export const FOOTPRINTS_FILE = "footprints.parquet"

/** RD New extent of the Netherlands (with a margin): a footprint placed outside it is invalid. */
const NL_EXTENT = [-7_000, 289_000, 300_000, 629_000] as const

const invalidate = (r: TiledFootprint, reason: string): TiledFootprint =>
  ({ ...r, status: "invalid", reasons: [...r.reasons, reason] })

/**
 * One record per id. A later record with an id seen before (in any source) is folded into the
 * first: its source, status and reasons become a "duplicate id" reason of the kept record, so
 * the output has one feature per BAG id and still accounts for every input feature.
 */
const foldDuplicates = (records: TiledFootprint[]): { kept: TiledFootprint[]; folded: number } => {
  const first = new Map<string, number>()
  const kept: TiledFootprint[] = []
  let folded = 0
  for (const r of records) {
    const k = first.get(r.identificatie)
    if (k === undefined) {
      first.set(r.identificatie, kept.length)
      kept.push(r)
      continue
    }
    folded++
    const why = r.reasons.filter((x) => !x.startsWith("duplicate id")).join("; ")
    const note = `duplicate id: another feature in source '${r.sourceName}' (${r.status}${why ? `: ${why}` : ""})`
    kept[k] = { ...kept[k], reasons: [...kept[k].reasons, note] }
  }
  return { kept, folded }
}

/**
 * Places each record by its representative point. Records with no usable point, or one outside
 * the country, cannot be placed: they become invalid and are kept in the first tile (or the
 * root tile 0/0/0 when nothing could be placed), so that they still reach the output.
 */
const placeInTiles = (records: TiledFootprint[], cfg: typeof TilingConfig.Type) => {
  const xs = new Float64Array(records.length).fill(NaN)
  const ys = new Float64Array(records.length).fill(NaN)
  const checked = records.map((r, i) => {
    const p = r.geometry === null ? null : representativePoint(r.geometry)
    if (p === null) return r.status === "invalid" ? r : invalidate(r, "no usable geometry to place in a tile")
    const [x, y] = p
    if (x < NL_EXTENT[0] || y < NL_EXTENT[1] || x > NL_EXTENT[2] || y > NL_EXTENT[3]) {
      return invalidate(r, `position (${x.toFixed(1)}, ${y.toFixed(1)}) is outside the RD New extent of the Netherlands`)
    }
    xs[i] = x
    ys[i] = y
    return r
  })
  const tiling = buildTiling(xs, ys, cfg)
  const home = tiling.tiles[0]?.id ?? "0/0/0"
  const placed = checked.map((r, i) => tiling.tileOf[i] >= 0 ? { ...r, tileId: tiling.tiles[tiling.tileOf[i]].id }
    : { ...r, tileId: home, reasons: [...r.reasons, `not placed by position: kept in tile ${home}`] })
  const counts = new Map<string, number>()
  for (const r of placed) counts.set(r.tileId!, (counts.get(r.tileId!) ?? 0) + 1)
  const tiles = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, buildings]) => ({ id, buildings }))
  return { placed, tiles }
}

export const tiling = defineAsset({
  key: tilingKey,
  group: "sources",
  description: "BAG footprints of a release, repaired, placed in quadtree tiles; defines the tiles of the version",
  deps: [],
  partitions: primaryPartitions("version"),
  codeVersion: "2",
  configSchema: TilingConfig,
  observe: ({ partition, asset }) =>
    Effect.gen(function* () {
      const releases = yield* Releases
      const sources = yield* releases.bagSources(partition.primary)
      return { sources: sources.map((s) => ({ path: s.file.origin, sha256: s.file.sha256 })) }
    }).pipe(Effect.mapError(assetFailure(asset, partition))),
  materialize: ({ partition, config, outputDir, asset }) =>
    Effect.gen(function* () {
      const releases = yield* Releases
      const footprints = yield* Footprints
      const duck = yield* Duck
      const sources = yield* releases.bagSources(partition.primary)
      const perSource: Record<string, unknown> = {}
      const all: TiledFootprint[] = []
      for (const s of sources) {
        const read = yield* footprints.read({ path: s.file.path, format: s.source.format, layer: s.source.layer })
        perSource[s.source.name] = { file: s.file.origin, sha256: s.file.sha256, ...read.counts }
        for (const r of read.records) all.push({ ...r, source: s.file.origin, sourceName: s.source.name, tileId: null })
      }

      const { kept, folded } = foldDuplicates(all)
      const { placed, tiles } = placeInTiles(kept, config)
      placed.sort((a, b) => (a.identificatie < b.identificatie ? -1 : a.identificatie > b.identificatie ? 1 : 0))
      const slices: Record<string, string> = {}
      const texts = new Map<string, string[]>()
      for (const f of placed) {
        if (!texts.has(f.tileId!)) texts.set(f.tileId!, [])
        texts.get(f.tileId!)!.push(canonicalText(f))
      }
      for (const [t, list] of texts) slices[t] = sha256Hex(list.join("\n"))

      yield* duck.writeParquet(join(outputDir, FOOTPRINTS_FILE), FOOTPRINT_COLUMNS, placed.map(toRow))
      const unplaced = placed.filter((f) => f.reasons.some((r) => r.startsWith("not placed by position")))
        .map((f) => ({ id: f.identificatie, tile: f.tileId, reasons: f.reasons }))
      return {
        slices,
        sources: sources.map((s) => ({ path: s.file.origin, sha256: s.file.sha256 })),
        counts: { in: all.length, out: placed.length, failed: unplaced.length },
        metadata: { sources: perSource, inputFeatures: all.length, duplicatesFolded: folded, tiles, unplaced }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
