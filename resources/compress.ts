/**
 * Deterministic gzip and zip over node:zlib (level 9).
 *
 * gzip (RFC 1952) header as written here: 1f 8b 08 | FLG 00 (no name, no comment, no extra) |
 * MTIME 00 00 00 00 | XFL 02 (level 9 = slowest) | OS ff ("unknown"). zlib writes OS 03 (Unix)
 * on Linux and other codes elsewhere; byte 9 is patched to 255 so the header does not say which
 * machine wrote the file. The header is checked after every call; a zlib that wrote a name or a
 * time would make `gzipDeterministic` throw instead of writing a machine-dependent file.
 *
 * LIMITATION: the DEFLATE stream itself is byte-identical only for the same zlib build (the one
 * inside this Node binary). Another zlib (another Node version, a patched zlib-ng) may choose
 * other matches and write different, equally valid bytes, so sha256 values of .gz and .zip files
 * are reproducible per Node version, not across them.
 */
import { constants, deflateRawSync, gzipSync } from "node:zlib"
import { zipStore, type ZipEntry } from "../kernels/deterministic-zip.ts"

const GZIP_OS_BYTE = 9
const GZIP_OS_UNKNOWN = 255
const GZIP_FLG_BYTE = 3
const GZIP_XFL_BYTE = 8
const GZIP_XFL_SLOWEST = 2

export class CompressError extends Error {
  override readonly name = "CompressError"
}

/** zlib's defaults except the level, spelled out so a changed default cannot change output. */
const zlibOptions = {
  level: 9, memLevel: 8, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY
}

/** Checks the fixed part of a gzip header: magic, deflate, no flags, mtime 0, level-9 XFL. */
export function gzipHeaderProblem(gz: Uint8Array): string | null {
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8) {
    return "not a deflate gzip stream"
  }
  if (gz[GZIP_FLG_BYTE] !== 0) return `gzip FLG is ${gz[GZIP_FLG_BYTE]}, expected 0`
  const mtime = gz[4] | (gz[5] << 8) | (gz[6] << 16) | (gz[7] << 24)
  if (mtime !== 0) return `gzip MTIME is ${mtime >>> 0}, expected 0`
  if (gz[GZIP_XFL_BYTE] !== GZIP_XFL_SLOWEST) return `gzip XFL is ${gz[GZIP_XFL_BYTE]}, expected 2`
  return null
}

/** gzip at level 9 with MTIME 0 and OS 255; throws CompressError if zlib's header differs. */
export function gzipDeterministic(data: Uint8Array): Uint8Array {
  const gz = new Uint8Array(gzipSync(data, zlibOptions))
  const problem = gzipHeaderProblem(gz)
  if (problem !== null) throw new CompressError(`gzipDeterministic: ${problem}`)
  gz[GZIP_OS_BYTE] = GZIP_OS_UNKNOWN
  return gz
}

/** Raw DEFLATE at level 9, as ZIP method 8 wants it. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  return new Uint8Array(deflateRawSync(data, zlibOptions))
}

/** A deterministic ZIP (see kernels/deterministic-zip.ts) with level-9 deflate. */
export function zipDeterministic(entries: ReadonlyArray<ZipEntry>): Uint8Array {
  const r = zipStore(entries, { deflate: deflateRaw })
  if (!r.ok) throw new CompressError(`zipDeterministic: ${r.reason}`)
  return r.bytes
}
