/**
 * `ahn_index` (per version × tile): the AHN files of every epoch that intersect the tile, with
 * each file's header facts, classes present, acquisition date and sha256. Its data version
 * depends only on the files it maps to: a new or changed file elsewhere leaves it fresh.
 *
 * The tile is grown by `bufferMetres` (ground around footprints) plus `overhangMetres`, because
 * a footprint belongs to the tile of its representative point and may reach beyond the tile.
 * LIMITATION: a footprint reaching further than `overhangMetres` out of its tile can miss the
 * points of files that only cover its far end; it then shows as insufficient coverage.
 */
import { Effect, Schema } from "effect"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { assetKey, defineAsset, dynamicPartitions, type PartitionKey } from "../../engine/index.ts"
import { bboxesIntersect, bufferBBox, parseTileId, tileBounds } from "../../kernels/quadtree.ts"
import { AhnCatalog, type AhnFileInfo } from "../../resources/AhnCatalog.ts"
import { Releases } from "../../resources/Releases.ts"
import { assetFailure } from "../asset-errors.ts"
import { tilingKey } from "./tiling.ts"

export const ahnIndexKey = assetKey("ahn_index")
export const AHN_INDEX_FILE = "ahn_index.json"

export const AhnIndexConfig = Schema.Struct({
  bufferMetres: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 4 }),
  overhangMetres: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 60 })
})

/** The files of the release whose header bounds meet the grown tile, sorted by epoch then path. */
const mappedFiles = (partition: PartitionKey, config: typeof AhnIndexConfig.Type) =>
  Effect.gen(function* () {
    const releases = yield* Releases
    const catalog = yield* AhnCatalog
    const tile = parseTileId(partition.secondary ?? "")
    if (tile === null) return yield* Effect.fail(new Error(`'${partition.secondary}' is not a tile id z/x/y`))
    const extent = bufferBBox(tileBounds(tile), config.bufferMetres + config.overhangMetres)
    const files = yield* releases.ahnFiles(partition.primary)
    const read = yield* Effect.forEach(files, (f) => catalog.header(f).pipe(Effect.either), { concurrency: 4 })
    const infos = read.flatMap((r, i) => (r._tag === "Right" ? [{ f: files[i], info: r.right }] : []))
    // A file whose header cannot be read has no known extent, so it cannot be mapped; every tile
    // records it, so the gap is visible in each tile's index and in the release's quality report.
    const unreadable = read.flatMap((r, i) => (r._tag === "Left" ? [{ path: files[i].origin, reason: r.left.reason }] : []))
    return { extent, unreadable, mapped: infos.filter(({ info }) => bboxesIntersect(info.bounds as never, extent)) }
  })

export const ahnIndex = defineAsset({
  key: ahnIndexKey,
  group: "sources",
  description: "AHN files per epoch that cover a tile, with header facts, classes, dates and sha256",
  deps: [],
  partitions: dynamicPartitions("version", "tile", tilingKey),
  codeVersion: "1",
  configSchema: AhnIndexConfig,
  observe: ({ partition, config, asset }) =>
    mappedFiles(partition, config).pipe(
      Effect.map(({ mapped }) => ({ sources: mapped.map(({ info }) => ({ path: info.path, sha256: info.sha256 })) })),
      Effect.mapError(assetFailure(asset, partition))),
  materialize: ({ partition, config, outputDir, asset }) =>
    Effect.gen(function* () {
      const catalog = yield* AhnCatalog
      const { extent, mapped, unreadable } = yield* mappedFiles(partition, config)
      const files: Array<AhnFileInfo & { classCounts: Record<string, number>; acquisitionDate: string | null }> = []
      for (const { f, info } of mapped) {
        const scan = yield* catalog.scan(f)
        files.push({ ...info, classCounts: { ...scan.classCounts },
          acquisitionDate: scan.acquisitionDate ?? info.headerDate })
      }
      const epochs: Record<string, { files: number; points: number }> = {}
      for (const f of files) {
        const e = (epochs[f.epoch] ??= { files: 0, points: 0 })
        e.files++
        e.points += f.pointCount
      }
      yield* Effect.promise(() => writeFile(join(outputDir, AHN_INDEX_FILE),
        JSON.stringify({ tile: partition.secondary, extent, files, unreadable }, null, 1)))
      return {
        sources: files.map((f) => ({ path: f.path, sha256: f.sha256 })),
        counts: { in: files.length, out: files.length, failed: 0 },
        metadata: { extent, epochs, unreadable }
      }
    }).pipe(Effect.mapError(assetFailure(asset, partition)))
})
