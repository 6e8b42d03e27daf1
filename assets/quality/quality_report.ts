/**
 * `quality_report` (per version × tile): validity per LoD with val3dity codes, counts by
 * extrusion, roof type and selection reason, RMSE and height distributions, skipped and failed
 * buildings, and coverage of the tile's footprints, as `report.json` and `report.html`.
 */
import { Effect, Schema } from "effect"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { assetKey, defineAsset, dependsOn, dynamicPartitions } from "../../engine/index.ts"
import { reportJson, tileReport } from "../../kernels/quality-report.ts"
import { tileReportHtml } from "../../kernels/report-html.ts"
import { parseCityJsonSeq } from "../../kernels/cityjson-tile.ts"
import { Duck } from "../../resources/Duck.ts"
import { assetFailure } from "../asset-errors.ts"
import { TILE_FILE, reconstructedTilesKey } from "../reconstruction/reconstructed_tiles.ts"
import { bagExtractKey } from "../sources/bag_extract.ts"
import { FOOTPRINTS_FILE, tilingKey } from "../sources/tiling.ts"

export const qualityReportKey = assetKey("quality_report")
export const REPORT_JSON = "report.json"
export const REPORT_HTML = "report.html"

export const qualityReport = defineAsset({
  key: qualityReportKey,
  group: "quality",
  description: "Quality of one tile: validity per LoD, counts, distributions, skipped and failed buildings",
  deps: [dependsOn(reconstructedTilesKey), dependsOn(bagExtractKey)],
  partitions: dynamicPartitions("version", "tile", tilingKey),
  codeVersion: "1",
  configSchema: Schema.Struct({}),
  materialize: ({ partition, inputs, outputDir, asset }) =>
    Effect.gen(function* () {
      const duck = yield* Duck
      const text = yield* Effect.promise(() => readFile(inputs[0].filePath(TILE_FILE), "utf8"))
      const seq = parseCityJsonSeq(text)
      if (!seq.ok) return yield* Effect.fail(new Error(`${TILE_FILE} of ${partition.secondary}: ${seq.reason}`))
      const expected = (yield* duck.readParquet(inputs[1].filePath(FOOTPRINTS_FILE))).map((r) => String(r.identificatie))
      const report = tileReport(partition.secondary!, seq.header, seq.features, { expectedFootprints: expected })
      yield* Effect.promise(() => Promise.all([
        writeFile(join(outputDir, REPORT_JSON), reportJson(report)),
        writeFile(join(outputDir, REPORT_HTML), tileReportHtml(report, { title: `Tile ${partition.secondary}` }))
      ]))
      return {
        counts: { in: expected.length, out: report.coverage.present, failed: report.failed.length },
        metadata: { validity: report.validity, coverage: report.coverage }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
