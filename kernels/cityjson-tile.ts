/**
 * One tile's CityJSON 2.0 document from a CityJSONSeq (header + features), the CityJSONSeq text
 * itself, and the canonical JSON writer both use. Pure: strings and plain objects out.
 *
 * Determinism: features and CityObjects are sorted by id, vertices are numbered in order of
 * first use while walking the sorted CityObjects, and every object is written with a fixed key
 * order (`canonicalStringify`), so the text does not depend on input order or on the key order
 * a JSON parser happened to keep.
 */
import { EPSG_7415_URL } from "./cityjson-feature.ts"

export interface SeqTransform {
  readonly scale: ReadonlyArray<number>
  readonly translate: ReadonlyArray<number>
}

export interface SeqHeader {
  readonly type: "CityJSON"
  readonly version: string
  readonly transform: SeqTransform
  readonly metadata?: Readonly<Record<string, unknown>>
}

export interface SeqGeometry {
  readonly type: string
  readonly lod?: string
  readonly boundaries: unknown
  readonly semantics?: {
    readonly surfaces: ReadonlyArray<Readonly<Record<string, unknown>>>
    readonly values: unknown
  }
}

export interface SeqCityObject {
  readonly type: string
  readonly attributes?: Readonly<Record<string, unknown>>
  readonly geometry?: ReadonlyArray<SeqGeometry>
  readonly children?: ReadonlyArray<string>
  readonly parents?: ReadonlyArray<string>
}

export interface SeqFeature {
  readonly type: "CityJSONFeature"
  readonly id: string
  readonly CityObjects: Readonly<Record<string, SeqCityObject>>
  /** Integer vertices in the header's transform; indices in `boundaries` point here. */
  readonly vertices: ReadonlyArray<ReadonlyArray<number>>
}

/**
 * Key order for every object written: these keys first, in this order, then all others in
 * UTF-16 code unit order (ids in CityObjects, attribute names).
 */
export const CITYJSON_KEY_ORDER: ReadonlyArray<string> = [
  "type", "id", "version", "transform", "scale", "translate", "metadata", "identifier", "title",
  "referenceDate", "referenceSystem", "geographicalExtent", "pointOfContact", "CityObjects",
  "attributes", "geometry", "lod", "boundaries", "semantics", "surfaces", "values", "children",
  "parents", "vertices"
]

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * JSON with keys ordered by `keyOrder`, then by code unit; compact, or pretty with `indent`
 * spaces per level. Non-finite numbers become null (as JSON.stringify does); undefined members
 * are left out, undefined array items are null.
 */
export function canonicalStringify(
  value: unknown,
  keyOrder: ReadonlyArray<string> = CITYJSON_KEY_ORDER,
  indent = 0
): string {
  const rank = new Map(keyOrder.map((k, i) => [k, i]))
  const compare = (a: string, b: string): number => {
    const ra = rank.get(a) ?? keyOrder.length
    const rb = rank.get(b) ?? keyOrder.length
    return ra !== rb ? ra - rb : byCodeUnit(a, b)
  }
  const pad = (depth: number): string => (indent > 0 ? "\n" + " ".repeat(indent * depth) : "")
  const join = (items: string[], open: string, close: string, depth: number): string =>
    items.length === 0
      ? open + close
      : open + items.map((x) => pad(depth + 1) + x).join(",") + pad(depth) + close
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined || typeof v === "function") return "null"
    if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : "null"
    if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v)
    if (typeof v === "bigint") return v.toString()
    if (Array.isArray(v)) return join(v.map((x) => write(x, depth + 1)), "[", "]", depth)
    if (ArrayBuffer.isView(v)) return write(Array.from(v as unknown as ArrayLike<number>), depth)
    const o = v as Record<string, unknown>
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(compare)
    const sep = indent > 0 ? ": " : ":"
    const members = keys.map((k) => `${JSON.stringify(k)}${sep}${write(o[k], depth + 1)}`)
    return join(members, "{", "}", depth)
  }
  return write(value, 0)
}

export interface TileMetadataInput {
  /** metadata.identifier, e.g. "9-560-624". */
  readonly identifier?: string
  readonly title?: string
  /** metadata.referenceDate (YYYY-MM-DD); written only when given. */
  readonly referenceDate?: string
  /** Further metadata members (pointOfContact, …); computed members win over these. */
  readonly extra?: Readonly<Record<string, unknown>>
}

export interface CityJsonTileDocument {
  readonly type: "CityJSON"
  readonly version: "2.0"
  readonly transform: { readonly scale: number[]; readonly translate: number[] }
  readonly metadata: Record<string, unknown>
  readonly CityObjects: Record<string, Record<string, unknown>>
  readonly vertices: Array<[number, number, number]>
}

export interface TileMergeCounts {
  readonly features: number
  readonly cityObjects: number
  readonly verticesIn: number
  /** After deduplication across features; vertices no geometry uses are left out. */
  readonly verticesOut: number
}

export type TileMergeResult =
  | { readonly ok: true; readonly document: CityJsonTileDocument; readonly counts: TileMergeCounts }
  | { readonly ok: false; readonly reason: string }

class MergeFault {
  constructor(readonly reason: string) {}
}

/** Global vertex pool keyed by the integer triple; first use fixes the new index. */
class TilePool {
  readonly vertices: Array<[number, number, number]> = []
  private readonly ids = new Map<string, number>()

  add(v: ReadonlyArray<number>): number {
    const key = `${v[0]},${v[1]},${v[2]}`
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.vertices.length
      this.ids.set(key, id)
      this.vertices.push([v[0], v[1], v[2]])
    }
    return id
  }
}

/** Maps every leaf of nested boundary arrays (a vertex index of `feature`) into the pool. */
function remapBoundaries(b: unknown, f: SeqFeature, pool: TilePool, where: string): unknown {
  if (Array.isArray(b)) return b.map((x) => remapBoundaries(x, f, pool, where))
  if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b >= f.vertices.length) {
    throw new MergeFault(`${where}: vertex index ${String(b)} out of 0..${f.vertices.length - 1}`)
  }
  const v = f.vertices[b]
  if (v.length < 3 || !v.every((c) => Number.isInteger(c))) {
    throw new MergeFault(`${where}: vertex ${b} is not an integer triple`)
  }
  return pool.add(v)
}

/** [minx, miny, minz, maxx, maxy, maxz] in real coordinates, rounded to 1 µm. */
function extentOf(vertices: ReadonlyArray<ReadonlyArray<number>>, t: SeqTransform): number[] {
  const lo = [Infinity, Infinity, Infinity]
  const hi = [-Infinity, -Infinity, -Infinity]
  for (const v of vertices) {
    for (let a = 0; a < 3; a++) {
      if (v[a] < lo[a]) lo[a] = v[a]
      if (v[a] > hi[a]) hi[a] = v[a]
    }
  }
  const real = (q: number, a: number): number =>
    Math.round((q * t.scale[a] + t.translate[a]) * 1e6) / 1e6 + 0
  return [...lo.map(real), ...hi.map(real)]
}

function metadataOf(
  header: SeqHeader,
  meta: TileMetadataInput,
  vertices: ReadonlyArray<ReadonlyArray<number>>
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...meta.extra }
  if (meta.identifier !== undefined) out["identifier"] = meta.identifier
  if (meta.title !== undefined) out["title"] = meta.title
  if (meta.referenceDate !== undefined) out["referenceDate"] = meta.referenceDate
  out["referenceSystem"] = header.metadata?.["referenceSystem"] ?? EPSG_7415_URL
  if (vertices.length > 0) out["geographicalExtent"] = extentOf(vertices, header.transform)
  return out
}

/** All CityObjects as [id, object, feature], sorted by id; a repeated id is a MergeFault. */
function collectObjects(
  features: ReadonlyArray<SeqFeature>
): Array<[string, SeqCityObject, SeqFeature]> {
  const all: Array<[string, SeqCityObject, SeqFeature]> = []
  for (const f of features) {
    for (const id of Object.keys(f.CityObjects)) all.push([id, f.CityObjects[id], f])
  }
  all.sort((a, b) => byCodeUnit(a[0], b[0]))
  for (let i = 1; i < all.length; i++) {
    if (all[i][0] === all[i - 1][0]) throw new MergeFault(`CityObject id ${all[i][0]} repeats`)
  }
  return all
}

/**
 * Merges the features of one tile into one CityJSON 2.0 document in the header's transform.
 * Vertices are deduplicated on their integer triple across features. Cost: O(total boundary
 * indices) with one Map lookup each.
 */
export function mergeCityJsonTile(
  header: SeqHeader,
  features: ReadonlyArray<SeqFeature>,
  meta: TileMetadataInput = {}
): TileMergeResult {
  const pool = new TilePool()
  const CityObjects: Record<string, Record<string, unknown>> = {}
  try {
    for (const [id, obj, f] of collectObjects(features)) {
      const geometry = (obj.geometry ?? []).map((g, k) => ({
        ...g,
        boundaries: remapBoundaries(g.boundaries, f, pool, `${id} geometry ${k}`)
      }))
      CityObjects[id] = { ...obj, geometry }
    }
  } catch (e) {
    if (e instanceof MergeFault) return { ok: false, reason: e.reason }
    throw e
  }
  const t = header.transform
  const document: CityJsonTileDocument = {
    type: "CityJSON",
    version: "2.0",
    transform: { scale: [...t.scale], translate: [...t.translate] },
    metadata: metadataOf(header, meta, pool.vertices),
    CityObjects,
    vertices: pool.vertices
  }
  let verticesIn = 0
  for (const f of features) verticesIn += f.vertices.length
  const counts = {
    features: features.length,
    cityObjects: Object.keys(CityObjects).length,
    verticesIn,
    verticesOut: pool.vertices.length
  }
  return { ok: true, document, counts }
}

/**
 * CityJSONSeq text: the header line (with empty CityObjects and vertices, metadata overridden
 * member by member by `metadata`), then one line per feature sorted by id; every line ends in
 * "\n". Features are written as given (their own vertex lists), in canonical key order.
 */
export function cityJsonSeqText(
  header: SeqHeader,
  features: ReadonlyArray<SeqFeature>,
  metadata: Readonly<Record<string, unknown>> = {}
): string {
  const head = {
    type: "CityJSON",
    version: header.version,
    transform: header.transform,
    CityObjects: {},
    vertices: [],
    metadata: { referenceSystem: EPSG_7415_URL, ...header.metadata, ...metadata }
  }
  const sorted = [...features].sort((a, b) => byCodeUnit(a.id, b.id))
  return [head, ...sorted].map((x) => canonicalStringify(x) + "\n").join("")
}

export type SeqParseResult =
  | { readonly ok: true; readonly header: SeqHeader; readonly features: SeqFeature[] }
  | { readonly ok: false; readonly reason: string }

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x)

/** Parses CityJSONSeq text; checks only the members this module relies on. Blank lines skip. */
export function parseCityJsonSeq(text: string): SeqParseResult {
  const lines = text.split("\n").filter((l) => l.trim() !== "")
  const parsed: unknown[] = []
  for (let i = 0; i < lines.length; i++) {
    try {
      parsed.push(JSON.parse(lines[i]))
    } catch (e) {
      return { ok: false, reason: `line ${i + 1}: not JSON (${String(e)})` }
    }
  }
  const [head, ...rest] = parsed
  const tr = isRecord(head) ? head["transform"] : undefined
  if (!isRecord(head) || head["type"] !== "CityJSON" || !isRecord(tr)) {
    return { ok: false, reason: "line 1: not a CityJSON header with a transform" }
  }
  for (let i = 0; i < rest.length; i++) {
    const f = rest[i]
    const ok = isRecord(f) && f["type"] === "CityJSONFeature" && typeof f["id"] === "string" &&
      isRecord(f["CityObjects"]) && Array.isArray(f["vertices"])
    if (!ok) return { ok: false, reason: `line ${i + 2}: not a CityJSONFeature with id` }
  }
  return { ok: true, header: head as unknown as SeqHeader, features: rest as SeqFeature[] }
}
