/**
 * Publishes a finished release folder to `$ASSETS_HOME/releases/<version>/`, atomically: the
 * tree is hard-linked into a temporary folder, which then replaces the published one by rename,
 * so readers see the old release or the new one, never a mix. Files are hard links of the
 * file store's (no copy). Returns every published file with its sha256.
 */
import { Context, Data, Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import { dirname, join, relative, sep } from "node:path"
import { sha256File } from "../engine/index.ts"

export class PublishError extends Data.TaggedError("PublishError")<{ readonly path: string; readonly reason: string }> {}

export interface PublishedFile { readonly path: string; readonly sha256: string; readonly bytes: number }

export interface PublisherService {
  readonly root: string
  readonly publish: (version: string, fromDir: string) => Effect.Effect<ReadonlyArray<PublishedFile>, PublishError>
}

export class Publisher extends Context.Tag("bag3d/Publisher")<Publisher, PublisherService>() {}

const walk = async (dir: string): Promise<string[]> => {
  const out: string[] = []
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await walk(p)))
    else if (e.isFile()) out.push(p)
  }
  return out.sort()
}

export const makePublisher = (home: string): PublisherService => {
  const root = join(home, "releases")
  return {
    root,
    publish: (version, fromDir) => Effect.tryPromise({
      try: async () => {
        const staging = join(root, `.tmp-${randomUUID()}`)
        const files: PublishedFile[] = []
        for (const src of await walk(fromDir)) {
          const rel = relative(fromDir, src)
          const dst = join(staging, rel)
          await fs.mkdir(dirname(dst), { recursive: true })
          await fs.link(src, dst).catch(() => fs.copyFile(src, dst))
          const st = await fs.stat(dst)
          files.push({ path: ["releases", version, ...rel.split(sep)].join("/"), sha256: await sha256File(dst), bytes: st.size })
        }
        const target = join(root, version)
        const old = join(root, `.old-${randomUUID()}`)
        const had = await fs.rename(target, old).then(() => true, () => false)
        await fs.rename(staging, target)
        if (had) await fs.rm(old, { recursive: true, force: true })
        return files
      },
      catch: (e) => new PublishError({ path: join(root, version), reason: (e as Error).message })
    })
  }
}

export const layer = (home: string) => Layer.succeed(Publisher, makePublisher(home))
