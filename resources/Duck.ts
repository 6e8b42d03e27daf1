/**
 * DuckDB for data files: writes and reads Parquet. One in-memory instance per process, with
 * one thread and insertion order preserved, so the same rows give the same bytes. Extension
 * auto-loading is off (spatial and httpfs cannot be fetched here); geometry travels as WKB blobs.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api"
import { Context, Data, Effect, Layer } from "effect"

export class DuckError extends Data.TaggedError("DuckError")<{ readonly path: string; readonly message: string }> {}

export type ColumnType = "VARCHAR" | "DOUBLE" | "INTEGER" | "BLOB" | "BOOLEAN"
export interface Column { readonly name: string; readonly type: ColumnType }
export type Cell = string | number | boolean | Uint8Array | null
export type Row = ReadonlyArray<Cell>

export interface DuckService {
  /** Writes rows (in the given order) to a Parquet file with zstd compression. */
  readonly writeParquet: (path: string, columns: ReadonlyArray<Column>, rows: ReadonlyArray<Row>) =>
    Effect.Effect<void, DuckError>
  /** Rows of a Parquet file as objects, optionally filtered by a `column = value` equality. */
  readonly readParquet: (path: string, where?: { column: string; value: string }) =>
    Effect.Effect<ReadonlyArray<Record<string, unknown>>, DuckError>
}

export class Duck extends Context.Tag("bag3d/Duck")<Duck, DuckService>() {}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`

const append = (app: Awaited<ReturnType<DuckDBConnection["createAppender"]>>, type: ColumnType, v: Cell) => {
  if (v === null || (typeof v === "number" && !Number.isFinite(v))) app.appendNull()
  else if (type === "VARCHAR") app.appendVarchar(String(v))
  else if (type === "DOUBLE") app.appendDouble(Number(v))
  else if (type === "INTEGER") app.appendInteger(Number(v))
  else if (type === "BOOLEAN") app.appendBoolean(Boolean(v))
  else app.appendBlob(v as Uint8Array)
}

const make = (conn: DuckDBConnection): DuckService => {
  const lock = Effect.unsafeMakeSemaphore(1)
  let seq = 0
  return {
    writeParquet: (path, columns, rows) =>
      lock.withPermits(1)(Effect.tryPromise({
        try: async () => {
          const table = `t${seq++}`
          await conn.run(`CREATE TEMP TABLE ${table} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ")})`)
          try {
            const app = await conn.createAppender(table)
            for (const row of rows) {
              columns.forEach((c, i) => append(app, c.type, row[i]))
              app.endRow()
            }
            app.closeSync()
            await conn.run(`COPY ${table} TO ${literal(path)} (FORMAT parquet, COMPRESSION zstd)`)
          } finally {
            await conn.run(`DROP TABLE IF EXISTS ${table}`)
          }
        },
        catch: (e) => new DuckError({ path, message: `cannot write Parquet: ${(e as Error).message}` })
      })),
    readParquet: (path, where) =>
      lock.withPermits(1)(Effect.tryPromise({
        try: async () => {
          const filter = where === undefined ? "" : ` WHERE ${ident(where.column)} = ${literal(where.value)}`
          const r = await conn.runAndReadAll(`SELECT * FROM read_parquet(${literal(path)})${filter}`)
          return r.getRowObjectsJS() as Record<string, unknown>[]
        },
        catch: (e) => new DuckError({ path, message: `cannot read Parquet: ${(e as Error).message}` })
      }))
  }
}

export const layer = Layer.scoped(
  Duck,
  Effect.gen(function* () {
    const instance = yield* Effect.acquireRelease(
      Effect.promise(() => DuckDBInstance.create(":memory:", {
        threads: "1", preserve_insertion_order: "true",
        autoinstall_known_extensions: "false", autoload_known_extensions: "false"
      })),
      (i) => Effect.sync(() => i.closeSync()))
    const conn = yield* Effect.acquireRelease(Effect.promise(() => instance.connect()),
      (c) => Effect.sync(() => c.closeSync()))
    return make(conn)
  })
)
