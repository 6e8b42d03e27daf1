/**
 * The asset graph: assets in topological order, checked once when the graph is built.
 * The requirements of every asset are carried in the type, so a graph whose resources are not all
 * provided fails to compile at the `provide` site (see `Definitions`).
 */
import type { Effect, Layer } from "effect"
import type { AnyAsset, AssetRequirements } from "./asset.ts"
import type { AssetKey } from "./keys.ts"
import type { FileStore } from "./file-store.ts"
import type { SourceHashes } from "./source-hashes.ts"
import type { RunStorage } from "./storage.ts"

/** Services the engine itself provides to every asset. */
export type EngineServices = RunStorage | FileStore | SourceHashes

/** Supplies configuration (before schema decoding) of an asset for one primary key. */
export type ConfigResolver<R> = (asset: AssetKey, primary: string) => Effect.Effect<unknown, unknown, R>

/**
 * Finds an entity (e.g. a building) within a primary partition: the secondary partition that
 * holds it and what the product knows of it. Exposed by the CLI as `lineage --<name> ID`.
 */
export type EntityLocator<R> = (primary: string, id: string) =>
  Effect.Effect<{ readonly secondary: string; readonly details: unknown } | null, unknown, R>

export interface Definitions<Assets extends ReadonlyArray<AnyAsset>, R> {
  readonly assets: Assets
  readonly entities?: Readonly<Record<string, EntityLocator<any>>>
  /** The primary keys that exist (e.g. declared release versions). */
  readonly primaryKeys: Effect.Effect<ReadonlyArray<string>, unknown, R>
  readonly config: ConfigResolver<R>
  /** Provides every resource the assets need; `never` left over is checked by the compiler. */
  readonly resources: Layer.Layer<Exclude<AssetRequirements<Assets>, EngineServices> | R, unknown, EngineServices>
}

/**
 * Any definitions, for engine functions that do not care which. A Layer's output is
 * contravariant in its type, so the erased form uses `never` there.
 */
export interface AnyDefinitions {
  readonly assets: ReadonlyArray<AnyAsset>
  readonly entities?: Readonly<Record<string, EntityLocator<any>>>
  readonly primaryKeys: Effect.Effect<ReadonlyArray<string>, unknown, any>
  readonly config: ConfigResolver<any>
  readonly resources: Layer.Layer<never, unknown, any>
}

export interface AssetGraph {
  readonly order: ReadonlyArray<AnyAsset>
  readonly byKey: ReadonlyMap<AssetKey, AnyAsset>
  readonly parents: ReadonlyMap<AssetKey, ReadonlyArray<AssetKey>>
  readonly children: ReadonlyMap<AssetKey, ReadonlyArray<AssetKey>>
}

/** Parents for selection and ordering: data dependencies plus the asset defining the partitions. */
const parentKeys = (a: AnyAsset): AssetKey[] => {
  const keys = a.deps.map((d) => d.asset)
  if (a.partitions.kind === "dynamic" && !keys.includes(a.partitions.from)) keys.push(a.partitions.from)
  return keys
}

/** Validates keys, dependencies and mappings, and orders assets (Kahn, ties by declaration). */
export const buildGraph = (assets: ReadonlyArray<AnyAsset>): AssetGraph => {
  const byKey = new Map<AssetKey, AnyAsset>()
  for (const a of assets) {
    if (byKey.has(a.key)) throw new Error(`asset '${a.key}' is declared twice`)
    byKey.set(a.key, a)
  }
  const parents = new Map<AssetKey, AssetKey[]>()
  const children = new Map<AssetKey, AssetKey[]>(assets.map((a) => [a.key, []]))
  for (const a of assets) {
    checkDependencies(a, byKey)
    const ps = parentKeys(a)
    parents.set(a.key, ps)
    for (const p of ps) children.get(p)!.push(a.key)
  }
  const indegree = new Map(assets.map((a) => [a.key, parents.get(a.key)!.length]))
  const order: AnyAsset[] = []
  const ready = assets.filter((a) => indegree.get(a.key) === 0).map((a) => a.key)
  while (ready.length > 0) {
    const k = ready.shift()!
    order.push(byKey.get(k)!)
    for (const c of children.get(k)!) {
      indegree.set(c, indegree.get(c)! - 1)
      if (indegree.get(c) === 0) ready.push(c)
    }
  }
  if (order.length !== assets.length) {
    const stuck = assets.filter((a) => !order.includes(a)).map((a) => a.key)
    throw new Error(`the asset graph has a cycle through: ${stuck.join(", ")}`)
  }
  return { order, byKey, parents, children }
}

const checkDependencies = (a: AnyAsset, byKey: ReadonlyMap<AssetKey, AnyAsset>): void => {
  for (const d of a.deps) {
    const up = byKey.get(d.asset)
    if (up === undefined) throw new Error(`asset '${a.key}' depends on unknown asset '${d.asset}'`)
    const ok =
      d.mapping.kind === "identity"
        ? up.partitions.kind === a.partitions.kind
        : d.mapping.kind === "allSecondary"
          ? a.partitions.kind === "primary" && up.partitions.kind === "dynamic"
          : a.partitions.kind === "dynamic" && up.partitions.kind === "primary"
    if (!ok) {
      throw new Error(
        `asset '${a.key}' maps '${d.asset}' with '${d.mapping.kind}', which does not fit ` +
          `${a.partitions.kind} -> ${up.partitions.kind} partitions`
      )
    }
  }
  if (a.partitions.kind === "dynamic") {
    const from = byKey.get(a.partitions.from)
    if (from === undefined || from.partitions.kind !== "primary") {
      throw new Error(`asset '${a.key}' takes its partitions from '${a.partitions.from}', ` +
        `which must be a primary-partitioned asset`)
    }
  }
}

const walk = (start: AssetKey, next: ReadonlyMap<AssetKey, ReadonlyArray<AssetKey>>, depth: number) => {
  const seen = new Set<AssetKey>()
  let frontier = [start]
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    const nextFrontier: AssetKey[] = []
    for (const k of frontier) for (const n of next.get(k) ?? []) if (!seen.has(n)) {
      seen.add(n)
      nextFrontier.push(n)
    }
    frontier = nextFrontier
  }
  return seen
}

export const ancestors = (g: AssetGraph, k: AssetKey, depth = Infinity) => walk(k, g.parents, depth)
export const descendants = (g: AssetGraph, k: AssetKey, depth = Infinity) => walk(k, g.children, depth)
