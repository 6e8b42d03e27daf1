/**
 * Staleness benchmark: status of 200,000 tile partitions (10 versions × 10,000 tiles, assets
 * tiling -> a -> b -> report, so 3 levels below the tiling) read from a real DuckDB file.
 * Prints the time of a full status check when all is fresh, and after one tile's slice changed.
 *   npx tsx bench/staleness.ts [versions] [tiles]
 */
import { DuckDBInstance } from "@duckdb/node-api"
import { SCHEMA } from "../engine/storage-duckdb.ts"
import { Effect, Layer, Schema } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  RunStorage, allStatuses, assetKey, buildGraph, checkHashOf, computeStatuses, dataVersionOf, defineAsset, dependsOn, dynamicPartitions, hashParts, inputHashOf,
  loadSnapshot, primaryPartitions, provideEngine, sha256Hex, stableStringify, type AnyDefinitions,
  type InputRecord
} from "../engine/index.ts"

const versions = Number(process.argv[2] ?? 10)
const tiles = Number(process.argv[3] ?? 10_000)
const K = { tiling: assetKey("tiling"), a: assetKey("a"), b: assetKey("b"), report: assetKey("report") }
const noop = () => Effect.succeed({})
const base = { description: "bench", group: "bench", codeVersion: "1", configSchema: Schema.Struct({}), materialize: noop }
const assets = [
  defineAsset({ ...base, key: K.tiling, deps: [], partitions: primaryPartitions("version") }),
  defineAsset({ ...base, key: K.a, deps: [dependsOn(K.tiling, { kind: "primaryOf" })],
    partitions: dynamicPartitions("version", "tile", K.tiling) }),
  defineAsset({ ...base, key: K.b, deps: [dependsOn(K.a)], partitions: dynamicPartitions("version", "tile", K.tiling) }),
  defineAsset({ ...base, key: K.report, deps: [dependsOn(K.b, { kind: "allSecondary" })],
    partitions: primaryPartitions("version") })
]
const versionKeys = Array.from({ length: versions }, (_, i) => `20${String(i).padStart(2, "0")}.01`)
const defs: AnyDefinitions = {
  assets, primaryKeys: Effect.succeed(versionKeys), config: () => Effect.succeed({}), resources: Layer.empty
}
const configHash = hashParts([stableStringify({})])
const tileIds = Array.from({ length: tiles }, (_, i) => `14/${i % 100}/${Math.floor(i / 100)}`)

/** Writes the latest table as a run would have left it: everything fresh. */
const populate = async (dbFile: string) => {
  const inst = await DuckDBInstance.create(dbFile)
  const c = await inst.connect()
  await c.run(SCHEMA)
  const app = await c.createAppender("latest")
  let id = 0
  const row = (asset: string, part: string, inputs: InputRecord[], slices: object | null) => {
    const ih = inputHashOf(inputs)
    const dv = dataVersionOf(part, "1", configHash, ih, [])
    const check = checkHashOf("1", configHash, inputs)
    for (const v of [asset, part, `m${id++}`, dv, "1", configHash, ih, check, JSON.stringify(slices), "[]", "[]"]) {
      app.appendVarchar(v)
    }
    app.endRow()
    return dv
  }
  for (const v of versionKeys) {
    const slices = Object.fromEntries(tileIds.map((t) => [t, sha256Hex(`${v}${t}`)]))
    row(K.tiling, v, [], slices)
    const bInputs: InputRecord[] = []
    for (const t of tileIds) {
      const a = row(K.a, `${v}:${t}`, [{ asset: K.tiling, partition: v, dataVersion: slices[t] }], null)
      const b = row(K.b, `${v}:${t}`, [{ asset: K.a, partition: `${v}:${t}`, dataVersion: a }], null)
      bInputs.push({ asset: K.b, partition: `${v}:${t}`, dataVersion: b })
    }
    row(K.report, v, bInputs, null)
  }
  app.closeSync()
  c.closeSync()
  inst.closeSync()
  return id
}

/** The two phases apart: reading the latest records, and the in-memory check. */
const phases = (home: string) =>
  Effect.runPromise(provideEngine(defs, home, Effect.gen(function* () {
    const storage = yield* RunStorage
    const graph = buildGraph(assets)
    const t0 = performance.now()
    const latest = yield* storage.latestIndex(assets.map((a) => a.key))
    const t1 = performance.now()
    computeStatuses({ graph, latest, primaryKeys: versionKeys, configHash: () => configHash,
      observations: new Map() })
    const t2 = performance.now()
    console.log(`  read latest ${(t1 - t0).toFixed(0)} ms, check ${(t2 - t1).toFixed(0)} ms`)
  })))

const time = async (label: string, home: string) => {
  const graph = buildGraph(assets)
  await phases(home)
  const t0 = performance.now()
  const snap = await Effect.runPromise(provideEngine(defs, home, loadSnapshot(defs, graph, { observe: false })))
  const ms = performance.now() - t0
  const counts = { FRESH: 0, STALE: 0, MISSING: 0 }
  const all = allStatuses(snap)
  for (const s of all) counts[s.status]++
  console.log(`${label}: ${all.length} partitions in ${ms.toFixed(0)} ms ` +
    `(${(all.length / (ms / 1000)).toFixed(0)}/s) ${JSON.stringify(counts)}`)
}

const home = mkdtempSync(join(tmpdir(), "bench-staleness-"))
const t0 = performance.now()
const rows = await populate(join(home, "assets.duckdb"))
console.log(`populated ${rows} latest materializations in ${(performance.now() - t0).toFixed(0)} ms`)
await time("all fresh (cold)", home)
await time("all fresh (warm)", home)
const inst = await DuckDBInstance.create(join(home, "assets.duckdb"))
const c = await inst.connect()
await c.run(`UPDATE latest SET slices = replace(slices, '"${tileIds[7]}":"', '"${tileIds[7]}":"x')
  WHERE asset='tiling' AND partition_key='${versionKeys[0]}'`)
c.closeSync()
inst.closeSync()
await time("one tile's footprints changed", home)
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`)
