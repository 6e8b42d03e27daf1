/**
 * What is known about each AHN file, by content hash: its header (bounds, counts, format) and a
 * full scan (classes present, acquisition date). Both are cached under
 * `$ASSETS_HOME/cache/ahn/<sha256>.json`, so a file is scanned once whatever tiles map to it.
 * Scans run in the worker pool.
 */
import { Context, Data, Effect, Layer } from "effect"
import * as fs from "node:fs/promises"
import { join } from "node:path"
import { WorkerPool } from "../engine/index.ts"
import type { AhnHeaderInfo, AhnScanInfo } from "./ahn-worker.ts"
import type { ResolvedAhnFile } from "./Releases.ts"

export class AhnFileError extends Data.TaggedError("AhnFileError")<{ readonly path: string; readonly reason: string }> {}

export interface AhnFileInfo extends AhnHeaderInfo {
  readonly path: string
  readonly epoch: string
  readonly sha256: string
}

export interface AhnCatalogService {
  readonly header: (file: ResolvedAhnFile) => Effect.Effect<AhnFileInfo, AhnFileError>
  readonly scan: (file: ResolvedAhnFile) => Effect.Effect<AhnScanInfo, AhnFileError>
}

export class AhnCatalog extends Context.Tag("bag3d/AhnCatalog")<AhnCatalog, AhnCatalogService>() {}

const WORKER = new URL("./ahn-worker.ts", import.meta.url)

const cached = <T>(file: string, compute: () => Promise<T>): Promise<T> =>
  fs.readFile(file, "utf8").then((t) => JSON.parse(t) as T, async () => {
    const value = await compute()
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    await fs.mkdir(join(file, ".."), { recursive: true })
    await fs.writeFile(tmp, JSON.stringify(value))
    await fs.rename(tmp, file)
    return value
  })

export const layer = (cacheDir: string) =>
  Layer.effect(AhnCatalog, Effect.gen(function* () {
    const pool = yield* WorkerPool
    const memo = new Map<string, Promise<unknown>>()
    const once = <T>(key: string, f: () => Promise<T>): Promise<T> => {
      if (!memo.has(key)) memo.set(key, f().catch((e) => { memo.delete(key); throw e }))
      return memo.get(key) as Promise<T>
    }
    const run = <T>(fn: string, path: string) => Effect.runPromise(pool.call<T>(WORKER, fn, [path]))
    const fail = (path: string) => (e: unknown) =>
      new AhnFileError({ path, reason: (e as { message?: string }).message ?? String(e) })
    return {
      header: (f) => Effect.tryPromise({
        try: async () => ({
          ...(await once(`h:${f.sha256}`, () =>
            cached(join(cacheDir, `${f.sha256}.header.json`), () => run<AhnHeaderInfo>("headerInfo", f.path)))),
          path: f.origin, epoch: f.epoch, sha256: f.sha256
        }),
        catch: fail(f.origin)
      }),
      scan: (f) => Effect.tryPromise({
        try: () => once(`s:${f.sha256}`, () =>
          cached(join(cacheDir, `${f.sha256}.scan.json`), () => run<AhnScanInfo>("scanFile", f.path))),
        catch: fail(f.origin)
      })
    }
  }))
