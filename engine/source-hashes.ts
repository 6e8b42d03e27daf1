/**
 * sha256 of source files, cached by (size, mtime, ctime, inode): an edit that keeps the size and
 * puts the mtime back still changes the ctime in `$ASSETS_HOME/source-hashes.json`, so
 * a status check over thousands of partitions re-reads only files whose metadata changed.
 */
import { Context, Effect, Layer } from "effect"
import * as fs from "node:fs/promises"
import { dirname } from "node:path"
import { FileStoreError, errorMessage } from "./errors.ts"
import { sha256File } from "./file-store.ts"

interface Entry {
  readonly size: number
  readonly mtimeMs: number
  readonly ctimeMs: number
  readonly ino: number
  readonly sha256: string
}

export interface SourceHashesService {
  /** sha256 of the file's bytes now; fails naming the file when it cannot be read. */
  readonly sha256: (path: string) => Effect.Effect<string, FileStoreError>
  readonly flush: () => Effect.Effect<void>
}

export class SourceHashes extends Context.Tag("engine/SourceHashes")<SourceHashes, SourceHashesService>() {}

export const makeSourceHashes = async (cacheFile: string): Promise<SourceHashesService> => {
  const cache = new Map<string, Entry>(
    Object.entries(await fs.readFile(cacheFile, "utf8").then(JSON.parse, () => ({})))
  )
  let dirty = false
  const sha256 = (path: string) =>
    Effect.tryPromise({
      try: async () => {
        const st = await fs.stat(path)
        const hit = cache.get(path)
        if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ctimeMs === st.ctimeMs &&
          hit.ino === st.ino) return hit.sha256
        const sha = await sha256File(path)
        cache.set(path, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, sha256: sha })
        dirty = true
        return sha
      },
      catch: (e) => new FileStoreError({
        path,
        message: (e as NodeJS.ErrnoException).code === "ENOENT" ? `file not found: ${path}` : errorMessage(e),
        cause: e
      })
    })
  const flush = () =>
    Effect.promise(async () => {
      if (!dirty) return
      await fs.mkdir(dirname(cacheFile), { recursive: true })
      const tmp = `${cacheFile}.${process.pid}.tmp`
      await fs.writeFile(tmp, JSON.stringify(Object.fromEntries([...cache].sort())))
      await fs.rename(tmp, cacheFile)
      dirty = false
    }).pipe(Effect.ignore)
  return { sha256, flush }
}

export const sourceHashesLayer = (cacheFile: string) =>
  Layer.scoped(
    SourceHashes,
    Effect.acquireRelease(Effect.promise(() => makeSourceHashes(cacheFile)), (s) => s.flush())
  )
