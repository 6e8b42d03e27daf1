/**
 * Publishes a finished release folder to `$ASSETS_HOME/releases/<version>/`, atomically: the
 * tree is hard-linked into a temporary folder, which then replaces the published one by rename,
 * so readers see the old release or the new one, never a mix. Files are hard links of the
 * file store's (no copy), so their bytes are hashed once, by the store's commit. Returns every
 * published file.
 */
import { Context, Data, Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import { dirname, join, sep } from "node:path"
import { listFiles } from "../engine/index.ts"

export class PublishError extends Data.TaggedError("PublishError")<{ readonly path: string; readonly reason: string }> {}

/** A published file: `path` relative to the home, `name` the file it links within the release tree. */
export interface PublishedFile { readonly path: string; readonly name: string }

export interface PublisherService {
  readonly root: string
  readonly publish: (version: string, fromDir: string) => Effect.Effect<ReadonlyArray<PublishedFile>, PublishError>
}

export class Publisher extends Context.Tag("bag3d/Publisher")<Publisher, PublisherService>() {}

/** Hard link (same bytes, no copy); a copy where the file system refuses links. */
export const linkOrCopy = async (src: string, dst: string): Promise<void> => {
  await fs.mkdir(dirname(dst), { recursive: true })
  await fs.link(src, dst).catch(() => fs.copyFile(src, dst))
}

export const makePublisher = (home: string): PublisherService => {
  const root = join(home, "releases")
  return {
    root,
    publish: (version, fromDir) => Effect.tryPromise({
      try: async () => {
        const staging = join(root, `.tmp-${randomUUID()}`)
        const files: PublishedFile[] = []
        for (const rel of await listFiles(fromDir)) {
          const dst = join(staging, rel)
          await linkOrCopy(join(fromDir, rel), dst)
          const name = rel.split(sep).join("/")
          files.push({ path: `releases/${version}/${name}`, name })
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
