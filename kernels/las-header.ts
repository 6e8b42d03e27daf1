/**
 * Parser of the LAS public header block and the VLR list (ASPRS LAS 1.0–1.4, point data record
 * formats 0–10, LASzip-compressed or not), the byte layout of a point record, and the acquisition
 * date a header and GPS times imply. Pure: bytes in, a result object out; never throws.
 *
 * All multi-byte fields are little-endian. Byte offsets below are those of the LAS spec's public
 * header block; the fields after byte 227 exist only from LAS 1.3 (waveform) and 1.4 (EVLRs,
 * 64-bit counts) on.
 */

/** Bytes needed to parse the largest (LAS 1.4) public header block. */
export const LAS_HEADER_MAX_SIZE = 375
/** Size of the public header block of LAS 1.0–1.2; also the smallest legal header size. */
export const LAS_HEADER_MIN_SIZE = 227
/** Size of a VLR header (payload follows). */
export const VLR_HEADER_SIZE = 54
/** User id and record id of the VLR that LASzip writes into every LAZ file. */
export const LASZIP_VLR_USER_ID = "laszip encoded"
export const LASZIP_VLR_RECORD_ID = 22204

/** Smallest legal record length per point data record format 0–10, in bytes. */
export const POINT_FORMAT_MIN_LENGTH: readonly number[] = [
  20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67
]

const HEADER_SIZE_1_3 = 235
const HEADER_SIZE_1_4 = 375
/** Bit 7 of the point format id marks LASzip compression; bit 6 is set by very old LASzip. */
const COMPRESSION_BITS = 0xc0
const GLOBAL_ENCODING_ADJUSTED_GPS = 0x1
const GLOBAL_ENCODING_WKT = 0x10

export interface Xyz {
  readonly x: number
  readonly y: number
  readonly z: number
}

/** One variable length record; `payload` is a view into the input bytes (no copy). */
export interface LasVlr {
  readonly userId: string
  readonly recordId: number
  readonly description: string
  readonly payload: Uint8Array
}

/** What the LASzip VLR says about the compression (LASzip VLR payload bytes 0–15). */
export interface LaszipInfo {
  /** 1 point-wise, 2 point-wise chunked, 3 layered chunked (LAS 1.4 formats 6–10). */
  readonly compressor: number
  /** Points per chunk; 0xffffffff for variable-size chunks. */
  readonly chunkSize: number
  /** LASzip version that wrote the file, e.g. "2.2.0". */
  readonly version: string
}

/** How GPS time in the point records is to be read (global encoding bit 0). */
export type GpsTimeType = "gps-week-time" | "adjusted-standard-gps-time"

export interface LasHeader {
  readonly versionMajor: number
  readonly versionMinor: number
  /** e.g. "1.2". */
  readonly version: string
  /** Point data record format 0–10, compression bits removed. */
  readonly pointFormat: number
  /** Bytes per point record, including extra bytes. */
  readonly pointRecordLength: number
  /** Number of point records: the 64-bit field for LAS ≥ 1.4, else the legacy 32-bit one. */
  readonly pointCount: number
  readonly scale: Xyz
  readonly offset: Xyz
  readonly min: Xyz
  readonly max: Xyz
  /** Day of year 1–366; 0 when the writer left it empty. */
  readonly creationDay: number
  /** Four-digit year; 0 when the writer left it empty. */
  readonly creationYear: number
  readonly globalEncoding: number
  readonly gpsTimeType: GpsTimeType
  /** Global encoding bit 4 (LAS 1.4): the CRS is stored as WKT rather than GeoTIFF keys. */
  readonly crsIsWkt: boolean
  readonly fileSourceId: number
  readonly systemId: string
  readonly generatingSoftware: string
  readonly headerSize: number
  readonly offsetToPointData: number
  readonly vlrs: readonly LasVlr[]
  /** Extended VLRs at the end of the file (LAS 1.4); not parsed here. */
  readonly evlrCount: number
  readonly evlrOffset: number
  /** Compression bit in the point format id, or a LASzip VLR. */
  readonly compressed: boolean
  /** Parsed LASzip VLR; null when there is none (or it is shorter than 16 bytes). */
  readonly laszip: LaszipInfo | null
}

export type LasHeaderResult =
  | { readonly ok: true; readonly header: LasHeader }
  | {
      readonly ok: false
      readonly reason: string
      /** Set when the bytes were too short but the header says how many are needed. */
      readonly needBytes?: number
    }

type Fixed = Omit<LasHeader, "vlrs" | "compressed" | "laszip">

/** Reads a NUL-padded ASCII field; stops at the first NUL, trims trailing blanks. */
function readAscii(bytes: Uint8Array, at: number, length: number): string {
  let s = ""
  for (let i = at; i < at + length; i++) {
    const c = bytes[i]
    if (c === 0) break
    s += String.fromCharCode(c)
  }
  return s.trimEnd()
}

function f64(view: DataView, at: number): number {
  return view.getFloat64(at, true)
}

function readXyz(view: DataView, at: number): Xyz {
  return { x: f64(view, at), y: f64(view, at + 8), z: f64(view, at + 16) }
}

/** 64-bit unsigned as a number; values above 2^53 are flagged by the caller as impossible. */
function readU64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true))
}

function failure(reason: string, needBytes?: number): LasHeaderResult {
  return needBytes === undefined ? { ok: false, reason } : { ok: false, reason, needBytes }
}

/** Smallest header size that holds every field of LAS 1.`minor`. */
function requiredHeaderSize(minor: number): number {
  if (minor >= 4) return HEADER_SIZE_1_4
  return minor === 3 ? HEADER_SIZE_1_3 : LAS_HEADER_MIN_SIZE
}

/** Checks values no valid file can hold; returns a reason or undefined. */
function impossibleValue(h: Fixed): string | undefined {
  if (h.versionMajor !== 1 || h.versionMinor > 4) return `unsupported LAS version ${h.version}`
  if (h.pointFormat > 10) return `unsupported point data record format ${h.pointFormat}`
  const minLength = POINT_FORMAT_MIN_LENGTH[h.pointFormat]
  if (h.pointRecordLength < minLength) {
    return `point record length ${h.pointRecordLength} < ${minLength} required by format ` +
      `${h.pointFormat}`
  }
  if (h.offsetToPointData < h.headerSize) {
    return `offset to point data ${h.offsetToPointData} < header size ${h.headerSize}`
  }
  if (!Number.isSafeInteger(h.pointCount)) return `point count ${h.pointCount} out of range`
  for (const s of [h.scale.x, h.scale.y, h.scale.z]) {
    if (!Number.isFinite(s) || s <= 0) return `scale ${s} is not a positive finite number`
  }
  const bounds = [h.offset.x, h.offset.y, h.offset.z, h.min.x, h.min.y, h.min.z, h.max.x]
  if (!bounds.concat([h.max.y, h.max.z]).every(Number.isFinite)) {
    return "offset or bounds hold a non-finite number"
  }
  if (h.pointCount > 0 && (h.min.x > h.max.x || h.min.y > h.max.y || h.min.z > h.max.z)) {
    return "header bounds have min > max"
  }
  return undefined
}

/** Fixed fields of the public header block; `bytes` holds at least `LAS_HEADER_MIN_SIZE`. */
function parseFixed(bytes: Uint8Array, view: DataView): Fixed {
  const versionMajor = bytes[24]
  const versionMinor = bytes[25]
  const headerSize = view.getUint16(94, true)
  const is14 = versionMajor === 1 && versionMinor >= 4 && headerSize >= HEADER_SIZE_1_4
  // LAS 1.0 keeps bytes 4–7 reserved; 1.1 defines the file source id; 1.2+ the global encoding.
  const globalEncoding = versionMinor >= 2 ? view.getUint16(6, true) : 0
  return {
    versionMajor,
    versionMinor,
    version: `${versionMajor}.${versionMinor}`,
    pointFormat: bytes[104] & ~COMPRESSION_BITS,
    pointRecordLength: view.getUint16(105, true),
    pointCount: is14 ? readU64(view, 247) : view.getUint32(107, true),
    scale: readXyz(view, 131),
    offset: readXyz(view, 155),
    // Bounds are stored interleaved: max x, min x, max y, min y, max z, min z.
    max: { x: f64(view, 179), y: f64(view, 195), z: f64(view, 211) },
    min: { x: f64(view, 187), y: f64(view, 203), z: f64(view, 219) },
    creationDay: view.getUint16(90, true),
    creationYear: view.getUint16(92, true),
    globalEncoding,
    gpsTimeType: (globalEncoding & GLOBAL_ENCODING_ADJUSTED_GPS) !== 0
      ? "adjusted-standard-gps-time"
      : "gps-week-time",
    crsIsWkt: (globalEncoding & GLOBAL_ENCODING_WKT) !== 0,
    fileSourceId: versionMinor >= 1 ? view.getUint16(4, true) : 0,
    systemId: readAscii(bytes, 26, 32),
    generatingSoftware: readAscii(bytes, 58, 32),
    headerSize,
    offsetToPointData: view.getUint32(96, true),
    evlrOffset: is14 ? readU64(view, 235) : 0,
    evlrCount: is14 ? view.getUint32(243, true) : 0
  }
}

/** Parses `count` VLRs starting at `start`; they must end at or before `end`. */
function parseVlrs(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  count: number,
  end: number
): LasVlr[] | string {
  const vlrs: LasVlr[] = []
  let at = start
  for (let i = 0; i < count; i++) {
    if (at + VLR_HEADER_SIZE > end) return `VLR ${i} of ${count} runs past the point data offset`
    const length = view.getUint16(at + 20, true)
    const payloadAt = at + VLR_HEADER_SIZE
    if (payloadAt + length > end) return `VLR ${i} of ${count} runs past the point data offset`
    vlrs.push({
      userId: readAscii(bytes, at + 2, 16),
      recordId: view.getUint16(at + 18, true),
      description: readAscii(bytes, at + 22, 32),
      payload: bytes.subarray(payloadAt, payloadAt + length)
    })
    at = payloadAt + length
  }
  return vlrs
}

function parseLaszip(vlr: LasVlr | undefined): LaszipInfo | null {
  if (vlr === undefined || vlr.payload.length < 16) return null
  const p = vlr.payload
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength)
  return {
    compressor: view.getUint16(0, true),
    chunkSize: view.getUint32(12, true),
    version: `${p[4]}.${p[5]}.${view.getUint16(6, true)}`
  }
}

/**
 * Parses the public header block and the VLRs from the first bytes of a LAS/LAZ file. The input
 * must cover `offsetToPointData` bytes; when it is shorter the result says how many are needed
 * (`needBytes`), so a reader can fetch exactly that much and call again.
 * Cost: O(header size + VLR count); the VLR payloads are views, not copies.
 */
export function parseLasHeader(bytes: Uint8Array): LasHeaderResult {
  if (bytes.length < 4 || readAscii(bytes, 0, 4) !== "LASF") {
    return failure("not a LAS file: missing LASF signature")
  }
  if (bytes.length < LAS_HEADER_MIN_SIZE) {
    const reason = `too short: ${bytes.length} bytes < ${LAS_HEADER_MIN_SIZE}-byte LAS header`
    return failure(reason, LAS_HEADER_MIN_SIZE)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerSize = view.getUint16(94, true)
  const major = bytes[24]
  const minor = bytes[25]
  if (major !== 1 || minor > 4) {
    return failure(`impossible header: unsupported LAS version ${major}.${minor}`)
  }
  const required = requiredHeaderSize(minor)
  if (headerSize < required) {
    return failure(`header size ${headerSize} < ${required} required by LAS 1.${minor}`)
  }
  if (bytes.length < Math.min(headerSize, HEADER_SIZE_1_4)) {
    return failure(`too short: ${bytes.length} bytes < header size ${headerSize}`, headerSize)
  }
  const fixed = parseFixed(bytes, view)
  const bad = impossibleValue(fixed)
  if (bad !== undefined) return failure(`impossible header: ${bad}`)
  const end = fixed.offsetToPointData
  if (bytes.length < end) {
    return failure(`too short: ${bytes.length} bytes < point data offset ${end}`, end)
  }
  const vlrs = parseVlrs(bytes, view, headerSize, view.getUint32(100, true), end)
  if (typeof vlrs === "string") return failure(`impossible header: ${vlrs}`)
  const vlr = vlrs.find(
    (v) => v.recordId === LASZIP_VLR_RECORD_ID && v.userId === LASZIP_VLR_USER_ID
  )
  const compressed = (bytes[104] & COMPRESSION_BITS) !== 0 || vlr !== undefined
  return { ok: true, header: { ...fixed, vlrs, compressed, laszip: parseLaszip(vlr) } }
}

/** Byte offset of GPS time inside a point record, or -1 for formats 0 and 2 (no GPS time). */
export function gpsTimeOffset(pointFormat: number): number {
  if (pointFormat >= 6) return 22
  return pointFormat === 0 || pointFormat === 2 ? -1 : 20
}

/** Byte offset of the classification inside a point record (a full byte from format 6 on). */
export function classificationOffset(pointFormat: number): number {
  return pointFormat >= 6 ? 16 : 15
}

/** Mask of the class value in the classification byte: 5 bits in formats 0–5, 8 bits after. */
export function classificationMask(pointFormat: number): number {
  return pointFormat >= 6 ? 0xff : 0x1f
}

/** Smallest and largest GPS time over all points, in the encoding the header declares. */
export interface GpsRange {
  readonly min: number
  readonly max: number
}

const GPS_EPOCH_MS = Date.UTC(1980, 0, 6)
/** Adjusted standard GPS time = GPS seconds since the 1980-01-06 epoch minus 1e9. */
const ADJUSTED_GPS_OFFSET_S = 1e9
const PLAUSIBLE_YEARS = [1990, 2100] as const

/** ISO day of a UTC instant, or null when its year is outside the plausible range. */
function isoDay(ms: number): string | null {
  const date = new Date(ms)
  const year = date.getUTCFullYear()
  if (!(year >= PLAUSIBLE_YEARS[0] && year <= PLAUSIBLE_YEARS[1])) return null
  return date.toISOString().slice(0, 10)
}

/**
 * Acquisition date (ISO yyyy-mm-dd, UTC) of the earliest point when the global encoding says GPS
 * time is adjusted standard GPS time, else the header creation date; null if neither is usable.
 * LIMITATION: GPS time runs ahead of UTC by the leap seconds (18 s since 2017), ignored here, so a
 * point flown in the last 18 s of a UTC day is dated the next day.
 * LIMITATION: the header creation date is when the file was written, which for AHN tiles is
 * often months or years after the flight; only GPS time dates the flight itself.
 */
export function acquisitionDate(header: LasHeader, gpsRange: GpsRange | null): string | null {
  if (header.gpsTimeType === "adjusted-standard-gps-time" && gpsRange !== null) {
    const fromGps = isoDay(GPS_EPOCH_MS + (gpsRange.min + ADJUSTED_GPS_OFFSET_S) * 1000)
    if (fromGps !== null) return fromGps
  }
  const { creationYear: year, creationDay: day } = header
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  if (year > 0 && day >= 1 && day <= (leap ? 366 : 365)) return isoDay(Date.UTC(year, 0, day))
  return null
}
