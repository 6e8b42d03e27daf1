/**
 * Lineage: the upstream tree of a partition as it was recorded. Each node names the exact
 * materialization that was read (found by the data version the downstream recorded), with its code
 * version, configuration, run, time, source files with sha256, and output files.
 */
import { Effect } from "effect"
import type { SourceFile, StoredFile } from "./asset.ts"
import { RunStorage, type MaterializationRecord } from "./storage.ts"

export interface LineageNode {
  readonly asset: string
  readonly partition: string
  readonly dataVersion: string
  readonly codeVersion: string | null
  readonly config: unknown
  readonly runId: string | null
  readonly materializedAt: string | null
  readonly sources: ReadonlyArray<SourceFile>
  readonly files: ReadonlyArray<StoredFile>
  readonly metadata: Readonly<Record<string, unknown>>
  /** True when the recorded materialization is no longer in storage. */
  readonly unresolved: boolean
  readonly upstream: ReadonlyArray<LineageNode>
}

const pick = (history: ReadonlyArray<MaterializationRecord>, dataVersion: string) =>
  history.find((m) => m.dataVersion === dataVersion) ??
  history.find((m) => m.slices !== null && Object.values(m.slices).includes(dataVersion))

/** `maxNodes` bounds the walk (an all-tiles report can read thousands of partitions). */
export const lineageOf = (asset: string, partition: string, maxNodes = 10_000) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    let budget = maxNodes
    const visit = (m: MaterializationRecord, seenDv: string): Effect.Effect<LineageNode, any, RunStorage> =>
      Effect.gen(function* () {
        budget--
        const inputs = yield* storage.inputsOf(m.id)
        const upstream: LineageNode[] = []
        for (const i of inputs) {
          if (budget <= 0) break
          const found = pick(yield* storage.history(i.asset, i.partition), i.dataVersion)
          upstream.push(found === undefined ? unresolved(i.asset, i.partition, i.dataVersion)
            : yield* visit(found, i.dataVersion))
        }
        return {
          asset: m.asset, partition: m.partition, dataVersion: seenDv, codeVersion: m.codeVersion,
          config: m.config, runId: m.runId, materializedAt: m.createdAt, sources: m.sources,
          files: m.files, metadata: m.metadata, unresolved: false, upstream
        }
      })
    const root = yield* storage.latest(asset, partition)
    return root === null ? null : yield* visit(root, root.dataVersion)
  })

const unresolved = (asset: string, partition: string, dataVersion: string): LineageNode => ({
  asset, partition, dataVersion, codeVersion: null, config: null, runId: null, materializedAt: null,
  sources: [], files: [], metadata: {}, unresolved: true, upstream: []
})
