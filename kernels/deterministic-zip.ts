/**
 * Deterministic ZIP archive writer (PKWARE APPNOTE 6.3, classic 32-bit records, no ZIP64) and
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320). Pure: compression is injected.
 *
 * Reproducibility: entries are sorted by name (UTF-16 code unit order, equal to byte order for
 * ASCII names), every entry carries the DOS time 1980-01-01 00:00:00, no extra fields, no
 * comments, zero external attributes, "made by" MS-DOS, and the UTF-8 flag (bit 11) set on every
 * entry. The same entries and the same `deflate` function give the same bytes.
 */

export interface ZipEntry {
  /** Path inside the archive, "/"-separated, no leading "/", no "..", no backslash. */
  readonly name: string
  readonly data: Uint8Array
}

export interface ZipOptions {
  /**
   * Raw DEFLATE (RFC 1951, no zlib or gzip wrapper). When absent, or when it does not shrink
   * an entry, that entry is stored (method 0).
   */
  readonly deflate?: (data: Uint8Array) => Uint8Array
}

export type ZipResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly names: ReadonlyArray<string> }
  | { readonly ok: false; readonly reason: string }

const LOCAL_SIG = 0x04034b50
const CENTRAL_SIG = 0x02014b50
const END_SIG = 0x06054b50
const LOCAL_BYTES = 30
const CENTRAL_BYTES = 46
const END_BYTES = 22
/** DOS date 1980-01-01: (year - 1980) << 9 | month << 5 | day. DOS time 00:00:00 is 0. */
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1
const FLAG_UTF8 = 0x0800
const METHOD_STORE = 0
const METHOD_DEFLATE = 8
/** Version 2.0: needed for deflate; written for stored entries too, so all records agree. */
const VERSION = 20
const MAX_U32 = 0xffffffff
const MAX_ENTRIES = 0xffff

/** 256-entry CRC-32 lookup table; a constant, built once when the module loads. */
const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 of `data` (as zip and gzip use it); `crc32("123456789")` is 0xCBF43926. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** Why a name cannot go into the archive; null when it can. */
function nameProblem(name: string): string | null {
  if (name === "") return "empty entry name"
  if (name.startsWith("/")) return `entry name '${name}' is absolute`
  if (name.includes("\\")) return `entry name '${name}' contains a backslash`
  if (name.split("/").includes("..")) return `entry name '${name}' contains '..'`
  return null
}

interface Prepared {
  readonly name: Uint8Array
  readonly method: number
  readonly crc: number
  readonly size: number
  readonly body: Uint8Array
  offset: number
}

function prepare(entry: ZipEntry, deflate: ZipOptions["deflate"]): Prepared {
  const packed = deflate === undefined ? null : deflate(entry.data)
  const useDeflate = packed !== null && packed.length < entry.data.length
  return {
    name: new TextEncoder().encode(entry.name),
    method: useDeflate ? METHOD_DEFLATE : METHOD_STORE,
    crc: crc32(entry.data),
    size: entry.data.length,
    body: useDeflate ? packed : entry.data,
    offset: 0
  }
}

/** The fields shared by local and central headers, from "version needed" to "extra length". */
function writeCommon(v: DataView, at: number, p: Prepared): void {
  v.setUint16(at, VERSION, true)
  v.setUint16(at + 2, FLAG_UTF8, true)
  v.setUint16(at + 4, p.method, true)
  v.setUint16(at + 6, 0, true)
  v.setUint16(at + 8, DOS_DATE_1980_01_01, true)
  v.setUint32(at + 10, p.crc, true)
  v.setUint32(at + 14, p.body.length, true)
  v.setUint32(at + 18, p.size, true)
  v.setUint16(at + 22, p.name.length, true)
  v.setUint16(at + 24, 0, true)
}

function checkEntries(entries: ReadonlyArray<ZipEntry>): string | null {
  if (entries.length > MAX_ENTRIES) return `${entries.length} entries; at most ${MAX_ENTRIES}`
  const seen = new Set<string>()
  for (const e of entries) {
    const problem = nameProblem(e.name)
    if (problem !== null) return problem
    if (seen.has(e.name)) return `duplicate entry name '${e.name}'`
    seen.add(e.name)
  }
  return null
}

/**
 * Builds the archive: local header + data per entry (sorted by name), the central directory,
 * the end record. Cost: one CRC pass and one `deflate` call per entry, one output copy.
 */
export function zipStore(entries: ReadonlyArray<ZipEntry>, options: ZipOptions = {}): ZipResult {
  const problem = checkEntries(entries)
  if (problem !== null) return { ok: false, reason: problem }
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const prepared = sorted.map((e) => prepare(e, options.deflate))
  let localTotal = 0
  let centralTotal = 0
  for (const p of prepared) {
    if (p.size > MAX_U32) return { ok: false, reason: `an entry of ${p.size} bytes needs ZIP64` }
    p.offset = localTotal
    localTotal += LOCAL_BYTES + p.name.length + p.body.length
    centralTotal += CENTRAL_BYTES + p.name.length
  }
  if (localTotal + centralTotal > MAX_U32) {
    return { ok: false, reason: `archive of ${localTotal + centralTotal} bytes needs ZIP64` }
  }
  const out = new Uint8Array(localTotal + centralTotal + END_BYTES)
  const v = new DataView(out.buffer)
  for (const p of prepared) {
    v.setUint32(p.offset, LOCAL_SIG, true)
    writeCommon(v, p.offset + 4, p)
    out.set(p.name, p.offset + LOCAL_BYTES)
    out.set(p.body, p.offset + LOCAL_BYTES + p.name.length)
  }
  let at = localTotal
  for (const p of prepared) {
    v.setUint32(at, CENTRAL_SIG, true)
    v.setUint16(at + 4, VERSION, true)
    writeCommon(v, at + 6, p)
    // comment length, disk number, internal and external attributes stay 0
    v.setUint32(at + 42, p.offset, true)
    out.set(p.name, at + CENTRAL_BYTES)
    at += CENTRAL_BYTES + p.name.length
  }
  v.setUint32(at, END_SIG, true)
  v.setUint16(at + 8, prepared.length, true)
  v.setUint16(at + 10, prepared.length, true)
  v.setUint32(at + 12, centralTotal, true)
  v.setUint32(at + 16, localTotal, true)
  return { ok: true, bytes: out, names: sorted.map((e) => e.name) }
}
