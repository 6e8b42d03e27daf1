/**
 * The engine's home folder (`ASSETS_HOME`, default `./.assets`): the DuckDB database, the file
 * store and the source-hash cache. `engineLayer` provides the three services over it.
 */
import { Layer } from "effect"
import { join, resolve } from "node:path"
import { fileStoreLayer } from "./file-store.ts"
import { sourceHashesLayer } from "./source-hashes.ts"
import { duckdbRunStorage } from "./storage-duckdb.ts"

export const resolveHome = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(env.ASSETS_HOME && env.ASSETS_HOME.length > 0 ? env.ASSETS_HOME : ".assets")

export const engineLayer = (home: string) =>
  Layer.mergeAll(
    duckdbRunStorage(join(home, "assets.duckdb")),
    fileStoreLayer(join(home, "store")),
    sourceHashesLayer(join(home, "source-hashes.json"))
  )
