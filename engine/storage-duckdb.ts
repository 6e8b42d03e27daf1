/**
 * RunStorage on a DuckDB database file (`@duckdb/node-api`, the client DuckDB maintains; the older
 * `duckdb`/`duckdb-async` packages download a binary at install time, which this project's
 * machines cannot do). Extension auto-install is off, so nothing is fetched at run time.
 *
 * Every statement goes through one connection guarded by a semaphore: DuckDB transactions on a
 * shared connection must not interleave. A commit is one transaction, durable in DuckDB's WAL.
 */
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api"
import { Effect, Layer } from "effect"
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { StorageError, errorMessage } from "./errors.ts"
import {
  RunStorage,
  type EventRecord,
  type InputRecord,
  type LatestDetail,
  type LatestEntry,
  type MaterializationRecord,
  type RunRecord,
  type RunStorageService
} from "./storage.ts"

/** The tables of the run storage (created when missing). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id VARCHAR PRIMARY KEY, command VARCHAR, selection VARCHAR, partitions VARCHAR,
  status VARCHAR, started_at VARCHAR, ended_at VARCHAR, summary VARCHAR);
CREATE SEQUENCE IF NOT EXISTS event_seq;
CREATE TABLE IF NOT EXISTS events (
  seq BIGINT DEFAULT nextval('event_seq'), run_id VARCHAR, asset VARCHAR, partition_key VARCHAR,
  type VARCHAR, message VARCHAR, data VARCHAR, occurred_at VARCHAR);
CREATE TABLE IF NOT EXISTS materializations (
  id VARCHAR PRIMARY KEY, run_id VARCHAR, asset VARCHAR, partition_key VARCHAR,
  data_version VARCHAR, code_version VARCHAR, config_hash VARCHAR, config VARCHAR,
  input_hash VARCHAR, files VARCHAR, sources VARCHAR, slices VARCHAR, metadata VARCHAR,
  duration_ms BIGINT, created_at VARCHAR);
CREATE TABLE IF NOT EXISTS materialization_inputs (
  materialization_id VARCHAR, upstream_asset VARCHAR, upstream_partition VARCHAR,
  data_version VARCHAR);
CREATE TABLE IF NOT EXISTS latest (
  asset VARCHAR, partition_key VARCHAR, materialization_id VARCHAR, data_version VARCHAR,
  code_version VARCHAR, config_hash VARCHAR, input_hash VARCHAR, check_hash VARCHAR, slices VARCHAR,
  sources VARCHAR, files VARCHAR, PRIMARY KEY (asset, partition_key));
`

const fail = (operation: string) => (cause: unknown) =>
  new StorageError({ operation, message: errorMessage(cause), cause })

const json = (v: unknown): string => JSON.stringify(v ?? null)
const parse = <T>(v: unknown, fallback: T): T => (typeof v === "string" ? (JSON.parse(v) as T) : fallback)

const toRun = (r: Record<string, unknown>): RunRecord => ({
  id: String(r.id),
  command: String(r.command),
  selection: String(r.selection),
  partitions: String(r.partitions),
  status: r.status as RunRecord["status"],
  startedAt: String(r.started_at),
  endedAt: r.ended_at === null ? null : String(r.ended_at),
  summary: parse(r.summary, null)
})

const toMaterialization = (r: Record<string, unknown>): MaterializationRecord => ({
  id: String(r.id),
  runId: String(r.run_id),
  asset: String(r.asset),
  partition: String(r.partition_key),
  dataVersion: String(r.data_version),
  codeVersion: String(r.code_version),
  configHash: String(r.config_hash),
  config: parse(r.config, null),
  inputHash: String(r.input_hash),
  checkHash: "",
  files: parse(r.files, []),
  sources: parse(r.sources, []),
  slices: parse(r.slices, null),
  metadata: parse(r.metadata, {}),
  durationMs: Number(r.duration_ms),
  createdAt: String(r.created_at)
})

const makeService = (conn: DuckDBConnection): RunStorageService => {
  const lock = Effect.unsafeMakeSemaphore(1)
  const exec = (operation: string, sql: string, values?: DuckDBValue[]) =>
    lock.withPermits(1)(Effect.tryPromise({ try: () => conn.run(sql, values), catch: fail(operation) }))
  const rows = (operation: string, sql: string, values?: DuckDBValue[]) =>
    lock.withPermits(1)(
      Effect.tryPromise({
        try: async () => (await conn.runAndReadAll(sql, values)).getRowObjectsJS(),
        catch: fail(operation)
      })
    )
  const now = () => new Date().toISOString()

  const commit = (m: MaterializationRecord, inputs: ReadonlyArray<InputRecord>) =>
    lock.withPermits(1)(
      Effect.tryPromise({
        try: async () => {
          await conn.run("BEGIN TRANSACTION")
          try {
            await conn.run(
              `INSERT INTO materializations VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
              [m.id, m.runId, m.asset, m.partition, m.dataVersion, m.codeVersion, m.configHash,
                json(m.config), m.inputHash, json(m.files), json(m.sources), json(m.slices),
                json(m.metadata), BigInt(Math.round(m.durationMs)), m.createdAt]
            )
            if (inputs.length > 0) {
              const app = await conn.createAppender("materialization_inputs")
              for (const i of inputs) {
                app.appendVarchar(m.id)
                app.appendVarchar(i.asset)
                app.appendVarchar(i.partition)
                app.appendVarchar(i.dataVersion)
                app.endRow()
              }
              app.closeSync()
            }
            await conn.run(
              `INSERT OR REPLACE INTO latest VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
              [m.asset, m.partition, m.id, m.dataVersion, m.codeVersion, m.configHash, m.inputHash,
                m.checkHash, json(m.slices), json(m.sources), json(m.files)]
            )
            await conn.run(
              `INSERT INTO events (run_id, asset, partition_key, type, message, data, occurred_at)
               VALUES ($1,$2,$3,'MATERIALIZATION',$4,$5,$6)`,
              [m.runId, m.asset, m.partition, `data version ${m.dataVersion.slice(0, 12)}`,
                json({ materializationId: m.id, dataVersion: m.dataVersion }), now()]
            )
            await conn.run("COMMIT")
          } catch (e) {
            await conn.run("ROLLBACK").catch(() => undefined)
            throw e
          }
        },
        catch: fail("commit materialization")
      })
    )

  const columns = async (sql: string, values: DuckDBValue[]) =>
    (await conn.runAndReadAll(sql, values)).getColumnsJS() as string[][]

  // Three narrow reads per asset: the fresh path decodes only (partition, data version, check).
  const latestIndex = (assets: ReadonlyArray<string>) =>
    lock.withPermits(1)(
      Effect.tryPromise({
        try: async () => {
          const byAsset = new Map<string, Map<string, LatestEntry>>()
          for (const asset of assets) {
            // One aggregated string per asset: the client decodes strings one by one at about
            // 1.5 µs each, while splitting one long string is native and ~10× faster.
            const [[packed]] = await columns(
              `SELECT string_agg(partition_key || chr(9) || data_version || chr(9) || check_hash, chr(10))
               FROM latest WHERE asset=$1`, [asset])
            const m = new Map<string, LatestEntry>()
            const fields = packed === null || packed === undefined ? [] : packed.split(/[\t\n]/)
            for (let i = 0; i + 2 < fields.length; i += 3) {
              m.set(fields[i], { dataVersion: fields[i + 1], checkHash: fields[i + 2], slices: null, sources: null })
            }
            const [sp, slices] = await columns(
              `SELECT partition_key, slices FROM latest WHERE asset=$1 AND slices <> 'null'`, [asset])
            for (let i = 0; i < (sp?.length ?? 0); i++) {
              m.set(sp[i], { ...m.get(sp[i])!, slices: JSON.parse(slices[i]) })
            }
            const [op, sources] = await columns(
              `SELECT partition_key, sources FROM latest WHERE asset=$1 AND sources <> '[]'`, [asset])
            for (let i = 0; i < (op?.length ?? 0); i++) {
              m.set(op[i], { ...m.get(op[i])!, sources: JSON.parse(sources[i]) })
            }
            byAsset.set(asset, m)
          }
          return {
            size: [...byAsset.values()].reduce((n, m) => n + m.size, 0),
            get: (a: string, p: string) => byAsset.get(a)?.get(p),
            forAsset: (a: string) => byAsset.get(a) ?? new Map<string, LatestEntry>(),
            partitionsOf: (a: string) => [...(byAsset.get(a)?.keys() ?? [])]
          }
        },
        catch: fail("read latest materializations")
      })
    )

  const latestDetails = (asset: string, partitions: ReadonlyArray<string>) =>
    partitions.length === 0
      ? Effect.succeed(new Map<string, LatestDetail>())
      : lock.withPermits(1)(
        Effect.tryPromise({
          try: async () => {
            const [part, mid, cv, ch, ih, cfg] = await columns(
              `SELECT l.partition_key, l.materialization_id, l.code_version, l.config_hash, l.input_hash, m.config
               FROM latest l LEFT JOIN materializations m ON m.id = l.materialization_id
               WHERE l.asset=$1 AND l.partition_key IN (SELECT unnest($2::VARCHAR[]))`,
              [asset, listValue([...partitions])])
            const out = new Map<string, LatestDetail>()
            for (let i = 0; i < (part?.length ?? 0); i++) {
              out.set(part[i], { materializationId: mid[i], codeVersion: cv[i], configHash: ch[i], inputHash: ih[i],
                config: parse(cfg[i], null) })
            }
            return out
          },
          catch: fail("read latest details")
        })
      )

  return {
    startRun: (r) =>
      exec("start run", `INSERT INTO runs VALUES ($1,$2,$3,$4,'started',$5,NULL,NULL)`, [
        r.id, r.command, r.selection, r.partitions, r.startedAt
      ]),
    endRun: (id, status, summary) =>
      exec("end run", `UPDATE runs SET status=$2, ended_at=$3, summary=$4 WHERE id=$1`, [
        id, status, now(), json(summary)
      ]),
    abandonUnfinishedRuns: (exceptRunId) =>
      rows("abandon runs",
        `UPDATE runs SET status='abandoned', ended_at=$2 WHERE status='started' AND id<>$1 RETURNING id`,
        [exceptRunId, now()]).pipe(Effect.map((rs) => rs.map((r) => String(r.id)))),
    appendEvent: (e: EventRecord) =>
      exec("append event",
        `INSERT INTO events (run_id, asset, partition_key, type, message, data, occurred_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [e.runId, e.asset, e.partition, e.type, e.message, e.data === null ? null : json(e.data), now()]),
    commit,
    latestIndex,
    latestDetails,
    materialization: (id) =>
      rows("read materialization", `SELECT * FROM materializations WHERE id=$1`, [id]).pipe(
        Effect.map((rs) => (rs.length === 0 ? null : toMaterialization(rs[0])))
      ),
    latest: (asset, partition) =>
      rows("read latest", `SELECT m.* FROM latest l JOIN materializations m ON m.id = l.materialization_id
        WHERE l.asset=$1 AND l.partition_key=$2`, [asset, partition]).pipe(
        Effect.map((rs) => (rs.length === 0 ? null : toMaterialization(rs[0])))
      ),
    inputsOf: (id) =>
      rows("read inputs", `SELECT upstream_asset, upstream_partition, data_version
        FROM materialization_inputs WHERE materialization_id=$1
        ORDER BY upstream_asset, upstream_partition`, [id]).pipe(
        Effect.map((rs) => rs.map((r) => ({
          asset: String(r.upstream_asset),
          partition: String(r.upstream_partition),
          dataVersion: String(r.data_version)
        })))
      ),
    inputsOfMany: (ids) =>
      ids.length === 0
        ? Effect.succeed(new Map())
        : rows("read inputs", `SELECT materialization_id, upstream_asset, upstream_partition, data_version
            FROM materialization_inputs WHERE materialization_id IN (SELECT unnest($1::VARCHAR[]))
            ORDER BY materialization_id, upstream_asset, upstream_partition`,
          [listValue(ids)]).pipe(
            Effect.map((rs) => {
              const out = new Map<string, InputRecord[]>()
              for (const r of rs) {
                const id = String(r.materialization_id)
                if (!out.has(id)) out.set(id, [])
                out.get(id)!.push({
                  asset: String(r.upstream_asset),
                  partition: String(r.upstream_partition),
                  dataVersion: String(r.data_version)
                })
              }
              return out
            })
          ),
    latestMany: (asset, partitions) =>
      partitions.length === 0
        ? Effect.succeed([])
        : rows("read latest", `SELECT m.* FROM latest l JOIN materializations m
            ON m.id = l.materialization_id WHERE l.asset=$1
            AND l.partition_key IN (SELECT unnest($2::VARCHAR[])) ORDER BY l.partition_key`,
          [asset, listValue(partitions)]).pipe(Effect.map((rs) => rs.map(toMaterialization))),
    history: (asset, partition) =>
      rows("read history", `SELECT * FROM materializations WHERE asset=$1 AND partition_key=$2
        ORDER BY created_at DESC`, [asset, partition]).pipe(Effect.map((rs) => rs.map(toMaterialization))),
    runs: (limit) =>
      rows("read runs", `SELECT * FROM runs ORDER BY started_at DESC LIMIT ${Math.max(1, limit | 0)}`)
        .pipe(Effect.map((rs) => rs.map(toRun))),
    run: (id) =>
      rows("read run", `SELECT * FROM runs WHERE id=$1`, [id]).pipe(
        Effect.map((rs) => (rs.length === 0 ? null : toRun(rs[0])))
      ),
    events: (runId) =>
      rows("read events", `SELECT * FROM events WHERE run_id=$1 ORDER BY seq`, [runId]).pipe(
        Effect.map((rs) => rs.map((r) => ({
          runId: String(r.run_id),
          asset: r.asset === null ? null : String(r.asset),
          partition: r.partition_key === null ? null : String(r.partition_key),
          type: String(r.type),
          message: r.message === null ? null : String(r.message),
          data: parse(r.data, null),
          at: String(r.occurred_at)
        })))
      ),
    referencedFiles: () =>
      rows("read referenced files", `SELECT files FROM latest`).pipe(
        Effect.map((rs) => new Set(rs.flatMap((r) => parse<{ path: string }[]>(r.files, []).map((f) => f.path))))
      )
  }
}

/** Opens (creating if needed) the database file; closes it when the scope ends. */
export const duckdbRunStorage = (file: string) =>
  Layer.scoped(
    RunStorage,
    Effect.gen(function* () {
      mkdirSync(dirname(file), { recursive: true })
      const instance = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () =>
            DuckDBInstance.create(file, {
              autoinstall_known_extensions: "false",
              autoload_known_extensions: "false"
            }),
          catch: (e) =>
            new StorageError({
              operation: "open database",
              message: `cannot open ${file}: ${errorMessage(e)}` +
                (/lock/i.test(errorMessage(e)) ? " (is another `assets` process running?)" : ""),
              cause: e
            })
        }),
        (i) => Effect.sync(() => i.closeSync())
      )
      const conn = yield* Effect.acquireRelease(
        Effect.tryPromise({ try: () => instance.connect(), catch: fail("connect") }),
        (c) => Effect.sync(() => c.closeSync())
      )
      yield* Effect.tryPromise({ try: () => conn.run(SCHEMA), catch: fail("create schema") })
      return makeService(conn)
    })
  )
