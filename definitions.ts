/**
 * The graph: which assets exist, and which Layers provide their resources. No logic here.
 * The versions are the release files under `releases/`; each asset's configuration for a version
 * is that release's `assets.<key>` object, decoded by the asset's schema.
 */
import { Effect, Layer } from "effect"
import { join } from "node:path"
import { resolveHome, workerPoolLayer, type Definitions } from "./engine/index.ts"
import { ahnIndex } from "./assets/sources/ahn_index.ts"
import { bagExtract } from "./assets/sources/bag_extract.ts"
import { tiling } from "./assets/sources/tiling.ts"
import { reconstructedTiles } from "./assets/reconstruction/reconstructed_tiles.ts"
import { qualityReport } from "./assets/quality/quality_report.ts"
import { releaseQualityReport } from "./assets/quality/release_quality_report.ts"
import { downloadableTiles } from "./assets/distribution/downloadable_tiles.ts"
import { makePublishedRelease } from "./assets/distribution/published_release.ts"
import { locateBuilding } from "./assets/lineage/building.ts"
import { readFile } from "node:fs/promises"
import * as AhnCatalog from "./resources/AhnCatalog.ts"
import * as Crs from "./resources/Crs.ts"
import * as Duck from "./resources/Duck.ts"
import * as Footprints from "./resources/Footprints.ts"
import * as Publisher from "./resources/Publisher.ts"
import * as Releases from "./resources/Releases.ts"

const buildSteps = [tiling, bagExtract, ahnIndex, reconstructedTiles, qualityReport, releaseQualityReport,
  downloadableTiles] as const

/** This product's version and the versions of the packages whose code shapes the output bytes. */
const softwareVersions = async (): Promise<Record<string, string>> => {
  const pkg = JSON.parse(await readFile(new URL("./package.json", import.meta.url), "utf8"))
  const pick = ["effect", "@duckdb/node-api", "laz-perf", "better-sqlite3", "polygon-clipping", "earcut"]
  return { [pkg.name]: pkg.version, ...Object.fromEntries(pick.map((d) => [d, pkg.dependencies[d]])) }
}

const publishedRelease = makePublishedRelease(
  () => buildSteps.map((a) => ({ asset: a.key, codeVersion: a.codeVersion, description: a.description })),
  softwareVersions)

export const assets = [...buildSteps, publishedRelease] as const

export interface Settings {
  /** ASSETS_HOME: database, file store, caches and downloads. */
  readonly home: string
  /** Folder of release files. */
  readonly releasesDir: string
  /** Worker threads for CPU-heavy work; default the number of cores. */
  readonly workers?: number
}

export const makeDefinitions = (s: Settings): Definitions<typeof assets, Releases.Releases> => {
  const pool = workerPoolLayer(s.workers)
  const resources = Layer.mergeAll(
    Releases.layer({ dir: s.releasesDir, downloadCache: join(s.home, "downloads"),
      assetKeys: [...buildSteps, publishedRelease].map((a) => a.key) }),
    AhnCatalog.layer(join(s.home, "cache", "ahn")),
    Footprints.layer,
    Duck.layer,
    Crs.layer,
    Publisher.layer(s.home)
  ).pipe(Layer.provideMerge(pool))
  return {
    assets,
    entities: { building: locateBuilding },
    primaryKeys: Effect.flatMap(Releases.Releases, (r) => r.versions),
    config: (asset, version) => Effect.flatMap(Releases.Releases, (r) => r.assetConfig(version, asset)),
    resources
  }
}

export const definitions = makeDefinitions({ home: resolveHome(), releasesDir: Releases.releasesDir() })
