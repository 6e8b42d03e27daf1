/**
 * Streaming reader of the official BAG 2.0 extract (Kadaster LVBAG, `sl-bag-extract:bagStand`):
 * a bare `.xml` or a `.zip` of them. Zip members are located from the central directory and
 * inflated chunk by chunk; XML goes through saxes chunk by chunk, so no member is ever held as
 * one string. Yields every `Objecten:Pand` voorkomen; `selectCurrentVoorkomens` picks the current.
 */
import { open, type FileHandle } from "node:fs/promises"
import { createReadStream } from "node:fs"
import { createInflateRaw } from "node:zlib"
import { SaxesParser, type SaxesTagNS } from "saxes"
import type { Polygon, Ring } from "../../kernels/geometry-types.ts"
import {
  BAG_ATTRIBUTE_NAMES,
  type AttributeValue,
  type RawFootprint
} from "../../kernels/footprint-record.ts"

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
/** End-of-central-directory record (22 bytes) plus the longest zip comment. */
const EOCD_SEARCH_BYTES = 22 + 0xffff
const METHOD_STORED = 0
const METHOD_DEFLATE = 8

/** Namespace fragments; the version suffix (`v20200601`) is not checked. */
const NS_OBJECTEN = "lvbag/imbag/objecten/"
const NS_HISTORIE = "lvbag/imbag/historie/"
const NS_LVBAG = "kadaster.nl/schemas/lvbag/"
const NS_GML = "opengis.net/gml"

/** Leaves of a Pand kept, by lowercased local name (which is then the 3DBAG name). */
const PAND_FIELDS: ReadonlySet<string> = new Set<string>([...BAG_ATTRIBUTE_NAMES, "identificatie"])

interface ZipMember {
  readonly name: string
  readonly method: number
  readonly compressedSize: number
  readonly localHeaderOffset: number
  /** First byte of the member's data, past its local header. */
  readonly dataStart: number
}

const readAt = async (fh: FileHandle, position: number, length: number): Promise<Buffer> => {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  return buf.subarray(0, bytesRead)
}

/** Central-directory entries of a zip, from its end record. ZIP64 archives are refused. */
const readCentralDirectory = async (
  fh: FileHandle,
  path: string
): Promise<Omit<ZipMember, "dataStart">[]> => {
  const size = (await fh.stat()).size
  const tailStart = Math.max(0, size - EOCD_SEARCH_BYTES)
  const tail = await readAt(fh, tailStart, size - tailStart)
  let eocd = -1
  for (let i = tail.length - 22; i >= 0 && eocd < 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) eocd = i
  }
  if (eocd < 0) throw new Error(`${path} is not a zip archive (no end of central directory)`)
  const entries = tail.readUInt16LE(eocd + 10)
  const cdOffset = tail.readUInt32LE(eocd + 16)
  if (entries === 0xffff || cdOffset === 0xffffffff) {
    throw new Error(`${path} is a ZIP64 archive; not supported`)
  }
  const cd = await readAt(fh, cdOffset, tail.readUInt32LE(eocd + 12))
  const members: Omit<ZipMember, "dataStart">[] = []
  for (let pos = 0, k = 0; k < entries; k++) {
    if (cd.readUInt32LE(pos) !== CENTRAL_SIGNATURE) {
      throw new Error(`${path}: corrupt zip central directory`)
    }
    const nameLength = cd.readUInt16LE(pos + 28)
    members.push({
      name: cd.toString("utf8", pos + 46, pos + 46 + nameLength),
      method: cd.readUInt16LE(pos + 10),
      compressedSize: cd.readUInt32LE(pos + 20),
      localHeaderOffset: cd.readUInt32LE(pos + 42)
    })
    pos += 46 + nameLength + cd.readUInt16LE(pos + 30) + cd.readUInt16LE(pos + 32)
  }
  return members
}

/** Lists a zip's members with the offset of their data (past each local header). */
const listZipMembers = async (path: string): Promise<ZipMember[]> => {
  const fh = await open(path, "r")
  try {
    const located: ZipMember[] = []
    for (const m of await readCentralDirectory(fh, path)) {
      const local = await readAt(fh, m.localHeaderOffset, 30)
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) {
        throw new Error(`${path}: bad local header for member ${m.name}`)
      }
      const dataStart = m.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
      located.push({ ...m, dataStart })
    }
    return located
  } finally {
    await fh.close()
  }
}

async function* noChunks(): AsyncIterable<Buffer> {}

/** Byte chunks of one member, inflated when deflated. */
const memberChunks = (path: string, m: ZipMember): AsyncIterable<Buffer> => {
  if (m.compressedSize === 0) return noChunks()
  const end = m.dataStart + m.compressedSize - 1
  const raw = createReadStream(path, { start: m.dataStart, end })
  if (m.method === METHOD_STORED) return raw
  if (m.method !== METHOD_DEFLATE) {
    throw new Error(`${path}: member ${m.name} uses zip method ${m.method}; only 0 and 8 are read`)
  }
  const inflate = createInflateRaw()
  raw.on("error", (e) => inflate.destroy(e))
  return raw.pipe(inflate)
}

interface PandDraft {
  fields: Record<string, string>
  parts: Polygon[]
  rings: Ring[]
  notes: string[]
  dim: number
}

/** Parses a posList of `dim`-tuples into a flat xy ring without the closing vertex. */
const parsePosList = (text: string, dim: number, notes: string[], at: string): Ring => {
  const values = text.trim().split(/\s+/).map(Number)
  if (values.length % dim !== 0) {
    notes.push(`${at}: posList length ${values.length} not a multiple of ${dim}`)
  }
  let n = Math.floor(values.length / dim)
  const last = (n - 1) * dim
  const closed = n > 1 && values[0] === values[last] && values[1] === values[last + 1]
  if (closed) n--
  else notes.push(`${at}: not closed (accepted)`)
  const ring = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    ring[2 * i] = values[i * dim]
    ring[2 * i + 1] = values[i * dim + 1]
  }
  return ring
}

const toAttributes = (fields: Record<string, string>): Record<string, AttributeValue> => {
  const out: Record<string, AttributeValue> = {}
  for (const name of BAG_ATTRIBUTE_NAMES) {
    const v = fields[name]
    if (v === undefined) out[name] = null
    else if (name === "oorspronkelijkbouwjaar" || name === "voorkomenidentificatie") {
      out[name] = Number(v)
    } else if (name === "geconstateerd") out[name] = v === "J" ? true : v === "N" ? false : v
    else out[name] = v
  }
  return out
}

/** SAX state for one XML document; `onPand` receives each finished voorkomen. */
class PandCollector {
  private root = true
  private pand: PandDraft | null = null
  /** Local name of the leaf whose text is being collected, lowercased; "posList" for geometry. */
  private leaf: string | null = null
  private text = ""

  constructor(
    private readonly file: string,
    private readonly onPand: (p: RawFootprint) => void
  ) {}

  readonly opentag = (tag: SaxesTagNS): void => {
    if (this.root) this.checkRoot(tag)
    const pand = this.pand
    if (tag.local === "Pand" && tag.uri.includes(NS_OBJECTEN)) {
      this.pand = { fields: {}, parts: [], rings: [], notes: [], dim: 2 }
    } else if (pand !== null && tag.uri.includes(NS_GML)) {
      const dim = tag.attributes["srsDimension"]?.value
      if (dim !== undefined) pand.dim = Number(dim)
      if (tag.local === "Polygon") pand.rings = []
      if (tag.local === "posList") this.leaf = "posList"
      this.text = ""
    } else if (pand !== null && (tag.uri.includes(NS_OBJECTEN) || tag.uri.includes(NS_HISTORIE))) {
      const name = tag.local.toLowerCase()
      this.leaf = PAND_FIELDS.has(name) ? name : null
      this.text = ""
    }
  }

  readonly closetag = (tag: SaxesTagNS): void => {
    const pand = this.pand
    if (pand === null) return
    if (this.leaf === "posList" && tag.local === "posList") {
      const at = `part ${pand.parts.length} ring ${pand.rings.length}`
      pand.rings.push(parsePosList(this.text, pand.dim, pand.notes, at))
    } else if (this.leaf !== null && tag.local.toLowerCase() === this.leaf) {
      pand.fields[this.leaf] = this.text.trim()
    } else if (tag.local === "Polygon" && tag.uri.includes(NS_GML)) {
      if (pand.rings.length > 0) pand.parts.push(pand.rings)
      pand.rings = []
    } else if (tag.local === "Pand" && tag.uri.includes(NS_OBJECTEN)) {
      this.emit(pand)
    }
    this.leaf = null
  }

  readonly ontext = (t: string): void => {
    if (this.leaf !== null) this.text += t
  }

  private checkRoot(tag: SaxesTagNS): void {
    this.root = false
    if (!tag.uri.includes(NS_LVBAG)) {
      const where = `root <${tag.name}> is in namespace '${tag.uri}'`
      throw new Error(`${this.file} is not a BAG 2.0 extract: ${where}`)
    }
  }

  private emit(p: PandDraft): void {
    const geometry = p.parts.length > 0 ? p.parts : null
    if (geometry === null) p.notes.push("no gml:Polygon in Objecten:geometrie")
    const id = p.fields["identificatie"] ?? null
    this.onPand({ id, attributes: toAttributes(p.fields), geometry, notes: p.notes })
    this.pand = null
  }
}

/** Feeds byte chunks through a streaming UTF-8 decoder into saxes. */
const parseXmlChunks = async (
  file: string,
  chunks: AsyncIterable<Buffer>,
  onPand: (p: RawFootprint) => void
): Promise<void> => {
  const parser = new SaxesParser({ xmlns: true })
  const h = new PandCollector(file, onPand)
  parser.on("opentag", h.opentag)
  parser.on("closetag", h.closetag)
  parser.on("text", h.ontext)
  const decoder = new TextDecoder("utf-8")
  try {
    for await (const chunk of chunks) parser.write(decoder.decode(chunk, { stream: true }))
    parser.write(decoder.decode())
    parser.close()
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    throw new Error(msg.includes(file) ? msg : `${file}: XML error: ${msg}`)
  }
}

export interface BagXmlReadResult {
  /** Every Pand voorkomen, in file (and member) order. */
  readonly voorkomens: RawFootprint[]
  /** Zip members read (empty for a bare .xml). */
  readonly members: string[]
}

/** Reads all Pand voorkomens from a BAG 2.0 extract `.xml` or `.zip`. Rejects with a message. */
export const readBagXml = async (path: string): Promise<BagXmlReadResult> => {
  const voorkomens: RawFootprint[] = []
  const push = (p: RawFootprint): void => void voorkomens.push(p)
  const members: string[] = []
  if (path.toLowerCase().endsWith(".zip")) {
    const xml = (await listZipMembers(path)).filter((m) => m.name.toLowerCase().endsWith(".xml"))
    if (xml.length === 0) {
      throw new Error(`${path} is not a BAG 2.0 extract: the zip holds no .xml member`)
    }
    for (const m of xml) {
      members.push(m.name)
      await parseXmlChunks(`${path}!${m.name}`, memberChunks(path, m), push)
    }
  } else {
    await parseXmlChunks(path, createReadStream(path), push)
  }
  if (voorkomens.length === 0) {
    throw new Error(`${path} is not a BAG pand extract: no Objecten:Pand elements`)
  }
  return { voorkomens, members }
}

/** voorkomenidentificatie as a number; -Infinity when absent or not numeric. */
const voorkomenNumber = (r: RawFootprint): number => {
  const v = Number(r.attributes["voorkomenidentificatie"] ?? NaN)
  return Number.isFinite(v) ? v : -Infinity
}

export interface CurrentSelection {
  /** Current voorkomens, in source order. */
  readonly current: RawFootprint[]
  /** Voorkomens with an eindgeldigheid or a tijdstipinactief. */
  readonly ended: number
  /** Open voorkomens of a pand that has an open voorkomen with a higher voorkomenidentificatie. */
  readonly superseded: number
}

/**
 * Current voorkomen rule: a voorkomen is current when it has no `eindgeldigheid` and no
 * `tijdstipinactief`. When one pand has several current voorkomens, only those with the highest
 * `voorkomenidentificatie` stay; ties (or no voorkomenidentificatie) all stay and are left to the
 * duplicate rule of the caller. Works on any source once attributes are under 3DBAG names.
 */
export const selectCurrentVoorkomens = (records: ReadonlyArray<RawFootprint>): CurrentSelection => {
  // LIMITATION: an eindgeldigheid in the future still counts as ended, so a pand whose end is
  // announced but not yet reached is left out.
  const open = records.filter(
    (r) => r.attributes["eindgeldigheid"] == null && r.attributes["tijdstipinactief"] == null
  )
  const highest = new Map<string, number>()
  for (const r of open) {
    highest.set(r.id ?? "", Math.max(highest.get(r.id ?? "") ?? -Infinity, voorkomenNumber(r)))
  }
  const current = open.filter((r) => voorkomenNumber(r) === highest.get(r.id ?? ""))
  return { current, ended: records.length - open.length, superseded: open.length - current.length }
}
