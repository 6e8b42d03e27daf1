/**
 * Plain (non-Effect) LAS/LAZ reading, usable inside a worker thread: header only, or one full
 * decode into a `PointSet`. Uncompressed records are read straight from the file bytes; LAZ goes
 * through laz-perf (WASM LASzip), whose raw records are then read by the same record reader.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { open, readFile } from "node:fs/promises"
import { createLazPerf } from "laz-perf"
import type { BBox, PointSet } from "../kernels/geometry-types.ts"
import {
  classificationMask,
  classificationOffset,
  gpsTimeOffset,
  LAS_HEADER_MAX_SIZE,
  parseLasHeader,
  type GpsRange,
  type LasHeader
} from "../kernels/las-header.ts"

export { acquisitionDate, type GpsRange } from "../kernels/las-header.ts"

/** A file that cannot be read as LAS/LAZ: missing, not LAS, truncated or corrupt. */
export class LasReadError extends Error {
  override readonly name = "LasReadError"
  constructor(
    readonly path: string,
    readonly reason: string
  ) {
    super(`${path}: ${reason}`)
  }
}

export interface DecodeOptions {
  /** Keep only points with minx <= x <= maxx and miny <= y <= maxy (closed box, metres). */
  readonly bbox?: BBox
  /** Keep only points whose class is in this list. */
  readonly classes?: ReadonlyArray<number>
}

export interface DecodeResult {
  readonly header: LasHeader
  /** The points that pass the bbox and class filters. */
  readonly points: PointSet
  /** Points per class over ALL points of the file (before filtering); absent classes omitted. */
  readonly classCounts: Readonly<Record<number, number>>
  /** Over all points; null for formats 0 and 2 (no GPS time) or an empty file. */
  readonly gpsRange: GpsRange | null
  /** Points lying outside the header bounds by more than half a scale step; 0 in a sound file. */
  readonly outsideHeaderBounds: number
}

/** The only LASzip compressor without a chunk table. */
const LASZIP_POINTWISE_COMPRESSOR = 1
const INITIAL_FILTERED_CAPACITY = 1 << 16

/** Runs a file-system call, turning ENOENT into LasReadError "file not found". */
async function onDisk<A>(path: string, run: () => Promise<A>): Promise<A> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof LasReadError) throw e
    if ((e as { code?: unknown } | null)?.code === "ENOENT") {
      throw new LasReadError(path, "file not found")
    }
    throw new LasReadError(path, `cannot read file: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** Parses the header from the leading `bytes` of a file of `fileSize` bytes, or throws. */
function headerOf(path: string, bytes: Uint8Array, fileSize: number): LasHeader {
  const parsed = parseLasHeader(bytes)
  if (parsed.ok) return parsed.header
  if (parsed.needBytes !== undefined && parsed.needBytes > fileSize) {
    throw new LasReadError(
      path,
      `truncated: header and VLRs need ${parsed.needBytes} bytes, file has ${fileSize}`
    )
  }
  throw new LasReadError(path, parsed.reason)
}

/** Reads only the public header block and the VLRs (two small reads at most). */
export async function readLasHeader(path: string): Promise<LasHeader> {
  return onDisk(path, async () => {
    const handle = await open(path, "r")
    try {
      const size = (await handle.stat()).size
      const first = new Uint8Array(Math.min(size, LAS_HEADER_MAX_SIZE))
      await handle.read(first, 0, first.length, 0)
      const parsed = parseLasHeader(first)
      if (parsed.ok || parsed.needBytes === undefined || parsed.needBytes > size) {
        return headerOf(path, first, size)
      }
      const all = new Uint8Array(parsed.needBytes)
      await handle.read(all, 0, all.length, 0)
      return headerOf(path, all, size)
    } finally {
      await handle.close()
    }
  })
}

/** SHA-256 (hex) and size of a file, streamed in 64 KiB pieces. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  return onDisk(path, async () => {
    const hash = createHash("sha256")
    let size = 0
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      size += chunk.length
      hash.update(chunk)
    }
    return { sha256: hash.digest("hex"), size }
  })
}

function widen(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity)
  b.set(a)
  return b
}

/** Growable SoA point buffer plus whole-file statistics; one record at a time via `add`. */
class PointAccumulator {
  x: Float64Array
  y: Float64Array
  z: Float64Array
  classification: Uint8Array
  length = 0
  readonly counts = new Float64Array(256)
  gpsMin = Infinity
  gpsMax = -Infinity
  outside = 0
  private readonly keep: Uint8Array | null
  private readonly box: BBox
  private readonly classAt: number
  private readonly classMask: number
  private readonly gpsAt: number

  /** `expected`: points the file should yield; the arrays start at that size unless filtered. */
  constructor(
    private readonly h: LasHeader,
    options: DecodeOptions,
    expected: number
  ) {
    const filtered = options.bbox !== undefined || options.classes !== undefined
    const capacity = filtered ? Math.min(expected, INITIAL_FILTERED_CAPACITY) : expected
    this.x = new Float64Array(capacity)
    this.y = new Float64Array(capacity)
    this.z = new Float64Array(capacity)
    this.classification = new Uint8Array(capacity)
    this.box = options.bbox ?? [-Infinity, -Infinity, Infinity, Infinity]
    this.keep = options.classes === undefined ? null : new Uint8Array(256)
    for (const c of options.classes ?? []) if (c >= 0 && c < 256) this.keep![c] = 1
    this.classAt = classificationOffset(h.pointFormat)
    this.classMask = classificationMask(h.pointFormat)
    this.gpsAt = gpsTimeOffset(h.pointFormat)
  }

  /** Reads the record at byte `at` of `view`: X, Y, Z int32 at 0, 4, 8, then class and GPS. */
  add(view: DataView, at: number): void {
    const h = this.h
    const x = view.getInt32(at, true) * h.scale.x + h.offset.x
    const y = view.getInt32(at + 4, true) * h.scale.y + h.offset.y
    const z = view.getInt32(at + 8, true) * h.scale.z + h.offset.z
    const cls = view.getUint8(at + this.classAt) & this.classMask
    this.counts[cls]++
    if (this.gpsAt >= 0) {
      const t = view.getFloat64(at + this.gpsAt, true)
      if (t < this.gpsMin) this.gpsMin = t
      if (t > this.gpsMax) this.gpsMax = t
    }
    if (this.outsideBounds(x, y, z)) this.outside++
    const b = this.box
    if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) return
    if (this.keep !== null && this.keep[cls] === 0) return
    if (this.length === this.x.length) this.grow()
    const i = this.length++
    this.x[i] = x
    this.y[i] = y
    this.z[i] = z
    this.classification[i] = cls
  }

  private outsideBounds(x: number, y: number, z: number): boolean {
    const { min, max, scale } = this.h
    return x < min.x - scale.x / 2 || x > max.x + scale.x / 2 ||
      y < min.y - scale.y / 2 || y > max.y + scale.y / 2 ||
      z < min.z - scale.z / 2 || z > max.z + scale.z / 2
  }

  /** Doubles every array; amortised O(1) per point. */
  private grow(): void {
    const capacity = Math.max(16, this.x.length * 2)
    const c = new Uint8Array(capacity)
    c.set(this.classification)
    this.classification = c
    this.x = widen(this.x, capacity)
    this.y = widen(this.y, capacity)
    this.z = widen(this.z, capacity)
  }

  result(): DecodeResult {
    const n = this.length
    const fit = n === this.x.length
    const points: PointSet = {
      x: fit ? this.x : this.x.slice(0, n),
      y: fit ? this.y : this.y.slice(0, n),
      z: fit ? this.z : this.z.slice(0, n),
      classification: fit ? this.classification : this.classification.slice(0, n),
      length: n
    }
    const classCounts: Record<number, number> = {}
    this.counts.forEach((count, cls) => {
      if (count > 0) classCounts[cls] = count
    })
    const gpsRange = this.gpsMin <= this.gpsMax ? { min: this.gpsMin, max: this.gpsMax } : null
    return { header: this.h, points, classCounts, gpsRange, outsideHeaderBounds: this.outside }
  }
}

/** Why the uncompressed records cannot all be read, or undefined. */
function lasProblem(h: LasHeader, bytes: Uint8Array): string | undefined {
  const available = Math.floor((bytes.length - h.offsetToPointData) / h.pointRecordLength)
  if (available >= h.pointCount) return undefined
  return `truncated: header says ${h.pointCount} points, only ${Math.max(0, available)} decodable`
}

/** Uncompressed records, read in place from the file bytes. */
function decodeLasRecords(bytes: Uint8Array, acc: PointAccumulator, h: LasHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0, at = h.offsetToPointData; i < h.pointCount; i++, at += h.pointRecordLength) {
    acc.add(view, at)
  }
}

/** The subset of the laz-perf 0.0.7 Emscripten module used here. */
interface LazPerfModule {
  readonly HEAPU8: Uint8Array
  _malloc(bytes: number): number
  _free(pointer: number): void
  readonly LASZip: new () => {
    open(pointer: number, length: number): void
    getPoint(pointer: number): void
    getCount(): number
    getPointLength(): number
    delete(): void
  }
}
type LazPerfReader = InstanceType<LazPerfModule["LASZip"]>

let lazPerfInstance: Promise<LazPerfModule> | undefined

/**
 * One laz-perf instance per thread, created on first use. Its Emscripten glue registers
 * process-wide `uncaughtException` and `unhandledRejection` handlers that rethrow, which would turn
 * any stray rejection anywhere in the process into a crash. They are registered synchronously
 * inside the factory call, so every listener that appears across that call is removed at once.
 */
function lazPerf(): Promise<LazPerfModule> {
  if (lazPerfInstance !== undefined) return lazPerfInstance
  const emitter: NodeJS.EventEmitter = process
  const events = ["uncaughtException", "unhandledRejection"]
  const before = events.map((event) => new Set(emitter.listeners(event)))
  const factory = createLazPerf as unknown as (options: object) => Promise<LazPerfModule>
  const ready = factory({ print: () => {}, printErr: () => {} })
  events.forEach((event, i) => {
    for (const listener of emitter.listeners(event)) {
      if (!before[i].has(listener)) emitter.removeListener(event, listener as () => void)
    }
  })
  lazPerfInstance = ready
  ready.catch(() => (lazPerfInstance = undefined))
  return ready
}

/**
 * Why laz-perf cannot be handed the file, or undefined. A chunked LAZ stores the byte offset of
 * its chunk table (at the end of the file) as the first 8 bytes of the point data; a cut-off file
 * loses the table, so it is checked here rather than left to a WASM abort.
 */
function lazProblem(h: LasHeader, bytes: Uint8Array): string | undefined {
  if (h.laszip === null) return "corrupt: compressed point format but no LASzip VLR"
  if (h.laszip.compressor === LASZIP_POINTWISE_COMPRESSOR) return undefined
  const truncated = `truncated: header says ${h.pointCount} points`
  if (bytes.length < h.offsetToPointData + 8) return `${truncated}, no point data in the file`
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tableAt = Number(view.getBigInt64(h.offsetToPointData, true))
  if (tableAt === -1 || tableAt + 8 <= bytes.length) return undefined
  return `${truncated}; LAZ chunk table expected at byte ${tableAt}, file has ${bytes.length} bytes`
}

/**
 * Opens the stream and feeds every raw record to `acc`. `progress.read` is how far it got: -1
 * before the stream opened, else the points read.
 */
function pumpLaz(
  path: string,
  lp: LazPerfModule,
  reader: LazPerfReader,
  pointers: { readonly file: number; readonly point: number; readonly length: number },
  acc: PointAccumulator,
  h: LasHeader,
  progress: { read: number }
): void {
  reader.open(pointers.file, pointers.length)
  progress.read = 0
  if (reader.getCount() !== h.pointCount || reader.getPointLength() !== h.pointRecordLength) {
    throw new LasReadError(path, "corrupt: LAZ stream disagrees with header on count or length")
  }
  let heap = lp.HEAPU8.buffer
  let view = new DataView(heap, pointers.point, h.pointRecordLength)
  for (; progress.read < h.pointCount; progress.read++) {
    reader.getPoint(pointers.point)
    // The decoder may grow WASM memory at a chunk boundary, detaching the old buffer.
    if (lp.HEAPU8.buffer !== heap) {
      heap = lp.HEAPU8.buffer
      view = new DataView(heap, pointers.point, h.pointRecordLength)
    }
    acc.add(view, 0)
  }
}

/** Decodes with laz-perf; any abort inside WASM discards the instance (its state is unknown). */
async function decodeLazRecords(
  path: string,
  bytes: Uint8Array,
  acc: PointAccumulator,
  h: LasHeader
): Promise<void> {
  const lp = await lazPerf()
  const pointers = {
    file: lp._malloc(bytes.length),
    point: lp._malloc(h.pointRecordLength),
    length: bytes.length
  }
  lp.HEAPU8.set(bytes, pointers.file)
  const reader = new lp.LASZip()
  const release = () => {
    reader.delete()
    lp._free(pointers.point)
    lp._free(pointers.file)
  }
  const progress = { read: -1 }
  try {
    pumpLaz(path, lp, reader, pointers, acc, h, progress)
  } catch (e) {
    // After a WASM abort the instance is dropped whole; freeing into it could throw again.
    if (e instanceof LasReadError) release()
    else lazPerfInstance = undefined
    throw e instanceof LasReadError ? e : new LasReadError(path, lazAbortReason(progress.read, h))
  }
  release()
}

function lazAbortReason(read: number, h: LasHeader): string {
  if (read < 0) return "corrupt: laz-perf cannot open the LAZ stream (damaged chunk table or data)"
  return `corrupt: LAZ decoder aborted at point ${read} of ${h.pointCount}, only ${read} decodable`
}

/**
 * Decodes the whole file held in `bytes` (read from `path`, used in errors) once.
 * Cost: O(points); output arrays sized to the point count when unfiltered, else doubled.
 */
export async function decodePointsFromBytes(
  path: string,
  bytes: Uint8Array,
  options: DecodeOptions = {}
): Promise<DecodeResult> {
  const header = headerOf(path, bytes, bytes.length)
  const empty = header.pointCount === 0
  const problem = header.compressed ? lazProblem(header, bytes) : lasProblem(header, bytes)
  if (!empty && problem !== undefined) throw new LasReadError(path, problem)
  // A LAZ header count is not yet checked against the stream: a LAZ file holds at least one byte
  // per point in practice (AHN3: 5.5), so the byte count bounds the first allocation.
  const expected = header.compressed ? Math.min(header.pointCount, bytes.length) : header.pointCount
  const acc = new PointAccumulator(header, options, expected)
  if (empty) return acc.result()
  if (header.compressed) await decodeLazRecords(path, bytes, acc, header)
  else decodeLasRecords(bytes, acc, header)
  return acc.result()
}

/**
 * Reads and decodes a LAS or LAZ file once.
 * LIMITATION: the whole file is held in memory (and, for LAZ, copied into the WASM heap, which
 * never shrinks), so peak memory is about twice the file size plus the output arrays.
 */
export async function decodePoints(
  path: string,
  options: DecodeOptions = {}
): Promise<DecodeResult> {
  return decodePointsFromBytes(path, await readLasBytes(path), options)
}

/** The whole file; LasReadError "file not found" when it is missing. */
export async function readLasBytes(path: string): Promise<Uint8Array> {
  return onDisk(path, () => readFile(path))
}
