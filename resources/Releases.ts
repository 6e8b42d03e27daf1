/**
 * Release configurations: one JSON file per version under `releases/` (or `ASSETS_RELEASES`).
 * A release names its BAG sources, its AHN files per epoch and the parameters of each asset.
 * Relative paths are resolved against the folder that holds `releases/` (the repo root), so the
 * sample release points at `../shared/data/…`. A source may instead be an `http(s)` URL with
 * the sha256 it must have: it is downloaded once into `$ASSETS_HOME/downloads/` and verified.
 */
import { Context, Data, Effect, Layer, Schema } from "effect"
import { createHash } from "node:crypto"
import { createWriteStream } from "node:fs"
import * as fs from "node:fs/promises"
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { SourceHashes, formatParseError, globToRegExp } from "../engine/index.ts"

export class ReleaseError extends Data.TaggedError("ReleaseError")<{
  readonly version: string
  readonly message: string
}> {}

const Sha256 = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

/** A file given by path (relative to the repo root, `*` allowed in the last segment) or by URL. */
export const FileRef = Schema.Union(
  Schema.String,
  Schema.Struct({ url: Schema.String.pipe(Schema.pattern(/^https?:\/\//)), sha256: Sha256 })
)
export type FileRef = typeof FileRef.Type

export const BagSource = Schema.Struct({
  name: Schema.String,
  file: FileRef,
  format: Schema.optional(Schema.Literal("bag-xml", "gpkg", "geojson")),
  layer: Schema.optional(Schema.String),
  licence: Schema.String,
  /** Date of the extract (stand), for the release metadata. */
  date: Schema.String
})

export const AhnEpoch = Schema.Struct({
  /** Acquisition year, used when a file's points carry no usable date. */
  year: Schema.Int,
  /** Quality rank, lower is better (AHN5 0, AHN4 1, AHN3 2, AHN2 3). */
  rank: Schema.Int,
  /** Class of building points: 6, or 1 where the epoch has no building class (AHN2). */
  buildingClass: Schema.Int,
  /**
   * Whether buildings may be modelled from this epoch (default true). Set false for an epoch
   * without a building class (AHN2): it is then measured for coverage and mutation only.
   */
  modelling: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  licence: Schema.String,
  files: Schema.Array(FileRef)
})

export const ReleaseConfig = Schema.Struct({
  version: Schema.String.pipe(Schema.pattern(/^\d{4}\.\d{2}(\.\d{2})?$/)),
  title: Schema.String,
  /** Publication date: the only date written into the release's files. */
  date: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)),
  bag: Schema.NonEmptyArray(BagSource),
  ahn: Schema.Struct({
    AHN2: Schema.optional(AhnEpoch), AHN3: Schema.optional(AhnEpoch),
    AHN4: Schema.optional(AhnEpoch), AHN5: Schema.optional(AhnEpoch)
  }),
  /** Parameters per asset key; each asset decodes its own with its schema. */
  assets: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { default: () => ({}) })
})
export type ReleaseConfig = typeof ReleaseConfig.Type

export interface ResolvedFile {
  /** Local path read (machine-dependent: never written into outputs). */
  readonly path: string
  /** Where it came from: the URL, or the path relative to the repo root (machine-independent). */
  readonly origin: string
  readonly sha256: string
}

export interface ResolvedAhnFile extends ResolvedFile {
  readonly epoch: string
}

export interface ReleasesService {
  readonly versions: Effect.Effect<ReadonlyArray<string>, ReleaseError>
  readonly release: (version: string) => Effect.Effect<ReleaseConfig, ReleaseError>
  readonly assetConfig: (version: string, asset: string) => Effect.Effect<unknown, ReleaseError>
  readonly bagSources: (version: string) =>
    Effect.Effect<ReadonlyArray<{ readonly source: typeof BagSource.Type; readonly file: ResolvedFile }>, ReleaseError>
  readonly ahnFiles: (version: string) => Effect.Effect<ReadonlyArray<ResolvedAhnFile>, ReleaseError>
}

export class Releases extends Context.Tag("bag3d/Releases")<Releases, ReleasesService>() {}

const expandPath = async (base: string, pattern: string): Promise<string[]> => {
  const abs = isAbsolute(pattern) ? pattern : resolve(base, pattern)
  const name = basename(abs)
  if (!name.includes("*") && !name.includes("?")) return [abs]
  const dir = dirname(abs)
  const entries = await fs.readdir(dir).catch(() => {
    throw new Error(`folder not found: ${dir} (from '${pattern}')`)
  })
  const re = globToRegExp(name)
  const hits = entries.filter((e) => re.test(e)).sort().map((e) => join(dir, e))
  if (hits.length === 0) throw new Error(`no file matches '${pattern}' in ${dir}`)
  return hits
}

const inFlight = new Map<string, Promise<string>>()

/**
 * Downloads `url` to the cache unless a verified copy is there; fails on a sha256 mismatch.
 * Concurrent calls for the same file share one download.
 */
export const download = (url: string, sha256: string, cacheDir: string): Promise<string> => {
  const key = `${cacheDir}\u0000${sha256}\u0000${url}`
  let p = inFlight.get(key)
  if (p === undefined) {
    p = downloadOnce(url, sha256, cacheDir).finally(() => inFlight.delete(key))
    inFlight.set(key, p)
  }
  return p
}

const downloadOnce = async (url: string, sha256: string, cacheDir: string): Promise<string> => {
  const target = join(cacheDir, `${sha256}-${basename(new URL(url).pathname) || "download"}`)
  if (await fs.stat(target).then(() => true, () => false)) return target
  await fs.mkdir(cacheDir, { recursive: true })
  const res = await fetch(url).catch((e: Error & { cause?: { code?: string; message?: string } }) => {
    throw new Error(`cannot download ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`)
  })
  if (!res.ok || res.body === null) throw new Error(`cannot download ${url}: HTTP ${res.status}`)
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.part`
  const h = createHash("sha256")
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>)
  body.on("data", (c: Buffer) => h.update(c))
  await pipeline(body, createWriteStream(tmp))
  const got = h.digest("hex")
  if (got !== sha256) {
    await fs.rm(tmp, { force: true })
    throw new Error(`download of ${url} has sha256 ${got}, but the release expects ${sha256}`)
  }
  await fs.rename(tmp, target)
  return target
}

/** A file listed twice (by two patterns, or twice over) is read once. */
const uniqueBySha = <F extends { sha256: string }>(files: ReadonlyArray<F>): F[] => {
  const seen = new Set<string>()
  return files.filter((f) => !seen.has(f.sha256) && (seen.add(f.sha256), true))
}

/** The epochs a release declares, in name order. */
export const ahnEpochs = (r: ReleaseConfig): Array<[string, typeof AhnEpoch.Type]> =>
  Object.entries(r.ahn).filter((e): e is [string, typeof AhnEpoch.Type] => e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))

/** A local file named by a relative path, as the release names it: relative to the repo root. */
const originOf = (base: string, path: string) => relative(base, path).split(sep).join("/")

export interface ReleasesOptions {
  readonly dir: string
  readonly downloadCache: string
  /** Asset keys a release may configure under `assets`; others are refused. */
  readonly assetKeys?: ReadonlyArray<string>
}

export const makeReleases = (opts: ReleasesOptions, hashes: typeof SourceHashes.Service): ReleasesService => {
  const base = dirname(resolve(opts.dir))
  const fail = (version: string) => (e: unknown) =>
    new ReleaseError({ version, message: e instanceof Error ? e.message : String(e) })

  const release = (version: string) =>
    Effect.gen(function* () {
      const file = join(opts.dir, `${version}.json`)
      const text = yield* Effect.tryPromise({
        try: () => fs.readFile(file, "utf8"),
        catch: () => new ReleaseError({ version, message: `no release file ${file}` +
          ` (releases are the *.json files in ${opts.dir})` })
      })
      const json = yield* Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: (e) => new ReleaseError({ version, message: `${file} is not JSON: ${(e as Error).message}` })
      })
      const cfg = yield* Schema.decodeUnknown(ReleaseConfig, { onExcessProperty: "error" })(json).pipe(
        Effect.mapError((e) => new ReleaseError({ version,
          message: `${file} is not a valid release: ${formatParseError(e)}` })))
      if (cfg.version !== version) {
        return yield* new ReleaseError({ version, message: `${file} declares version '${cfg.version}'` })
      }
      const unknown = Object.keys(cfg.assets).filter((k) => opts.assetKeys !== undefined && !opts.assetKeys.includes(k))
      if (unknown.length > 0) {
        return yield* new ReleaseError({ version, message: `${file}: assets.${unknown[0]} is not an asset; ` +
          `known: ${opts.assetKeys!.join(", ")}` })
      }
      return cfg
    })

  const resolveRef = (version: string, ref: FileRef) =>
    Effect.gen(function* () {
      if (typeof ref !== "string") {
        const path = yield* Effect.tryPromise({ try: () => download(ref.url, ref.sha256, opts.downloadCache),
          catch: fail(version) })
        return [{ path, origin: ref.url, sha256: ref.sha256 }]
      }
      const paths = yield* Effect.tryPromise({ try: () => expandPath(base, ref), catch: fail(version) })
      return yield* Effect.forEach(paths, (path) => hashes.sha256(path).pipe(
        Effect.map((sha256) => ({ path, origin: isAbsolute(ref) ? path : originOf(base, path), sha256 })),
        Effect.mapError((e) => new ReleaseError({ version, message: e.message }))))
    })

  return {
    versions: Effect.tryPromise({
      try: async () => (await fs.readdir(opts.dir)).filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5)).sort(),
      catch: () => new ReleaseError({ version: "*", message: `no releases folder ${opts.dir}` })
    }),
    release,
    assetConfig: (version, asset) => release(version).pipe(Effect.map((r) => r.assets[asset] ?? {})),
    bagSources: (version) => release(version).pipe(Effect.flatMap((r) =>
      Effect.forEach(r.bag, (source) => resolveRef(version, source.file).pipe(
        Effect.flatMap((files) => files.length === 1 ? Effect.succeed({ source, file: files[0] })
          : Effect.fail(new ReleaseError({ version, message: `BAG source '${source.name}' must name one file` }))))))),
    ahnFiles: (version) => release(version).pipe(Effect.flatMap((r) =>
      Effect.forEach(ahnEpochs(r), ([epoch, e]) =>
        Effect.forEach(e.files, (ref) => resolveRef(version, ref)).pipe(
          Effect.map((lists) => uniqueBySha(lists.flat()).map((f) => ({ ...f, epoch }))))).pipe(Effect.map((l) => l.flat()))))
  }
}

/** Folder of release files: `ASSETS_RELEASES`, else `releases/` beside this package's root. */
export const releasesDir = (env: NodeJS.ProcessEnv = process.env) =>
  env.ASSETS_RELEASES ? resolve(env.ASSETS_RELEASES) : new URL("../releases", import.meta.url).pathname

export const layer = (opts: ReleasesOptions) =>
  Layer.effect(Releases, Effect.map(SourceHashes, (h) => makeReleases(opts, h)))
