/**
 * Loads everything the staleness check needs (latest materializations, resolved configurations,
 * observations of source files) and returns every partition's status with named causes.
 */
import { Effect, Either, Schema } from "effect"
import type { AnyAsset, Observation } from "./asset.ts"
import type { AnyDefinitions, AssetGraph } from "./graph.ts"
import { errorMessage, formatParseError } from "./errors.ts"
import { hashParts, stableStringify } from "./hash.ts"
import { formatPartition, type AssetKey } from "./keys.ts"
import {
  computeStatuses, explainStale, inputHashOf, observationKey, partitionsOf, type PartitionStatus
} from "./staleness.ts"
import { RunStorage, type LatestIndex } from "./storage.ts"

export interface ResolvedConfig {
  readonly value: unknown
  readonly hash: string
  readonly error: string | null
}

export interface StatusSnapshot {
  /** Status per asset, then per partition label (`VERSION:TILE`). */
  readonly statuses: ReadonlyMap<AssetKey, ReadonlyMap<string, PartitionStatus>>
  readonly latest: LatestIndex
  readonly primaryKeys: ReadonlyArray<string>
  readonly config: (asset: AssetKey, primary: string) => ResolvedConfig
}

/** Every status of a snapshot, assets in topological order. */
export const allStatuses = (snap: StatusSnapshot): PartitionStatus[] =>
  [...snap.statuses.values()].flatMap((m) => [...m.values()])

const resolveConfig = (defs: AnyDefinitions, asset: AnyAsset, primary: string) =>
  defs.config(asset.key, primary).pipe(
    Effect.map((raw) => Schema.decodeUnknownEither(asset.configSchema, { onExcessProperty: "error" })(raw ?? {})),
    Effect.map((decoded): ResolvedConfig =>
      Either.isRight(decoded)
        ? { value: decoded.right, hash: hashParts([stableStringify(decoded.right)]), error: null }
        : invalid(formatParseError(decoded.left))
    ),
    Effect.catchAll((e) => Effect.succeed(invalid(errorMessage(e))))
  )

const invalid = (message: string): ResolvedConfig => ({ value: null, hash: `invalid:${message}`, error: message })

export interface SnapshotOptions {
  /** Observe source files (hash them, cached by stat); off only for benchmarks of the pure check. */
  readonly observe: boolean
}

export const loadSnapshot = (defs: AnyDefinitions, graph: AssetGraph, opts: SnapshotOptions) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    const primaryKeys = yield* defs.primaryKeys
    const latest = yield* storage.latestIndex(graph.order.map((a) => a.key))
    const configs = new Map<string, ResolvedConfig>()
    for (const asset of graph.order) {
      for (const k of primaryKeys) configs.set(`${asset.key}\u0000${k}`, yield* resolveConfig(defs, asset, k))
    }
    const config = (asset: AssetKey, primary: string) =>
      configs.get(`${asset}\u0000${primary}`) ?? invalid(`no configuration for version '${primary}'`)
    const observations = opts.observe
      ? yield* observeSources(graph, primaryKeys, latest, config)
      : new Map<string, Observation>()
    const statuses = computeStatuses({
      graph, latest, primaryKeys, observations, configHash: (a, p) => config(a, p).hash
    })
    for (const asset of graph.order) {
      const byLabel = statuses.get(asset.key)!
      const stale = [...byLabel.values()].filter((st) => st.unexplained)
      if (stale.length === 0) continue
      const details = yield* storage.latestDetails(asset.key, stale.map((st) => st.label))
      const differing = stale.filter((st) => {
        const d = details.get(st.label)
        return d !== undefined && d.inputHash !== inputHashOf(st.inputs)
      })
      const recorded = yield* storage.inputsOfMany(differing.map((st) => details.get(st.label)!.materializationId))
      for (const st of stale) {
        const d = details.get(st.label)!
        const inputs = d.inputHash !== inputHashOf(st.inputs) ? recorded.get(d.materializationId) ?? [] : undefined
        const cfg = config(asset.key, st.partition.primary)
        byLabel.set(st.label, explainStale(st, asset, cfg.hash, cfg.value, d, inputs))
      }
    }
    return { statuses, latest, primaryKeys, config } satisfies StatusSnapshot
  })

const observeSources = (
  graph: AssetGraph,
  primaryKeys: ReadonlyArray<string>,
  latest: LatestIndex,
  config: (asset: AssetKey, primary: string) => ResolvedConfig
) =>
  Effect.gen(function* () {
    const out = new Map<string, Observation | { error: string }>()
    for (const asset of graph.order) {
      const observe = asset.observe
      if (observe === undefined) continue
      const parts = partitionsOf(asset, primaryKeys, latest)
        .filter((p) => latest.get(asset.key, formatPartition(p)) !== undefined)
      yield* Effect.forEach(parts, (p) => {
        const cfg = config(asset.key, p.primary)
        if (cfg.error !== null) return Effect.void
        return observe({ asset: asset.key, partition: p, config: cfg.value }).pipe(
          Effect.match({
            onFailure: (e) => out.set(observationKey(asset.key, formatPartition(p)), { error: errorMessage(e) }),
            onSuccess: (o) => out.set(observationKey(asset.key, formatPartition(p)), o)
          })
        )
      }, { concurrency: 8, discard: true })
    }
    return out
  })
