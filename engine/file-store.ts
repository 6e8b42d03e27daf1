/**
 * The file store under `$ASSETS_HOME/store`. A partition writes into a private temporary folder;
 * when it succeeds every file is fsynced and hashed, and the folder is renamed into place:
 *   store/<asset>/<primary>/<secondary with / replaced by ->/<data version, 16 hex>/<file>
 * Only after that rename (and the parent's fsync) is the materialization recorded, so a recorded
 * file is always complete, and a kill at any moment leaves at worst an unreferenced folder, which
 * the next run sweeps away.
 */
import { Context, Effect, Layer } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import { join, relative, sep } from "node:path"
import type { StoredFile } from "./asset.ts"
import { FileStoreError, errorMessage } from "./errors.ts"
import { secondaryFolder, type AssetKey, type PartitionKey } from "./keys.ts"

export interface FileStoreService {
  readonly root: string
  /** A new empty folder for one partition attempt. */
  readonly makeTempDir: () => Effect.Effect<string, FileStoreError>
  /** Moves a finished temp folder into place; returns its files with sha256 (sorted by name). */
  readonly commitDir: (
    tempDir: string,
    asset: AssetKey,
    partition: PartitionKey,
    dataVersion: string
  ) => Effect.Effect<ReadonlyArray<StoredFile>, FileStoreError>
  readonly discard: (tempDir: string) => Effect.Effect<void>
  readonly absolute: (storePath: string) => string
  /** Removes a partition's folders other than the one of `dataVersion` (after its commit). */
  readonly pruneSuperseded: (asset: AssetKey, partition: PartitionKey, dataVersion: string) => Effect.Effect<void>
  /** Removes temp folders and partition folders no latest materialization references. */
  readonly sweep: (referenced: ReadonlySet<string>) => Effect.Effect<number, FileStoreError>
}

export class FileStore extends Context.Tag("engine/FileStore")<FileStore, FileStoreService>() {}

export const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = createHash("sha256")
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")))
  })

const fsyncPath = async (path: string): Promise<void> => {
  const fh = await fs.open(path, "r")
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Files under `dir`, as paths relative to it, sorted. */
export const listFiles = async (dir: string, base = dir): Promise<string[]> => {
  const out: string[] = []
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await listFiles(p, base)))
    else if (e.isFile()) out.push(relative(base, p))
  }
  return out.sort()
}

const TMP = ".tmp"

export const makeFileStore = (root: string): FileStoreService => {
  const wrap = <A>(path: string, what: string, f: () => Promise<A>) =>
    Effect.tryPromise({
      try: f,
      catch: (e) => new FileStoreError({ path, message: `${what}: ${errorMessage(e)}`, cause: e })
    })
  const partitionDir = (asset: AssetKey, p: PartitionKey) =>
    join(root, asset, p.primary, secondaryFolder(p.secondary))

  const commitDir = (tempDir: string, asset: AssetKey, p: PartitionKey, dataVersion: string) =>
    wrap(tempDir, "commit outputs", async () => {
      const names = await listFiles(tempDir)
      const hashed: Array<{ name: string; sha256: string; bytes: number }> = []
      for (const name of names) {
        const abs = join(tempDir, name)
        await fsyncPath(abs)
        const [sha256, st] = await Promise.all([sha256File(abs), fs.stat(abs)])
        hashed.push({ name: name.split(sep).join("/"), sha256, bytes: st.size })
      }
      const parent = partitionDir(asset, p)
      const final = join(parent, dataVersion.slice(0, 16))
      await fs.mkdir(parent, { recursive: true })
      // A folder with this data version exists only if an earlier attempt was killed after the
      // rename and before the record: it is not referenced, so it is replaced.
      await fs.rm(final, { recursive: true, force: true })
      await fs.rename(tempDir, final)
      await fsyncPath(parent)
      return hashed.map((f) => ({
        ...f,
        path: relative(root, join(final, f.name)).split(sep).join("/")
      }))
    })

  const sweep = (referenced: ReadonlySet<string>) =>
    wrap(root, "sweep store", async () => {
      await fs.rm(join(root, TMP), { recursive: true, force: true })
      const keepDirs = new Set([...referenced].map((p) => p.split("/").slice(0, 4).join("/")))
      let removed = 0
      const assets = await fs.readdir(root, { withFileTypes: true }).catch(() => [])
      for (const a of assets) {
        if (!a.isDirectory() || a.name === TMP) continue
        for (const prim of await fs.readdir(join(root, a.name))) {
          for (const sec of await fs.readdir(join(root, a.name, prim))) {
            for (const dv of await fs.readdir(join(root, a.name, prim, sec))) {
              const rel = [a.name, prim, sec, dv].join("/")
              if (!keepDirs.has(rel)) {
                await fs.rm(join(root, rel), { recursive: true, force: true })
                removed++
              }
            }
          }
        }
      }
      return removed
    })

  return {
    root,
    makeTempDir: () =>
      wrap(root, "create temp folder", async () => {
        const dir = join(root, TMP, randomUUID())
        await fs.mkdir(dir, { recursive: true })
        return dir
      }),
    commitDir,
    discard: (tempDir) => Effect.promise(() => fs.rm(tempDir, { recursive: true, force: true })),
    pruneSuperseded: (asset, p, dataVersion) =>
      Effect.promise(async () => {
        const parent = partitionDir(asset, p)
        const keep = dataVersion.slice(0, 16)
        for (const d of await fs.readdir(parent).catch(() => [] as string[])) {
          if (d !== keep) await fs.rm(join(parent, d), { recursive: true, force: true })
        }
      }),
    absolute: (p) => join(root, p),
    sweep
  }
}

export const fileStoreLayer = (root: string) => Layer.succeed(FileStore, makeFileStore(root))
