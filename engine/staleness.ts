/**
 * Data versions and staleness, with every cause.
 *
 * data version(P) = sha256(code version, configuration hash, input hash[, source sha256s])
 * input hash(P)   = sha256 of the sorted (upstream asset, upstream partition, data version) it read
 *
 * The check reads every latest materialization once (columnar), then walks assets in topological
 * order. A partition is FRESH only if its code version, configuration hash and input hash equal the
 * recorded ones, its sources are unchanged, and no upstream partition is STALE or MISSING. Recorded
 * inputs are fetched only for partitions whose input hash differs, to name the changed upstream.
 * Cost: O(partitions × upstream partitions) hashing, no per-partition query.
 */
import type { AnyAsset, Observation, SourceFile } from "./asset.ts"
import type { AssetGraph } from "./graph.ts"
import { hashParts } from "./hash.ts"
import { formatPartition, nodeId, partitionKey, type AssetKey, type PartitionKey } from "./keys.ts"
import type { InputRecord, LatestEntry, LatestIndex } from "./storage.ts"

export type Status = "FRESH" | "STALE" | "MISSING"

export type StaleCause =
  | { readonly kind: "code_version_changed"; readonly recorded: string; readonly current: string }
  | { readonly kind: "config_changed"; readonly recorded: string; readonly current: string }
  | { readonly kind: "upstream_data_changed"; readonly upstream: string }
  | { readonly kind: "upstream_stale"; readonly upstream: string; readonly upstreamStatus: Status }
  | { readonly kind: "dependency_added"; readonly upstream: string }
  | { readonly kind: "dependency_removed"; readonly upstream: string }
  | { readonly kind: "source_changed"; readonly path: string; readonly recorded: string; readonly current: string }
  | { readonly kind: "source_added"; readonly path: string }
  | { readonly kind: "source_removed"; readonly path: string }
  | { readonly kind: "source_unreadable"; readonly message: string }
  | { readonly kind: "config_invalid"; readonly message: string }

export interface PartitionStatus {
  readonly asset: AssetKey
  readonly partition: PartitionKey
  readonly status: Status
  readonly causes: StaleCause[]
  /** The recorded data version, or null when MISSING. */
  readonly dataVersion: string | null
  /** The inputs this partition would read now. */
  readonly inputs: ReadonlyArray<InputRecord>
  readonly inputHash: string
  readonly materializationId: string | null
}

export interface StatusInputs {
  readonly graph: AssetGraph
  readonly latest: LatestIndex
  readonly primaryKeys: ReadonlyArray<string>
  /** Configuration hash per asset and primary key. */
  readonly configHash: (asset: AssetKey, primary: string) => string
  /** Current sources of source-asset partitions, by `nodeId`. */
  readonly observations: ReadonlyMap<string, Observation | { readonly error: string }>
}

export const describeCause = (c: StaleCause): string => {
  switch (c.kind) {
    case "code_version_changed": return `code version changed (${c.recorded} -> ${c.current})`
    case "config_changed": return `configuration changed (${c.recorded.slice(0, 12)} -> ${c.current.slice(0, 12)})`
    case "upstream_data_changed": return `upstream data changed: ${c.upstream}`
    case "upstream_stale": return `upstream ${c.upstream} is ${c.upstreamStatus}`
    case "dependency_added": return `dependency added: ${c.upstream}`
    case "dependency_removed": return `dependency removed: ${c.upstream}`
    case "source_changed": return `source file changed: ${c.path} (sha256 ${c.recorded.slice(0, 12)} -> ${c.current.slice(0, 12)})`
    case "source_added": return `source file added: ${c.path}`
    case "source_removed": return `source file removed: ${c.path}`
    case "source_unreadable": return `source cannot be read: ${c.message}`
    case "config_invalid": return `configuration invalid: ${c.message}`
  }
}

/** Partitions of an asset that exist now. Dynamic ones come from the slices of `from`. */
export const partitionsOf = (
  asset: AnyAsset,
  primaryKeys: ReadonlyArray<string>,
  latest: LatestIndex
): PartitionKey[] => {
  const def = asset.partitions
  if (def.kind === "primary") return primaryKeys.map((k) => partitionKey(k))
  const out: PartitionKey[] = []
  for (const k of primaryKeys) {
    const slices = latest.get(def.from, k)?.slices
    if (slices) for (const s of Object.keys(slices).sort()) out.push(partitionKey(k, s))
  }
  return out
}

/** The upstream partitions one partition reads, with the data version it would see now. */
export const upstreamOf = (
  asset: AnyAsset,
  p: PartitionKey,
  partitionsByAsset: ReadonlyMap<AssetKey, ReadonlyArray<PartitionKey>>
): Array<{ asset: AssetKey; partition: PartitionKey; slice: string | null }> => {
  const out: Array<{ asset: AssetKey; partition: PartitionKey; slice: string | null }> = []
  for (const d of asset.deps) {
    if (d.mapping.kind === "identity") out.push({ asset: d.asset, partition: p, slice: null })
    else if (d.mapping.kind === "primaryOf") {
      out.push({ asset: d.asset, partition: partitionKey(p.primary), slice: p.secondary })
    } else {
      for (const u of partitionsByAsset.get(d.asset) ?? []) {
        if (u.primary === p.primary) out.push({ asset: d.asset, partition: u, slice: null })
      }
    }
  }
  return out
}

export const inputHashOf = (inputs: ReadonlyArray<InputRecord>): string =>
  hashParts(inputs.map((i) => `${i.asset}\u0000${i.partition}\u0000${i.dataVersion}`).sort())

export const dataVersionOf = (
  codeVersion: string,
  configHash: string,
  inputHash: string,
  sources: ReadonlyArray<SourceFile>
): string =>
  hashParts([codeVersion, configHash, inputHash,
    ...sources.map((s) => `${s.path}\u0000${s.sha256}`).sort()])

const sourceCauses = (recorded: ReadonlyArray<SourceFile>, now: ReadonlyArray<SourceFile>): StaleCause[] => {
  const causes: StaleCause[] = []
  const before = new Map(recorded.map((s) => [s.path, s.sha256]))
  const after = new Map(now.map((s) => [s.path, s.sha256]))
  for (const [path, sha] of after) {
    const old = before.get(path)
    if (old === undefined) causes.push({ kind: "source_added", path })
    else if (old !== sha) causes.push({ kind: "source_changed", path, recorded: old, current: sha })
  }
  for (const path of before.keys()) if (!after.has(path)) causes.push({ kind: "source_removed", path })
  return causes
}

const currentInputs = (
  asset: AnyAsset,
  p: PartitionKey,
  s: StatusInputs,
  partitionsByAsset: ReadonlyMap<AssetKey, ReadonlyArray<PartitionKey>>,
  statuses: ReadonlyMap<string, PartitionStatus>,
  causes: StaleCause[]
): InputRecord[] => {
  const inputs: InputRecord[] = []
  for (const u of upstreamOf(asset, p, partitionsByAsset)) {
    const up = statuses.get(nodeId(u.asset, u.partition))
    const label = nodeId(u.asset, u.partition)
    if (up !== undefined && up.status !== "FRESH") {
      causes.push({ kind: "upstream_stale", upstream: label, upstreamStatus: up.status })
    }
    const rec: LatestEntry | undefined = s.latest.get(u.asset, formatPartition(u.partition))
    if (rec === undefined) continue
    const dv = u.slice !== null && rec.slices !== null ? rec.slices[u.slice] : rec.dataVersion
    if (dv === undefined) {
      causes.push({ kind: "upstream_stale", upstream: `${label}[${u.slice}]`, upstreamStatus: "MISSING" })
      continue
    }
    inputs.push({ asset: u.asset, partition: formatPartition(u.partition), dataVersion: dv })
  }
  return inputs
}

/** Pass 1: every partition's status; causes that need recorded inputs are filled by `explain`. */
export const computeStatuses = (s: StatusInputs): Map<string, PartitionStatus> => {
  const statuses = new Map<string, PartitionStatus>()
  const partitionsByAsset = new Map<AssetKey, PartitionKey[]>()
  for (const asset of s.graph.order) {
    const parts = partitionsOf(asset, s.primaryKeys, s.latest)
    partitionsByAsset.set(asset.key, parts)
    for (const p of parts) {
      const causes: StaleCause[] = []
      const inputs = currentInputs(asset, p, s, partitionsByAsset, statuses, causes)
      const inputHash = inputHashOf(inputs)
      const rec = s.latest.get(asset.key, formatPartition(p))
      const id = nodeId(asset.key, p)
      if (rec === undefined) {
        statuses.set(id, { asset: asset.key, partition: p, status: "MISSING", causes, dataVersion: null,
          inputs, inputHash, materializationId: null })
        continue
      }
      if (rec.codeVersion !== asset.codeVersion) {
        causes.push({ kind: "code_version_changed", recorded: rec.codeVersion, current: asset.codeVersion })
      }
      const ch = s.configHash(asset.key, p.primary)
      if (rec.configHash !== ch) causes.push({ kind: "config_changed", recorded: rec.configHash, current: ch })
      if (ch.startsWith("invalid:")) causes.push({ kind: "config_invalid", message: ch.slice(8) })
      const obs = s.observations.get(id)
      if (obs !== undefined && "error" in obs) causes.push({ kind: "source_unreadable", message: obs.error })
      else if (obs !== undefined) causes.push(...sourceCauses(rec.sources, obs.sources))
      // A sentinel until `explain` names which upstream differs.
      if (rec.inputHash !== inputHash) causes.push({ kind: "upstream_data_changed", upstream: "?" })
      statuses.set(id, { asset: asset.key, partition: p, status: causes.length > 0 ? "STALE" : "FRESH",
        causes, dataVersion: rec.dataVersion, inputs, inputHash, materializationId: rec.materializationId })
    }
  }
  return statuses
}

/** Materialization ids whose input causes still need the recorded inputs. */
export const needsInputs = (statuses: Iterable<PartitionStatus>): string[] => {
  const ids: string[] = []
  for (const st of statuses) {
    if (st.causes.some((c) => c.kind === "upstream_data_changed" && c.upstream === "?")) {
      ids.push(st.materializationId!)
    }
  }
  return ids
}

/** Pass 2: replaces the sentinel by the named upstream changes, additions and removals. */
export const explain = (
  st: PartitionStatus,
  recorded: ReadonlyArray<InputRecord> | undefined
): PartitionStatus => {
  const i = st.causes.findIndex((c) => c.kind === "upstream_data_changed" && c.upstream === "?")
  if (i < 0 || recorded === undefined) return st
  const before = new Map(recorded.map((r) => [`${r.asset}@${r.partition}`, r.dataVersion]))
  const named: StaleCause[] = []
  for (const inp of st.inputs) {
    const k = `${inp.asset}@${inp.partition}`
    const old = before.get(k)
    if (old === undefined) named.push({ kind: "dependency_added", upstream: k })
    else if (old !== inp.dataVersion) named.push({ kind: "upstream_data_changed", upstream: k })
    before.delete(k)
  }
  for (const k of before.keys()) named.push({ kind: "dependency_removed", upstream: k })
  const causes = [...st.causes.slice(0, i), ...named, ...st.causes.slice(i + 1)]
  return { ...st, causes }
}
