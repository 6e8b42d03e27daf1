/**
 * Asset definitions: a typed key, upstream dependencies with partition mappings, a partitions
 * definition, a code version, a configuration schema and a materialize Effect whose requirements
 * are part of its type. The engine knows nothing about what an asset computes.
 */
import type { Effect, Schema } from "effect"
import type { AssetKey, PartitionKey } from "./keys.ts"
import type { AssetError } from "./errors.ts"

/**
 * How an asset's partitions are enumerated.
 * - `primary`: one partition per primary key (e.g. per release version).
 * - `dynamic`: one partition per (primary, secondary), where the secondary keys of a primary are
 *   the slices published by the latest materialization of `from` for that primary (e.g. the tiles
 *   of a version are published by the tiling of that version's footprints).
 */
export type PartitionsDefinition =
  | { readonly kind: "primary"; readonly primaryName: string }
  | {
      readonly kind: "dynamic"
      readonly primaryName: string
      readonly secondaryName: string
      readonly from: AssetKey
    }

export const primaryPartitions = (primaryName: string): PartitionsDefinition => ({
  kind: "primary",
  primaryName
})

export const dynamicPartitions = (
  primaryName: string,
  secondaryName: string,
  from: AssetKey
): PartitionsDefinition => ({ kind: "dynamic", primaryName, secondaryName, from })

/**
 * Which upstream partitions a downstream partition reads.
 * - `identity`: the partition with the same key.
 * - `allSecondary`: a primary-only partition P reads every P:S of the upstream.
 * - `primaryOf`: a partition P:S reads the upstream partition P. When that upstream publishes
 *   slices, the data version seen downstream is the slice of S, so a change in another slice does
 *   not make P:S stale.
 */
export type PartitionMapping =
  | { readonly kind: "identity" }
  | { readonly kind: "allSecondary" }
  | { readonly kind: "primaryOf" }

export interface Dependency {
  readonly asset: AssetKey
  readonly mapping: PartitionMapping
}

export const dependsOn = (
  asset: AssetKey,
  mapping: PartitionMapping = { kind: "identity" }
): Dependency => ({ asset, mapping })

/** A file recorded with a materialization; `path` is relative to the file store root. */
export interface StoredFile {
  readonly name: string
  readonly path: string
  readonly sha256: string
  readonly bytes: number
}

/** A source file read by a source asset, identified by its content hash. */
export interface SourceFile {
  readonly path: string
  readonly sha256: string
}

/** What a downstream materialization sees of one upstream partition. */
export interface InputPartition {
  readonly asset: AssetKey
  readonly partition: PartitionKey
  readonly dataVersion: string
  readonly files: ReadonlyArray<StoredFile>
  readonly metadata: Readonly<Record<string, unknown>>
  /** Absolute path of each file by name. */
  readonly filePath: (name: string) => string
}

export interface MaterializeContext<Config> {
  readonly asset: AssetKey
  readonly partition: PartitionKey
  readonly config: Config
  readonly runId: string
  /** Upstream partitions read, in dependency order then partition order. */
  readonly inputs: ReadonlyArray<InputPartition>
  /** A private, empty folder: every file written here becomes an output of this partition. */
  readonly outputDir: string
}

export interface Counts {
  readonly in: number
  readonly out: number
  readonly failed: number
}

export interface MaterializeResult {
  readonly metadata?: Readonly<Record<string, unknown>>
  /** Per-secondary-key content hashes, for an asset that defines a dynamic dimension. */
  readonly slices?: Readonly<Record<string, string>>
  /** Source files read; their sha256 enter the data version. */
  readonly sources?: ReadonlyArray<SourceFile>
  readonly counts?: Counts
}

export interface ObserveContext<Config> {
  readonly asset: AssetKey
  readonly partition: PartitionKey
  readonly config: Config
}

/** What a source asset would read now; compared with what it read when last materialized. */
export interface Observation {
  readonly sources: ReadonlyArray<SourceFile>
}

export interface AssetDefinition<Config = unknown, R = never> {
  readonly key: AssetKey
  readonly description: string
  readonly group: string
  readonly deps: ReadonlyArray<Dependency>
  readonly partitions: PartitionsDefinition
  readonly codeVersion: string
  /**
   * A primary-partitioned asset that finishes a per-secondary one (e.g. a release-wide index of
   * per-tile files) names it here: selecting that asset then selects this one too.
   */
  readonly completes?: AssetKey
  readonly configSchema: Schema.Schema<Config, any, never>
  readonly materialize: (
    ctx: MaterializeContext<Config>
  ) => Effect.Effect<MaterializeResult, AssetError, R>
  /** Source assets only: the files the partition would read now, with their sha256. */
  readonly observe?: (ctx: ObserveContext<Config>) => Effect.Effect<Observation, AssetError, R>
}

/** Any asset, with its configuration type erased and its requirements kept. */
export type AnyAsset<R = any> = AssetDefinition<any, R>

/** The union of requirements of a list of assets. */
export type AssetRequirements<A extends ReadonlyArray<AnyAsset>> =
  A[number] extends AssetDefinition<any, infer R> ? R : never

export const defineAsset = <Config, R>(def: AssetDefinition<Config, R>): AssetDefinition<Config, R> =>
  def
