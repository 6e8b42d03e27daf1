/**
 * `release_quality_report` (per version): the quality of the whole release from every tile's
 * report, with the release check: `publishable` is false, with the blockers named, when a LoD's
 * share of valid solids is below the configured minimum. A failed tile stops this asset itself
 * (its upstream failed), so a release with a failed tile never gets a report that passes.
 */
import { Effect, Schema } from "effect"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { assetKey, defineAsset, dependsOn, primaryPartitions } from "../../engine/index.ts"
import { parseTileId, tileBounds } from "../../kernels/quadtree.ts"
import { releaseReport, reportJson, type TileReport } from "../../kernels/quality-report.ts"
import { releaseReportHtml } from "../../kernels/report-html.ts"
import { assetFailure } from "../asset-errors.ts"
import { REPORT_HTML, REPORT_JSON, qualityReportKey } from "./quality_report.ts"

export const releaseQualityReportKey = assetKey("release_quality_report")

const Share = Schema.Number.pipe(Schema.between(0, 1, { message: () => "a share must be between 0 and 1" }))

export const ReleaseQualityConfig = Schema.Struct({
  /** Minimum share (0..1) of valid solids per LoD for the release to be published. */
  minValidShare: Schema.optionalWith(
    Schema.Struct({ lod12: Schema.optional(Share), lod13: Schema.optional(Share), lod22: Schema.optional(Share) }),
    { default: () => ({ lod12: 0.99 }) })
})

export const releaseQualityReport = defineAsset({
  key: releaseQualityReportKey,
  group: "quality",
  description: "Quality of a whole release and the check that decides whether it may be published",
  deps: [dependsOn(qualityReportKey, { kind: "allSecondary" })],
  partitions: primaryPartitions("version"),
  completes: qualityReportKey,
  codeVersion: "1",
  configSchema: ReleaseQualityConfig,
  materialize: ({ partition, inputs, outputDir, config, asset }) =>
    Effect.gen(function* () {
      const tiles = yield* Effect.forEach(inputs, (i) =>
        Effect.promise(async () => JSON.parse(await readFile(i.filePath(REPORT_JSON), "utf8")) as TileReport))
      const report = releaseReport(partition.primary, tiles, { minValidShare: config.minValidShare })
      const bounds = Object.fromEntries(inputs.map((i) => [i.partition.secondary!,
        tileBounds(parseTileId(i.partition.secondary!)!) as [number, number, number, number]]))
      yield* Effect.promise(() => Promise.all([
        writeFile(join(outputDir, REPORT_JSON), reportJson(report)),
        writeFile(join(outputDir, REPORT_HTML), releaseReportHtml(report, {
          tileBounds: bounds, title: `Quality of release ${partition.primary}` }))
      ]))
      return {
        counts: { in: tiles.length, out: 1, failed: report.publishable ? 0 : 1 },
        metadata: { publishable: report.publishable, blockers: report.blockers, validity: report.totals.validity }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
