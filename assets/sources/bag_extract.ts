/**
 * `bag_extract` (per version × tile): the footprints of one tile, as Parquet with WKB geometry,
 * with counts by repair status and drop reason. Reads only its tile's slice of the tiling, so a
 * change to a footprint elsewhere leaves it fresh.
 */
import { Effect, Schema } from "effect"
import { join } from "node:path"
import { assetKey, defineAsset, dependsOn, dynamicPartitions } from "../../engine/index.ts"
import { parseTileId, tileBounds } from "../../kernels/quadtree.ts"
import { Duck } from "../../resources/Duck.ts"
import { assetFailure } from "../asset-errors.ts"
import { FOOTPRINT_COLUMNS, fromRow, toRow } from "./footprint-rows.ts"
import { FOOTPRINTS_FILE, tilingKey } from "./tiling.ts"

export const bagExtractKey = assetKey("bag_extract")

export const bagExtract = defineAsset({
  key: bagExtractKey,
  group: "sources",
  description: "BAG footprints of one tile (Parquet, WKB geometry) with their status and reasons",
  deps: [dependsOn(tilingKey, { kind: "primaryOf" })],
  partitions: dynamicPartitions("version", "tile", tilingKey),
  codeVersion: "1",
  configSchema: Schema.Struct({}),
  materialize: ({ partition, inputs, outputDir, asset }) =>
    Effect.gen(function* () {
      const duck = yield* Duck
      const tile = partition.secondary!
      const rows = yield* duck.readParquet(inputs[0].filePath(FOOTPRINTS_FILE), { column: "tile_id", value: tile })
      const records = rows.map(fromRow).sort((a, b) => (a.identificatie < b.identificatie ? -1 : 1))
      yield* duck.writeParquet(join(outputDir, FOOTPRINTS_FILE), FOOTPRINT_COLUMNS, records.map(toRow))
      const byStatus: Record<string, number> = {}
      const dropped: Record<string, number> = {}
      for (const r of records) {
        byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
        if (r.status !== "dropped") continue
        const why = r.reasons.find((x) => /is not modelled|^duplicate id/.test(x)) ?? "dropped"
        const key = why.startsWith("duplicate id") ? "duplicate id merged into the first feature" : why
        dropped[key] = (dropped[key] ?? 0) + 1
      }
      const id = parseTileId(tile)
      return {
        counts: { in: records.length, out: records.length - (byStatus.dropped ?? 0), failed: byStatus.invalid ?? 0 },
        metadata: { tile, bounds: id === null ? null : tileBounds(id), footprints: records.length, byStatus, dropped }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
