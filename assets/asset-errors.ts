/** Maps the tagged errors of resources to the engine's AssetError, keeping file and reason. */
import { AssetError, errorMessage, formatPartition, type AssetKey, type PartitionKey } from "../engine/index.ts"

export const assetFailure = (asset: AssetKey, partition: PartitionKey) => (e: unknown): AssetError => {
  const any = e as { _tag?: string; path?: string; reason?: string; message?: string }
  const where = any.path !== undefined && !(any.reason ?? any.message ?? "").includes(any.path) ? `${any.path}: ` : ""
  return new AssetError({ asset, partition: formatPartition(partition),
    message: `${where}${any.reason ?? errorMessage(e)}`, cause: e })
}
