/**
 * Asset keys and partition keys.
 *
 * An asset key is a branded string, exported once by the module that defines the asset and imported
 * by its dependents, never retyped. A partition key has a primary dimension (e.g. a release version)
 * and an optional secondary one (e.g. a tile); it prints as `PRIMARY:SECONDARY`, or `PRIMARY`.
 */
import { Brand } from "effect"

export type AssetKey = string & Brand.Brand<"AssetKey">
const ASSET_KEY = /^[a-z][a-z0-9_]*$/

export const assetKey = (name: string): AssetKey => {
  if (!ASSET_KEY.test(name)) {
    throw new Error(`invalid asset key '${name}': use lower_snake_case letters, digits and _`)
  }
  return name as AssetKey
}

/** A partition key. `secondary` is null for assets partitioned by the primary dimension only. */
export interface PartitionKey {
  readonly primary: string
  readonly secondary: string | null
}

export const partitionKey = (primary: string, secondary: string | null = null): PartitionKey => ({
  primary,
  secondary
})

export const formatPartition = (p: PartitionKey): string =>
  p.secondary === null ? p.primary : `${p.primary}:${p.secondary}`

/** Parses `2024.02` or `2024.02:9/560/624`. The first ':' separates the dimensions. */
export const parsePartition = (text: string): PartitionKey => {
  const i = text.indexOf(":")
  return i < 0 ? partitionKey(text) : partitionKey(text.slice(0, i), text.slice(i + 1))
}

/** Folder-safe form of a partition's secondary key: `9/560/624` -> `9-560-624`. */
export const secondaryFolder = (secondary: string | null): string =>
  secondary === null ? "_" : secondary.replaceAll("/", "-")

/** Stable identity of (asset, partition) used as a map key and a database key. */
export const nodeId = (asset: AssetKey, p: PartitionKey): string => `${asset}@${formatPartition(p)}`
