/**
 * Run storage: runs, an append-only event log, and per-partition materializations with their
 * data versions, inputs, files and metadata. An Effect service, so another backend can be swapped
 * in; the DuckDB implementation is in `storage-duckdb.ts`.
 */
import { Context, type Effect } from "effect"
import type { SourceFile, StoredFile } from "./asset.ts"
import type { StorageError } from "./errors.ts"

export interface RunRecord {
  readonly id: string
  readonly command: string
  readonly selection: string
  readonly partitions: string
  readonly status: "started" | "succeeded" | "failed" | "abandoned"
  readonly startedAt: string
  readonly endedAt: string | null
  readonly summary: Readonly<Record<string, unknown>> | null
}

export interface EventRecord {
  readonly runId: string
  readonly asset: string | null
  readonly partition: string | null
  readonly type: string
  readonly message: string | null
  readonly data: Readonly<Record<string, unknown>> | null
  /** When it was recorded (ISO time); absent on events being appended. */
  readonly at?: string
}

/** One upstream partition as read by a materialization. */
export interface InputRecord {
  readonly asset: string
  readonly partition: string
  readonly dataVersion: string
}

export interface MaterializationRecord {
  readonly id: string
  readonly runId: string
  readonly asset: string
  readonly partition: string
  readonly dataVersion: string
  readonly codeVersion: string
  readonly configHash: string
  readonly config: unknown
  readonly inputHash: string
  /** sha256(code version, configuration hash, inputs): what pass 1 of the staleness check compares. */
  readonly checkHash: string
  readonly files: ReadonlyArray<StoredFile>
  readonly sources: ReadonlyArray<SourceFile>
  readonly slices: Readonly<Record<string, string>> | null
  readonly metadata: Readonly<Record<string, unknown>>
  readonly durationMs: number
  readonly createdAt: string
}

/** The columns the staleness check needs, for every latest materialization at once. */
export interface LatestIndex {
  readonly size: number
  readonly get: (asset: string, partition: string) => LatestEntry | undefined
  /** All latest entries of one asset by partition label (empty when none). */
  readonly forAsset: (asset: string) => ReadonlyMap<string, LatestEntry>
  readonly partitionsOf: (asset: string) => ReadonlyArray<string>
}

/** What pass 1 of the staleness check reads of a latest materialization. */
export interface LatestEntry {
  readonly dataVersion: string
  readonly checkHash: string
  readonly slices: Readonly<Record<string, string>> | null
  readonly sources: ReadonlyArray<SourceFile> | null
}

/** What explaining a STALE partition needs of its latest materialization. */
export interface LatestDetail {
  readonly materializationId: string
  readonly codeVersion: string
  readonly configHash: string
  readonly inputHash: string
  /** The resolved configuration it ran with. */
  readonly config: unknown
}

export interface RunStorageService {
  readonly startRun: (run: Omit<RunRecord, "status" | "endedAt" | "summary">) => Effect.Effect<void, StorageError>
  readonly endRun: (
    id: string,
    status: RunRecord["status"],
    summary: Readonly<Record<string, unknown>>
  ) => Effect.Effect<void, StorageError>
  /** Marks runs left `started` by a killed process as `abandoned`; returns their ids. */
  readonly abandonUnfinishedRuns: (exceptRunId: string) => Effect.Effect<ReadonlyArray<string>, StorageError>
  readonly appendEvent: (event: EventRecord) => Effect.Effect<void, StorageError>
  /** Atomically records a materialization, its inputs, the latest pointer and an event. */
  readonly commit: (
    m: MaterializationRecord,
    inputs: ReadonlyArray<InputRecord>
  ) => Effect.Effect<void, StorageError>
  readonly latestIndex: (assets: ReadonlyArray<string>) => Effect.Effect<LatestIndex, StorageError>
  readonly latestDetails: (
    asset: string,
    partitions: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, LatestDetail>, StorageError>
  readonly materialization: (id: string) => Effect.Effect<MaterializationRecord | null, StorageError>
  readonly latest: (asset: string, partition: string) => Effect.Effect<MaterializationRecord | null, StorageError>
  readonly inputsOf: (materializationId: string) => Effect.Effect<ReadonlyArray<InputRecord>, StorageError>
  /** Recorded inputs of many materializations in one query. */
  readonly inputsOfMany: (
    materializationIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<InputRecord>>, StorageError>
  /** Full latest records of many partitions of one asset in one query. */
  readonly latestMany: (
    asset: string,
    partitions: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<MaterializationRecord>, StorageError>
  /** Every materialization of one partition, newest first. */
  readonly history: (asset: string, partition: string) => Effect.Effect<ReadonlyArray<MaterializationRecord>, StorageError>
  readonly runs: (limit: number) => Effect.Effect<ReadonlyArray<RunRecord>, StorageError>
  readonly run: (id: string) => Effect.Effect<RunRecord | null, StorageError>
  readonly events: (runId: string) => Effect.Effect<ReadonlyArray<EventRecord>, StorageError>
  /** Every file path referenced by a latest materialization (for garbage collection). */
  readonly referencedFiles: () => Effect.Effect<ReadonlySet<string>, StorageError>
}

export class RunStorage extends Context.Tag("engine/RunStorage")<RunStorage, RunStorageService>() {}
