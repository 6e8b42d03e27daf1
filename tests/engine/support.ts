import { Effect } from "effect"
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  allStatuses, buildGraph, loadSnapshot, materialize, provideEngine, silentReporter, type AnyDefinitions,
  type MaterializeSummary, type PartitionStatus
} from "../../engine/index.ts"

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`))

/** A folder of `<name>.txt` files with the given contents. */
export const sourceDir = (files: Record<string, string>) => {
  const dir = tempDir("toy-src")
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.txt`), text)
  return dir
}

export const runMaterialize = (
  defs: AnyDefinitions, home: string, selection: string, partitions?: string, concurrency = 2
): Promise<MaterializeSummary> => {
  const graph = buildGraph(defs.assets)
  return Effect.runPromise(provideEngine(defs, home,
    materialize(defs, graph, { selection, partitions, concurrency, command: "test", reporter: silentReporter })))
}

export const runStatus = async (defs: AnyDefinitions, home: string) => {
  const graph = buildGraph(defs.assets)
  const snap = await Effect.runPromise(provideEngine(defs, home, loadSnapshot(defs, graph, { observe: true })))
  return new Map(allStatuses(snap).map((st) => [`${st.asset}@${st.label}`, st])) as ReadonlyMap<string, PartitionStatus>
}

export const materializedKeys = (s: MaterializeSummary) =>
  s.outcomes.filter((o) => o.outcome === "materialized").map((o) => `${o.asset}@${o.partition}`).sort()
