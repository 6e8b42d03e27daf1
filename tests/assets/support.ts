import { Effect } from "effect"
import { mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { makeDefinitions } from "../../definitions.ts"
import {
  allStatuses, buildGraph, loadSnapshot, materialize, provideEngine, RunStorage, silentReporter,
  type MaterializeSummary, type PartitionStatus
} from "../../engine/index.ts"
import { tempDir } from "../engine/support.ts"

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
export const sharedData = resolve(repoRoot, "../shared/data")
export const sampleReleases = join(repoRoot, "releases")

export interface Pipeline {
  readonly home: string
  readonly materialize: (selection: string, partitions: string) => Promise<MaterializeSummary>
  readonly statuses: (selection?: ReadonlyArray<string>) => Promise<PartitionStatus[]>
  readonly latest: (asset: string, partition: string) => Promise<any>
}

export const pipeline = (releasesDir: string, home = tempDir("home")): Pipeline => {
  const defs = makeDefinitions({ home, releasesDir, workers: 2 })
  const graph = buildGraph(defs.assets)
  const run = <A>(p: Effect.Effect<A, any, any>) => Effect.runPromise(provideEngine(defs, home, p))
  return {
    home,
    materialize: (selection, partitions) =>
      run(materialize(defs, graph, { selection, partitions, concurrency: 2, command: "test", reporter: silentReporter })),
    statuses: async (selection) => {
      const snap = await run(loadSnapshot(defs, graph, { observe: true }))
      return allStatuses(snap).filter((s) => selection === undefined || selection.includes(s.asset))
    },
    latest: (asset, partition) => run(Effect.flatMap(RunStorage, (s) => s.latest(asset, partition)))
  }
}

/** A releases folder holding one release file with the given content. */
export const releaseDir = (release: Record<string, unknown>) => {
  const dir = join(tempDir("releases"), "releases")
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${release.version}.json`), JSON.stringify(release, null, 2))
  return dir
}

export const delftRelease = (bagFile: unknown, ahnFiles: unknown[], assets: Record<string, unknown> = {}) => ({
  version: "2030.01",
  title: "test release",
  date: "2030-01-01",
  bag: [{ name: "delft", file: bagFile, licence: "CC0-1.0", date: "2017-07-21" }],
  ahn: { AHN3: { year: 2014, rank: 2, buildingClass: 6, licence: "CC0-1.0", files: ahnFiles } },
  assets: { tiling: { maxPerTile: 60 }, ...assets }
})
