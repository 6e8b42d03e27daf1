/**
 * `tiling` (per version): reads every BAG source of the release, keeps one record per current
 * pand with its repair status, and cuts the footprints into quadtree tiles. It defines the tile
 * dimension of the version: one slice per tile, whose hash changes exactly when a footprint of
 * that tile changes. Footprints without a usable geometry cannot be placed; they stay in the
 * output with tile null and are listed in the metadata.
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
})

export const FOOTPRINTS_FILE = "footprints.parquet"

/** Later sources lose a duplicated id: the record stays, marked invalid with the reason. */
const markCrossSourceDuplicates = (records: TiledFootprint[]): TiledFootprint[] => {
  const firstSource = new Map<string, string>()
  return records.map((r) => {
    const first = firstSource.get(r.identificatie)
    if (first === undefined) {
      firstSource.set(r.identificatie, r.sourceName)
      return r
    }
    if (first === r.sourceName) return r
    return { ...r, status: "invalid", reasons: [...r.reasons, `duplicate id: also in source '${first}'`] }
  })
}

const placeInTiles = (records: TiledFootprint[], cfg: typeof TilingConfig.Type) => {
  const xs = new Float64Array(records.length).fill(NaN)
  const ys = new Float64Array(records.length).fill(NaN)
  records.forEach((r, i) => {
    const p = r.geometry === null ? null : representativePoint(r.geometry)
    if (p !== null) [xs[i], ys[i]] = p
  })
  const tiling = buildTiling(xs, ys, cfg)
  const placed = records.map((r, i) => ({ ...r, tileId: tiling.tileOf[i] < 0 ? null : tiling.tiles[tiling.tileOf[i]].id }))
  return { placed, tiles: tiling.tiles }
}

export const tiling = defineAsset({
  key: tilingKey,
  group: "sources",
  description: "BAG footprints of a release, repaired, placed in quadtree tiles; defines the tiles of the version",
  deps: [],
  partitions: primaryPartitions("version"),
  codeVersion: "1",
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

      const { placed, tiles } = placeInTiles(markCrossSourceDuplicates(all), config)
      placed.sort((a, b) => (a.identificatie < b.identificatie ? -1 : a.identificatie > b.identificatie ? 1
        : a.sourceName < b.sourceName ? -1 : 1))
      const slices: Record<string, string> = {}
      const texts = new Map<string, string[]>()
      for (const f of placed) {
        if (f.tileId === null) continue
        if (!texts.has(f.tileId)) texts.set(f.tileId, [])
        texts.get(f.tileId)!.push(canonicalText(f))
      }
      for (const [t, list] of texts) slices[t] = sha256Hex(list.join("\n"))

      yield* duck.writeParquet(join(outputDir, FOOTPRINTS_FILE), FOOTPRINT_COLUMNS, placed.map(toRow))
      const unplaced = placed.filter((f) => f.tileId === null).map((f) => ({ id: f.identificatie, reasons: f.reasons }))
      return {
        slices,
        sources: sources.map((s) => ({ path: s.file.origin, sha256: s.file.sha256 })),
        counts: { in: all.length, out: placed.length - unplaced.length, failed: unplaced.length },
        metadata: {
          sources: perSource,
          tiles: tiles.map((t) => ({ id: t.id, buildings: t.members.length })),
          unplaced
        }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
