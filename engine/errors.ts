/** Engine errors: one tagged class per failure mode. */
import { Data, ParseResult } from "effect"

/** A materialize or observe function failed; `partition` is printed as `VERSION:TILE`. */
export class AssetError extends Data.TaggedError("AssetError")<{
  readonly asset: string
  readonly partition: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** The run storage (database) failed or holds something it should not. */
export class StorageError extends Data.TaggedError("StorageError")<{
  readonly operation: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A file could not be written, hashed or moved into the store. */
export class FileStoreError extends Data.TaggedError("FileStoreError")<{
  readonly path: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** The graph is malformed: unknown dependency, cycle, bad mapping. */
export class GraphError extends Data.TaggedError("GraphError")<{ readonly message: string }> {}

/** A selection or partition expression did not parse or matched nothing it should have. */
export class SelectionError extends Data.TaggedError("SelectionError")<{
  readonly expression: string
  readonly message: string
}> {}

/** The configuration of an asset for a partition does not satisfy its schema. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly asset: string
  readonly primary: string
  readonly message: string
}> {}

export const errorMessage = (e: unknown): string => {
  if (e instanceof Error) return e.message
  if (typeof e === "object" && e !== null && "message" in e) return String(e.message)
  return String(e)
}

/** One line per field, its first problem only: `maxPerTile: Expected number, actual "120"`. */
export const formatParseError = (e: ParseResult.ParseError): string => {
  const seen = new Set<string>()
  return ParseResult.ArrayFormatter.formatErrorSync(e)
    .filter((i) => !seen.has(i.path.join(".")) && (seen.add(i.path.join(".")), true))
    .map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message.split("\n")[0].slice(0, 160)}`)
    .join("; ")
}
