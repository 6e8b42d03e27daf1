/**
 * The materializer: from a selection and a partition filter, runs the STALE and MISSING
 * partitions in topological order of assets (the selected assets and, by default, their stale
 * ancestors), with bounded concurrency within each asset. Before each asset the status is
 * recomputed, so a partition whose upstream re-materialized to the same data is skipped as fresh.
 * A failed partition is recorded with its error; partitions that read it fail as "upstream
 * failed"; every other partition goes on.
 */
import { Cause, Effect, Exit } from "effect"
import { randomUUID } from "node:crypto"
import type { AnyAsset, InputPartition, MaterializeResult } from "./asset.ts"
import { AssetError, SelectionError, errorMessage } from "./errors.ts"
import { FileStore } from "./file-store.ts"
import type { AnyDefinitions, AssetGraph } from "./graph.ts"
import { ancestors } from "./graph.ts"
import { formatPartition, nodeId, parsePartition, type AssetKey, type PartitionKey } from "./keys.ts"
import type { Reporter } from "./progress.ts"
import { parsePartitionFilter, parseSelection } from "./selection.ts"
import {
  checkHashOf, dataVersionOf, inputHashOf, partitionsOf, upstreamOf, type PartitionStatus
} from "./staleness.ts"
import { loadSnapshot, type StatusSnapshot } from "./status.ts"
import { RunStorage, type MaterializationRecord } from "./storage.ts"

export interface MaterializeOptions {
  readonly selection: string
  readonly partitions?: string
  readonly concurrency: number
  /** Also run stale or missing ancestors of the selection (default true). */
  readonly upstream?: boolean
  /** Re-run the selected assets' partitions even when fresh (e.g. after `verify` found damage). */
  readonly force?: boolean
  readonly command: string
  readonly reporter: Reporter
}

export type Outcome = "materialized" | "failed"

export interface PartitionOutcome {
  readonly asset: AssetKey
  readonly partition: string
  readonly outcome: Outcome
  readonly durationMs: number
  readonly dataVersion: string | null
  readonly counts: MaterializeResult["counts"] | null
  readonly error: string | null
}

export interface MaterializeSummary {
  readonly runId: string
  readonly materialized: number
  readonly skipped: number
  readonly failed: number
  readonly outcomes: ReadonlyArray<PartitionOutcome>
}

const plannedAssets = (graph: AssetGraph, selected: ReadonlyArray<AssetKey>, upstream: boolean) => {
  const keys = new Set(selected)
  if (upstream) for (const k of selected) for (const a of ancestors(graph, k)) keys.add(a)
  return graph.order.filter((a) => keys.has(a.key))
}

export const materialize = (defs: AnyDefinitions, graph: AssetGraph, opts: MaterializeOptions) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    const store = yield* FileStore
    const selected = yield* parseSelection(graph, opts.selection)
    const filter = parsePartitionFilter(opts.partitions)
    const runId = randomUUID()
    yield* storage.startRun({ id: runId, command: opts.command, selection: opts.selection,
      partitions: filter.text, startedAt: new Date().toISOString() })
    const abandoned = yield* storage.abandonUnfinishedRuns(runId)
    yield* store.sweep(yield* storage.referencedFiles())
    if (abandoned.length > 0) {
      yield* storage.appendEvent({ runId, asset: null, partition: null, type: "RUNS_ABANDONED",
        message: `${abandoned.length} earlier run(s) did not finish`, data: { runs: abandoned } })
    }
    const known = yield* defs.primaryKeys
    if (!known.some(filter.matchesPrimary)) {
      return yield* new SelectionError({ expression: filter.text,
        message: `no version matches '${filter.text}'; known: ${known.join(", ") || "(none)"}` })
    }
    const outcomes: PartitionOutcome[] = []
    let selectedMatched = 0
    const failedNodes = new Set<string>()
    let skipped = 0
    for (const asset of plannedAssets(graph, selected, opts.upstream ?? true)) {
      const snap = yield* loadSnapshot(defs, graph, { observe: true })
      const parts = partitionsOf(asset, snap.primaryKeys, snap.latest).filter(filter.matches)
      const byLabel = snap.statuses.get(asset.key)!
      const forced = (opts.force ?? false) && selected.includes(asset.key)
      if (selected.includes(asset.key)) selectedMatched += parts.length
      const todo = parts.map((p) => byLabel.get(formatPartition(p))!).filter((st) => forced || st.status !== "FRESH")
      skipped += parts.length - todo.length
      opts.reporter.asset(asset.key, todo.length, parts.length - todo.length)
      const partsByAsset = new Map(graph.order.map((a) =>
        [a.key, partitionsOf(a, snap.primaryKeys, snap.latest)] as const))
      const results = yield* Effect.forEach(todo, (st) =>
        runPartition(asset, st, snap, partsByAsset, runId, failedNodes).pipe(
          Effect.tap((o) => Effect.sync(() => {
            if (o.outcome === "failed") failedNodes.add(nodeId(asset.key, parsePartition(o.partition)))
            opts.reporter.partition(o)
          }))
        ), { concurrency: Math.max(1, opts.concurrency) })
      outcomes.push(...results)
    }
    // Nothing selected matched and nothing failed: the partition expression names nothing. (When
    // an upstream that defines the partitions failed, that failure is the answer instead.)
    if (selectedMatched === 0 && outcomes.every((o) => o.outcome !== "failed")) {
      yield* storage.endRun(runId, "failed", { materialized: 0, skipped, failed: 0 })
      return yield* new SelectionError({ expression: filter.text,
        message: `no partition of ${selected.join(", ")} matches '${filter.text}'` })
    }
    const summary: MaterializeSummary = {
      runId,
      materialized: outcomes.filter((o) => o.outcome === "materialized").length,
      skipped,
      failed: outcomes.filter((o) => o.outcome === "failed").length,
      outcomes
    }
    yield* storage.endRun(runId, summary.failed === 0 ? "succeeded" : "failed", {
      materialized: summary.materialized, skipped: summary.skipped, failed: summary.failed
    })
    return summary
  })

const loadInputs = (st: PartitionStatus) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    const store = yield* FileStore
    const byAsset = new Map<string, string[]>()
    for (const i of st.inputs) byAsset.set(i.asset, [...(byAsset.get(i.asset) ?? []), i.partition])
    const records = new Map<string, MaterializationRecord>()
    for (const [asset, parts] of byAsset) {
      for (const r of yield* storage.latestMany(asset, parts)) records.set(`${asset}@${r.partition}`, r)
    }
    return st.inputs.map((i): InputPartition => {
      const r = records.get(`${i.asset}@${i.partition}`)!
      const files = r.files
      return {
        asset: i.asset as AssetKey,
        partition: parsePartition(i.partition),
        dataVersion: i.dataVersion,
        files,
        metadata: r.metadata,
        filePath: (name) => {
          const f = files.find((x) => x.name === name)
          if (f === undefined) throw new Error(`${i.asset}@${i.partition} has no output '${name}'`)
          return store.absolute(f.path)
        }
      }
    })
  })

type PartsByAsset = ReadonlyMap<AssetKey, ReadonlyArray<PartitionKey>>

const failedUpstream = (
  asset: AnyAsset, st: PartitionStatus, snap: StatusSnapshot, byAsset: PartsByAsset, failed: Set<string>
) => {
  for (const u of upstreamOf(asset, st.partition, byAsset)) {
    const id = nodeId(u.asset, u.partition)
    if (failed.has(id)) return `upstream ${id} failed in this run`
    if (snap.latest.get(u.asset, formatPartition(u.partition)) === undefined) return `upstream ${id} is MISSING`
  }
  return null
}

const runPartition = (
  asset: AnyAsset,
  st: PartitionStatus,
  snap: StatusSnapshot,
  byAsset: PartsByAsset,
  runId: string,
  failed: Set<string>
) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    const store = yield* FileStore
    const started = performance.now()
    const label = formatPartition(st.partition)
    const fail = (error: string): PartitionOutcome => ({ asset: asset.key, partition: label,
      outcome: "failed", durationMs: performance.now() - started, dataVersion: null, counts: null, error })
    const blocked = failedUpstream(asset, st, snap, byAsset, failed)
    const cfg = snap.config(asset.key, st.partition.primary)
    if (blocked !== null || cfg.error !== null) {
      const error = blocked ?? `configuration of '${asset.key}' for ${st.partition.primary}: ${cfg.error}`
      yield* storage.appendEvent({ runId, asset: asset.key, partition: label, type: "FAILURE",
        message: error, data: null })
      return fail(error)
    }
    const attempt = Effect.acquireUseRelease(
      store.makeTempDir(),
      (outputDir) => Effect.gen(function* () {
        const inputs = yield* loadInputs(st)
        const result = yield* asset.materialize({ asset: asset.key, partition: st.partition,
          config: cfg.value, runId, inputs, outputDir })
        const sources = [...(result.sources ?? [])].sort((a, b) => (a.path < b.path ? -1 : 1))
        const inputHash = inputHashOf(st.inputs)
        const dataVersion = dataVersionOf(label, asset.codeVersion, cfg.hash, inputHash, sources)
        const files = yield* store.commitDir(outputDir, asset.key, st.partition, dataVersion)
        const durationMs = performance.now() - started
        yield* storage.commit({ id: randomUUID(), runId, asset: asset.key, partition: label, dataVersion,
          codeVersion: asset.codeVersion, configHash: cfg.hash, config: cfg.value, inputHash,
          checkHash: checkHashOf(asset.codeVersion, cfg.hash, st.inputs),
          files, sources, slices: result.slices ?? null,
          metadata: { ...(result.metadata ?? {}), ...(result.counts ? { counts: result.counts } : {}) },
          durationMs, createdAt: new Date().toISOString() }, st.inputs)
        yield* store.pruneSuperseded(asset.key, st.partition, dataVersion)
        return { asset: asset.key, partition: label, outcome: "materialized", durationMs, dataVersion,
          counts: result.counts ?? null, error: null } satisfies PartitionOutcome
      }),
      (dir, exit) => (Exit.isSuccess(exit) ? Effect.void : store.discard(dir))
    )
    yield* storage.appendEvent({ runId, asset: asset.key, partition: label, type: "STEP_START",
      message: null, data: { causes: st.causes.map((c) => c.kind), status: st.status } })
    const exit = yield* Effect.exit(attempt)
    if (Exit.isSuccess(exit)) return exit.value
    const error = describeFailure(exit.cause)
    yield* storage.appendEvent({ runId, asset: asset.key, partition: label, type: "FAILURE",
      message: error, data: null })
    return fail(error)
  })

const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const f = Cause.failureOption(cause)
  if (f._tag === "Some") {
    const e = f.value
    return e instanceof AssetError ? e.message : errorMessage(e)
  }
  return `defect: ${Cause.pretty(cause).split("\n")[0]}`
}
