/**
 * `reconstructed_tiles` (per version × tile): every footprint of the tile's `bag_extract`
 * reconstructed from the AHN points that `ahn_index` maps to the tile, as a CityJSONSeq file
 * (`tile.city.jsonl`: header line, then one CityJSONFeature per footprint, sorted by id), plus a
 * summary. The per-tile work runs in a worker thread.
 */
import { Effect, Schema } from "effect"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { WorkerPool, assetKey, defineAsset, dependsOn, dynamicPartitions } from "../../engine/index.ts"
import { parseTileId, tileBounds } from "../../kernels/quadtree.ts"
import { Duck } from "../../resources/Duck.ts"
import { Releases, ahnEpochs } from "../../resources/Releases.ts"
import type { TileJob, TileSummary } from "../../resources/reconstruction-worker.ts"
import { assetFailure } from "../asset-errors.ts"
import { AHN_INDEX_FILE, ahnIndexKey } from "../sources/ahn_index.ts"
import { bagExtractKey } from "../sources/bag_extract.ts"
import { fromRow } from "../sources/footprint-rows.ts"
import { FOOTPRINTS_FILE, tilingKey } from "../sources/tiling.ts"

export const reconstructedTilesKey = assetKey("reconstructed_tiles")
export const TILE_FILE = "tile.city.jsonl"
const WORKER = new URL("../../resources/reconstruction-worker.ts", import.meta.url)

export const ReconstructionConfig = Schema.Struct({
  groundPercentile: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  roofPercentile: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  groundBuffer: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  minDensity: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  lod11AreaThreshold: Schema.optional(Schema.Number.pipe(Schema.positive()))
})

interface IndexFile {
  readonly files: ReadonlyArray<{ epoch: string; path: string; sha256: string; acquisitionDate: string | null }>
}

/** The most frequent value, the smallest on ties; undefined for none. */
const mostCommon = (xs: ReadonlyArray<number>): number | undefined => {
  const n = new Map<number, number>()
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1)
  return [...n].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0]
}

/** Per epoch: the local paths of its mapped files and its acquisition year (most common). */
const epochJobs = (version: string, index: IndexFile) =>
  Effect.gen(function* () {
    const releases = yield* Releases
    const release = yield* releases.release(version)
    const local = new Map((yield* releases.ahnFiles(version)).map((f) => [f.sha256, f.path]))
    return ahnEpochs(release).flatMap(([epoch, e]) => {
      // An epoch with no file here is still passed, empty: the kernel then says the footprint
      // lies outside its extent.
      const files = index.files.filter((f) => f.epoch === epoch)
      const years = files.map((f) => Number(f.acquisitionDate?.slice(0, 4) ?? e.year))
      const year = mostCommon(years) ?? e.year
      return [{ epoch, year, rank: e.rank, buildingClass: e.buildingClass, modelling: e.modelling,
        files: files.map((f) => local.get(f.sha256) ?? f.path) }]
    })
  })

export const reconstructedTiles = defineAsset({
  key: reconstructedTilesKey,
  group: "reconstruction",
  description: "3D building models of one tile (LoD1.2 solids and heights per footprint) as CityJSONSeq",
  deps: [dependsOn(bagExtractKey), dependsOn(ahnIndexKey)],
  partitions: dynamicPartitions("version", "tile", tilingKey),
  codeVersion: "13",
  configSchema: ReconstructionConfig,
  materialize: ({ partition, inputs, outputDir, config, asset }) =>
    Effect.gen(function* () {
      const duck = yield* Duck
      const pool = yield* WorkerPool
      const tile = partition.secondary!
      const footprints = (yield* duck.readParquet(inputs[0].filePath(FOOTPRINTS_FILE))).map(fromRow)
      const index = JSON.parse(yield* Effect.promise(() => readFile(inputs[1].filePath(AHN_INDEX_FILE), "utf8")))
      const epochs = yield* epochJobs(partition.primary, index)
      const b = tileBounds(parseTileId(tile)!)
      const job: TileJob = {
        tile, epochs, params: config, translate: [b[0], b[1], 0],
        footprints: footprints.map((f) => ({ id: f.identificatie, status: f.status, reasons: f.reasons,
          overlapArea: f.overlapArea, attributes: f.attributes, geometry: f.geometry })),
        metadata: { title: `tile ${tile} of release ${partition.primary}` },
        outputFile: join(outputDir, TILE_FILE)
      }
      const summary = yield* pool.call<TileSummary>(WORKER, "reconstructTile", [job])
      return {
        // failed = buildings a kernel error stopped; skips with a reason (no points, invalid
        // footprint, dropped status) are outcomes, counted in `byExtrusion`
        counts: { in: footprints.length, out: summary.features, failed: summary.skipReasons["internal error"] ?? 0 },
        metadata: { ...summary }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
