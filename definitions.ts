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
import * as AhnCatalog from "./resources/AhnCatalog.ts"
import * as Crs from "./resources/Crs.ts"
import * as Duck from "./resources/Duck.ts"
import * as Footprints from "./resources/Footprints.ts"
import * as Releases from "./resources/Releases.ts"

export const assets = [tiling, bagExtract, ahnIndex] as const

const home = resolveHome()

const resources = Layer.mergeAll(
  Releases.layer({ dir: Releases.releasesDir(), downloadCache: join(home, "downloads") }),
  AhnCatalog.layer(join(home, "cache", "ahn")).pipe(Layer.provide(workerPoolLayer())),
  Footprints.layer,
  Duck.layer,
  Crs.layer
)

export const definitions: Definitions<typeof assets, Releases.Releases> = {
  assets,
  primaryKeys: Effect.flatMap(Releases.Releases, (r) => r.versions),
  config: (asset, version) => Effect.flatMap(Releases.Releases, (r) => r.assetConfig(version, asset)),
  resources
}
