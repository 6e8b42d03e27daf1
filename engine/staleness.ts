/**
 * Data versions and staleness, with every cause.
 *
 *   inputs(P)        = the (upstream asset, upstream partition, data version) P reads, sorted
 *   check(P)         = sha256(code version, configuration hash, inputs(P))
 *   data version(P)  = sha256(P, code version, configuration hash, sha256(inputs(P))[, source sha256s])
 *
 * Pass 1 (`computeStatuses`) reads only each latest record's data version and check hash. A
 * partition is FRESH when its current check equals the recorded one, its sources are unchanged and
 * no upstream partition is STALE or MISSING: one sha256 per partition, no query per partition.
 * Pass 2 (`explainStale`) names the causes of the STALE ones from their recorded code version,
 * configuration hash and inputs, fetched in batches for those partitions only.
 */
import { hash as oneShotHash } from "node:crypto"
import type { AnyAsset, Observation, SourceFile } from "./asset.ts"
import type { AssetGraph } from "./graph.ts"
import { hashParts, stableStringify } from "./hash.ts"
import { formatPartition, partitionKey, type AssetKey, type PartitionKey } from "./keys.ts"
import type { InputRecord, LatestDetail, LatestEntry, LatestIndex } from "./storage.ts"

export type Status = "FRESH" | "STALE" | "MISSING"

export type StaleCause =
  | { readonly kind: "code_version_changed"; readonly recorded: string; readonly current: string }
  | {
      readonly kind: "config_changed"
      readonly recorded: string
      readonly current: string
      /** `key: old -> new` per changed top-level key, when both configurations are known. */
      readonly changes?: ReadonlyArray<string>
    }
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
  readonly label: string
  readonly status: Status
  readonly causes: StaleCause[]
  /** The recorded data version, or null when MISSING. */
  readonly dataVersion: string | null
  /** The inputs this partition would read now. */
  readonly inputs: ReadonlyArray<InputRecord>
  /** The check that pass 1 could not explain from what it read: details must be fetched. */
  readonly unexplained: boolean
}

export interface StatusInputs {
  readonly graph: AssetGraph
  readonly latest: LatestIndex
  readonly primaryKeys: ReadonlyArray<string>
  /** Configuration hash per asset and primary key; `invalid:<message>` when it does not decode. */
  readonly configHash: (asset: AssetKey, primary: string) => string
  /** Current sources of source-asset partitions, by asset then partition label. */
  readonly observations: ReadonlyMap<string, Observation | { readonly error: string }>
}

export const describeCause = (c: StaleCause): string => {
  switch (c.kind) {
    case "code_version_changed": return `code version changed (${c.recorded} -> ${c.current})`
    case "config_changed": return c.changes !== undefined && c.changes.length > 0
      ? `configuration changed: ${c.changes.join(", ")}`
      : `configuration changed (${c.recorded.slice(0, 12)} -> ${c.current.slice(0, 12)})`
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

export const observationKey = (asset: AssetKey, label: string) => `${asset}\u0000${label}`

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

export interface UpstreamRef {
  readonly asset: AssetKey
  readonly partition: PartitionKey
  readonly label: string
  readonly slice: string | null
}

/** The upstream partitions one partition reads. */
export const upstreamOf = (
  asset: AnyAsset,
  p: PartitionKey,
  partitionsByAsset: ReadonlyMap<AssetKey, ReadonlyArray<PartitionKey>>
): UpstreamRef[] => {
  const out: UpstreamRef[] = []
  for (const d of asset.deps) {
    if (d.mapping.kind === "identity") {
      out.push({ asset: d.asset, partition: p, label: formatPartition(p), slice: null })
    } else if (d.mapping.kind === "primaryOf") {
      out.push({ asset: d.asset, partition: partitionKey(p.primary), label: p.primary, slice: p.secondary })
    } else {
      for (const u of partitionsByAsset.get(d.asset) ?? []) {
        if (u.primary === p.primary) out.push({ asset: d.asset, partition: u, label: formatPartition(u), slice: null })
      }
    }
  }
  return out
}

const canonicalInputs = (inputs: ReadonlyArray<InputRecord>): string => {
  if (inputs.length === 1) return `${inputs[0].asset}\u0000${inputs[0].partition}\u0000${inputs[0].dataVersion}`
  const parts = inputs.map((i) => `${i.asset}\u0000${i.partition}\u0000${i.dataVersion}`)
  if (parts.length > 1) parts.sort()
  return parts.join("\n")
}

export const inputHashOf = (inputs: ReadonlyArray<InputRecord>): string =>
  oneShotHash("sha256", canonicalInputs(inputs))

export const checkHashOf = (codeVersion: string, configHash: string, inputs: ReadonlyArray<InputRecord>) =>
  oneShotHash("sha256", `${codeVersion}\u0000${configHash}\u0000${canonicalInputs(inputs)}`)

export const dataVersionOf = (
  partition: string,
  codeVersion: string,
  configHash: string,
  inputHash: string,
  sources: ReadonlyArray<SourceFile>
): string =>
  hashParts([partition, codeVersion, configHash, inputHash,
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

type StatusTable = Map<AssetKey, Map<string, PartitionStatus>>

const NO_CAUSES: StaleCause[] = []
Object.freeze(NO_CAUSES)

/** One dependency with its lookups resolved once per asset rather than once per partition. */
interface ResolvedDep {
  readonly asset: AssetKey
  readonly kind: "identity" | "primaryOf" | "allSecondary"
  readonly statuses: ReadonlyMap<string, PartitionStatus>
  readonly latest: ReadonlyMap<string, LatestEntry>
  /** allSecondary only: upstream labels per primary key. */
  readonly byPrimary: ReadonlyMap<string, ReadonlyArray<string>>
}

const resolveDeps = (asset: AnyAsset, s: StatusInputs, table: StatusTable): ResolvedDep[] =>
  asset.deps.map((d) => {
    const statuses = table.get(d.asset) ?? new Map<string, PartitionStatus>()
    const byPrimary = new Map<string, string[]>()
    if (d.mapping.kind === "allSecondary") {
      for (const st of statuses.values()) {
        const list = byPrimary.get(st.partition.primary)
        if (list === undefined) byPrimary.set(st.partition.primary, [st.label])
        else list.push(st.label)
      }
    }
    return { asset: d.asset, kind: d.mapping.kind, statuses, latest: s.latest.forAsset(d.asset), byPrimary }
  })

/** Appends one upstream's current input; returns the causes array (allocated on first cause). */
const addInput = (
  dep: ResolvedDep, label: string, slice: string | null, inputs: InputRecord[], causes: StaleCause[]
): StaleCause[] => {
  const up = dep.statuses.get(label)
  if (up !== undefined && up.status !== "FRESH") {
    if (causes === NO_CAUSES) causes = []
    causes.push({ kind: "upstream_stale", upstream: `${dep.asset}@${label}`, upstreamStatus: up.status })
  }
  const rec = dep.latest.get(label)
  if (rec === undefined) return causes
  const dv = slice !== null && rec.slices !== null ? rec.slices[slice] : rec.dataVersion
  if (dv === undefined) {
    if (causes === NO_CAUSES) causes = []
    causes.push({ kind: "upstream_stale", upstream: `${dep.asset}@${label}[${slice}]`, upstreamStatus: "MISSING" })
    return causes
  }
  inputs.push({ asset: dep.asset, partition: label, dataVersion: dv })
  return causes
}

const ownCauses = (
  s: StatusInputs, asset: AnyAsset, label: string, configHash: string, rec: LatestEntry, causes: StaleCause[]
): StaleCause[] => {
  const extra: StaleCause[] = []
  if (configHash.startsWith("invalid:")) extra.push({ kind: "config_invalid", message: configHash.slice(8) })
  if (asset.observe !== undefined) {
    const obs = s.observations.get(observationKey(asset.key, label))
    if (obs !== undefined && "error" in obs) extra.push({ kind: "source_unreadable", message: obs.error })
    else if (obs !== undefined) extra.push(...sourceCauses(rec.sources ?? [], obs.sources))
  }
  return extra.length === 0 ? causes : [...causes, ...extra]
}

/**
 * Pass 1: every partition's status from the latest index alone. Hot loop: per partition one
 * check hash and one small inputs array; causes are allocated only when there are some.
 */
export const computeStatuses = (s: StatusInputs): StatusTable => {
  const table: StatusTable = new Map()
  for (const asset of s.graph.order) {
    const parts = partitionsOf(asset, s.primaryKeys, s.latest)
    const deps = resolveDeps(asset, s, table)
    const own = s.latest.forAsset(asset.key)
    const byLabel = new Map<string, PartitionStatus>()
    table.set(asset.key, byLabel)
    let configPrimary = ""
    let ch = ""
    for (const p of parts) {
      const label = p.secondary === null ? p.primary : `${p.primary}:${p.secondary}`
      let causes = NO_CAUSES
      const inputs: InputRecord[] = []
      for (const dep of deps) {
        if (dep.kind === "identity") causes = addInput(dep, label, null, inputs, causes)
        else if (dep.kind === "primaryOf") causes = addInput(dep, p.primary, p.secondary, inputs, causes)
        else for (const u of dep.byPrimary.get(p.primary) ?? []) causes = addInput(dep, u, null, inputs, causes)
      }
      const rec = own.get(label)
      if (rec === undefined) {
        byLabel.set(label, { asset: asset.key, partition: p, label, status: "MISSING",
          causes: causes === NO_CAUSES ? [] : causes, dataVersion: null, inputs, unexplained: false })
        continue
      }
      if (p.primary !== configPrimary) {
        configPrimary = p.primary
        ch = s.configHash(asset.key, p.primary)
      }
      causes = ownCauses(s, asset, label, ch, rec, causes)
      const unexplained = rec.checkHash !== checkHashOf(asset.codeVersion, ch, inputs)
      byLabel.set(label, { asset: asset.key, partition: p, label,
        status: causes.length > 0 || unexplained ? "STALE" : "FRESH",
        causes: causes === NO_CAUSES ? [] : causes, dataVersion: rec.dataVersion, inputs, unexplained })
    }
  }
  return table
}

/** Pass 2 for one partition: causes from its recorded details and, if they differ, its inputs. */
/** Changed top-level keys of two configurations, as `key: old -> new` (JSON values). */
export const configChanges = (before: unknown, after: unknown): string[] => {
  if (typeof before !== "object" || typeof after !== "object" || before === null || after === null) return []
  const b = before as Record<string, unknown>
  const a = after as Record<string, unknown>
  const show = (v: unknown) => (v === undefined ? "(absent)" : stableStringify(v))
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
    .filter((k) => show(b[k]) !== show(a[k])).map((k) => `${k} ${show(b[k])} -> ${show(a[k])}`)
}

export const explainStale = (
  st: PartitionStatus,
  asset: AnyAsset,
  configHash: string,
  currentConfig: unknown,
  detail: LatestDetail,
  recordedInputs: ReadonlyArray<InputRecord> | undefined
): PartitionStatus => {
  const causes: StaleCause[] = []
  if (detail.codeVersion !== asset.codeVersion) {
    causes.push({ kind: "code_version_changed", recorded: detail.codeVersion, current: asset.codeVersion })
  }
  if (detail.configHash !== configHash && !configHash.startsWith("invalid:")) {
    causes.push({ kind: "config_changed", recorded: detail.configHash, current: configHash,
      changes: configChanges(detail.config, currentConfig) })
  }
  if (recordedInputs !== undefined) causes.push(...inputCauses(st.inputs, recordedInputs))
  return { ...st, causes: [...causes, ...st.causes], unexplained: false }
}

const inputCauses = (now: ReadonlyArray<InputRecord>, recorded: ReadonlyArray<InputRecord>): StaleCause[] => {
  const before = new Map(recorded.map((r) => [`${r.asset}@${r.partition}`, r.dataVersion]))
  const causes: StaleCause[] = []
  for (const inp of now) {
    const k = `${inp.asset}@${inp.partition}`
    const old = before.get(k)
    if (old === undefined) causes.push({ kind: "dependency_added", upstream: k })
    else if (old !== inp.dataVersion) causes.push({ kind: "upstream_data_changed", upstream: k })
    before.delete(k)
  }
  for (const k of before.keys()) causes.push({ kind: "dependency_removed", upstream: k })
  return causes
}
