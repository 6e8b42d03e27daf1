/**
 * `published_release` (per version): the release as users get it, under
 * `$ASSETS_HOME/releases/<version>/`: every tile's files, `tile_index.json` and `tile_index.fgb`
 * (tile polygon, id, building count, path and sha256 of each file), `metadata.json` (lineage:
 * sources with sha256, dates and licences; process steps with code versions and parameters) and
 * `quality/report.{json,html}`. It publishes only when the release quality check passes; else it
 * fails naming every blocker. It completes `downloadable_tiles`: selecting that selects this.
 */
import { Effect, Schema } from "effect"
import * as fs from "node:fs/promises"
import { join } from "node:path"
import { assetKey, defineAsset, dependsOn, primaryPartitions, type InputPartition } from "../../engine/index.ts"
import { parseTileId, tileBounds } from "../../kernels/quadtree.ts"
import { releaseMetadata, type MetadataSource } from "../../kernels/release-metadata.ts"
import { Publisher, linkOrCopy } from "../../resources/Publisher.ts"
import { Releases, ahnEpochs } from "../../resources/Releases.ts"
import { writeTileIndex, type TileIndexEntry } from "../../resources/tile-index-writer.ts"
import { assetFailure } from "../asset-errors.ts"
import { REPORT_HTML, REPORT_JSON } from "../quality/quality_report.ts"
import { releaseQualityReportKey } from "../quality/release_quality_report.ts"
import { downloadableTilesKey } from "./downloadable_tiles.ts"

export const publishedReleaseKey = assetKey("published_release")

/** Code version and parameters of every asset on the way, for the metadata's process steps. */
export interface ProcessStepInfo { readonly asset: string; readonly codeVersion: string; readonly description: string }


const tileEntry = (t: InputPartition): TileIndexEntry => {
  const [x0, y0, x1, y1] = tileBounds(parseTileId(t.partition.secondary!)!)
  const meta = t.metadata as { buildings: number; files: Array<{ format: string; path: string }> }
  return {
    tileId: t.partition.secondary!,
    polygon: [Float64Array.of(x0, y0, x1, y0, x1, y1, x0, y1)],
    buildingCount: meta.buildings,
    files: meta.files.map((f) => ({ format: f.format, url: f.path,
      sha256: t.files.find((s) => s.name === f.path)!.sha256 }))
  }
}

const metadataSources = (version: string) =>
  Effect.gen(function* () {
    const releases = yield* Releases
    const release = yield* releases.release(version)
    const bag = (yield* releases.bagSources(version)).map((s): MetadataSource => ({
      name: `BAG: ${s.source.name}`, ...(s.file.origin.startsWith("http") ? { url: s.file.origin } : { path: s.file.origin }),
      sha256: s.file.sha256, date: s.source.date, licence: s.source.licence }))
    const epochs = new Map(ahnEpochs(release))
    const ahn = (yield* releases.ahnFiles(version)).map((f): MetadataSource => ({
      name: `${f.epoch}: ${f.origin.split("/").pop()}`,
      ...(f.origin.startsWith("http") ? { url: f.origin } : { path: f.origin }),
      sha256: f.sha256, date: String(epochs.get(f.epoch)!.year), licence: epochs.get(f.epoch)!.licence,
      description: epochs.get(f.epoch)!.modelling ? undefined : "measured for coverage and mutation only" }))
    return { release, sources: [...bag, ...ahn] }
  })

export const makePublishedRelease = (
  steps: () => ReadonlyArray<ProcessStepInfo>,
  software: () => Promise<Record<string, string>>
) =>
  defineAsset({
    key: publishedReleaseKey,
    group: "distribution",
    description: "The published release: all tile files, tile index, lineage metadata and quality report",
    deps: [dependsOn(downloadableTilesKey, { kind: "allSecondary" }), dependsOn(releaseQualityReportKey)],
    partitions: primaryPartitions("version"),
    completes: downloadableTilesKey,
    codeVersion: "2",
    configSchema: Schema.Struct({}),
    materialize: ({ partition, inputs, outputDir, asset }) =>
      Effect.gen(function* () {
        const version = partition.primary
        const quality = inputs.find((i) => i.asset === releaseQualityReportKey)!
        const check = quality.metadata as { publishable: boolean; blockers: string[] }
        if (!check.publishable) {
          return yield* Effect.fail(new Error(`release ${version} is not published: ${check.blockers.join("; ")}`))
        }
        const tiles = inputs.filter((i) => i.asset === downloadableTilesKey)
        yield* Effect.promise(async () => {
          for (const t of tiles) for (const f of t.files) await linkOrCopy(t.filePath(f.name), join(outputDir, f.name))
          await linkOrCopy(quality.filePath(REPORT_JSON), join(outputDir, "quality", REPORT_JSON))
          await linkOrCopy(quality.filePath(REPORT_HTML), join(outputDir, "quality", REPORT_HTML))
        })
        yield* Effect.try(() => writeTileIndex(outputDir, tiles.map(tileEntry)))
        const { release, sources } = yield* metadataSources(version)
        const processSteps = steps().map((s) => ({ ...s, parameters: (release.assets[s.asset] ?? {}) as Record<string, unknown> }))
        const versions = yield* Effect.promise(software)
        const meta = releaseMetadata({ version, date: release.date, title: release.title, sources, processSteps,
          software: versions })
        if (!meta.ok) return yield* Effect.fail(new Error(`metadata.json: ${meta.reason}`))
        yield* Effect.promise(() => fs.writeFile(join(outputDir, "metadata.json"), meta.text))
        const published = yield* (yield* Publisher).publish(version, outputDir)
        const buildings = tiles.reduce((n, t) => n + (t.metadata as { buildings: number }).buildings, 0)
        return {
          counts: { in: tiles.length, out: published.length, failed: 0 },
          metadata: { tiles: tiles.length, buildings, published }
        }
      }).pipe(Effect.mapError(assetFailure(asset, partition)))
  })
