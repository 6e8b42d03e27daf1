/**
 * PointClouds: the Effect service over LAS/LAZ files. Every failure (missing file, not LAS,
 * truncated, corrupt) is a `PointCloudError` naming the path and the reason.
 *
 * The methods decode on the calling thread; a caller that wants parallel decodes runs the plain
 * functions of `las-reader.ts` in worker threads instead.
 */
import { createHash } from "node:crypto"
import { Context, Data, Effect, Layer } from "effect"
import type { PointSet } from "../kernels/geometry-types.ts"
import type { GpsRange, LasHeader } from "../kernels/las-header.ts"
import {
  acquisitionDate,
  decodePoints,
  decodePointsFromBytes,
  hashFile,
  LasReadError,
  readLasBytes,
  readLasHeader,
  type DecodeOptions
} from "./las-reader.ts"

/** A LAS/LAZ file could not be read; `reason` starts with "file not found", "truncated", … */
export class PointCloudError extends Data.TaggedError("PointCloudError")<{
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.path}: ${this.reason}`
  }
}

/** The header of a file plus what identifies its bytes. */
export interface PointCloudHeader {
  readonly header: LasHeader
  /** Hex SHA-256 of the whole file. */
  readonly sha256: string
  readonly sizeBytes: number
}

/** A full pass over a file: header, per-class counts and dating. */
export interface PointCloudScan extends PointCloudHeader {
  /** Points per class over all points; absent classes omitted. */
  readonly classCounts: Readonly<Record<number, number>>
  readonly gpsRange: GpsRange | null
  /** ISO date; see `acquisitionDate` in las-reader.ts for how it is derived. */
  readonly acquisitionDate: string | null
  /** Points outside the header bounds; 0 in a sound file. */
  readonly outsideHeaderBounds: number
}

export interface PointCloudsService {
  /** Reads the header bytes, then hashes the file (a streamed read of all bytes). */
  readonly header: (path: string) => Effect.Effect<PointCloudHeader, PointCloudError>
  /**
   * LIMITATION: the class counts and GPS range are not in the LAS header, so a scan costs a full
   * decode of every point (about 0.75 s per million LAZ points on one warm core).
   */
  readonly scan: (path: string) => Effect.Effect<PointCloudScan, PointCloudError>
  /** The points inside `bbox` (closed box) whose class is in `classes`; all when omitted. */
  readonly points: (
    path: string,
    options?: DecodeOptions
  ) => Effect.Effect<PointSet, PointCloudError>
}

function toPointCloudError(path: string, cause: unknown): PointCloudError {
  if (cause instanceof LasReadError) return new PointCloudError({ path, reason: cause.reason })
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new PointCloudError({ path, reason: `unexpected: ${reason}` })
}

function attempt<A>(path: string, run: () => Promise<A>): Effect.Effect<A, PointCloudError> {
  return Effect.tryPromise({ try: run, catch: (cause) => toPointCloudError(path, cause) })
}

const header = (path: string): Effect.Effect<PointCloudHeader, PointCloudError> =>
  Effect.all([attempt(path, () => readLasHeader(path)), attempt(path, () => hashFile(path))]).pipe(
    Effect.map(([h, file]) => ({ header: h, sha256: file.sha256, sizeBytes: file.size })),
    Effect.withSpan("PointClouds.header", { attributes: { path } })
  )

/** One read of the file serves both the hash and the decode. */
const scan = (path: string): Effect.Effect<PointCloudScan, PointCloudError> =>
  attempt(path, async () => {
    const bytes = await readLasBytes(path)
    const sha256 = createHash("sha256").update(bytes).digest("hex")
    // An empty class filter keeps no points, so no output arrays beyond the first block.
    const decoded = await decodePointsFromBytes(path, bytes, { classes: [] })
    return {
      header: decoded.header,
      sha256,
      sizeBytes: bytes.length,
      classCounts: decoded.classCounts,
      gpsRange: decoded.gpsRange,
      acquisitionDate: acquisitionDate(decoded.header, decoded.gpsRange),
      outsideHeaderBounds: decoded.outsideHeaderBounds
    }
  }).pipe(Effect.withSpan("PointClouds.scan", { attributes: { path } }))

const points = (
  path: string,
  options: DecodeOptions = {}
): Effect.Effect<PointSet, PointCloudError> =>
  attempt(path, async () => (await decodePoints(path, options)).points).pipe(
    Effect.withSpan("PointClouds.points", { attributes: { path } })
  )

export class PointClouds extends Context.Tag("bag3d/PointClouds")<
  PointClouds,
  PointCloudsService
>() {
  /** Reads from the local file system on the calling thread. */
  static readonly layer: Layer.Layer<PointClouds> = Layer.succeed(PointClouds, {
    header,
    scan,
    points
  })
}

export const layer = PointClouds.layer
