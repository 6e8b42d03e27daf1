/**
 * `downloadable_tiles` (per version × tile): the files users download for one tile, laid out as
 * 3DBAG publishes them (`tiles/z/x/y/z-x-y.*`): CityJSON, CityJSONSeq, OBJ per LoD, GeoPackage.
 * Packaging runs in a worker thread. The release-wide index and metadata are made by
 * `published_release`, which completes this asset.
 */
import { Effect, Schema } from "effect"
import { WorkerPool, assetKey, defineAsset, dependsOn, dynamicPartitions } from "../../engine/index.ts"
import { Releases } from "../../resources/Releases.ts"
import type { PackageJob, PackageSummary } from "../../resources/distribution-worker.ts"
import { assetFailure } from "../asset-errors.ts"
import { TILE_FILE, reconstructedTilesKey } from "../reconstruction/reconstructed_tiles.ts"
import { tilingKey } from "../sources/tiling.ts"

export const downloadableTilesKey = assetKey("downloadable_tiles")
const WORKER = new URL("../../resources/distribution-worker.ts", import.meta.url)

export const downloadableTiles = defineAsset({
  key: downloadableTilesKey,
  group: "distribution",
  description: "Download files of one tile: CityJSON, CityJSONSeq, OBJ (per LoD) and GeoPackage, deterministic",
  deps: [dependsOn(reconstructedTilesKey)],
  partitions: dynamicPartitions("version", "tile", tilingKey),
  codeVersion: "1",
  configSchema: Schema.Struct({}),
  materialize: ({ partition, inputs, outputDir, asset }) =>
    Effect.gen(function* () {
      const pool = yield* WorkerPool
      const release = yield* (yield* Releases).release(partition.primary)
      const job: PackageJob = { tileId: partition.secondary!, input: inputs[0].filePath(TILE_FILE), outputDir,
        releaseTitle: release.title, releaseDate: release.date }
      const summary = yield* pool.call<PackageSummary>(WORKER, "packageTile", [job])
      return {
        counts: { in: summary.buildings, out: summary.buildings, failed: 0 },
        metadata: { ...summary }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
