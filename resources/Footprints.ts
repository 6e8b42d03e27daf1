/**
 * Footprints service: reads BAG pand footprints from a BAG 2.0 extract (.xml/.zip), a
 * GeoPackage or a GeoJSON file, and returns one repaired `FootprintRecord` per current
 * voorkomen, sorted by identificatie. Every current voorkomen that goes in comes out, with a
 * status and its reasons.
 *
 * Rules, in order:
 * 1. keep only current voorkomens (see `selectCurrentVoorkomens`);
 * 2. normalise ids to `NL.IMBAG.Pand.` + 16 digits (15 digits are left-padded); others are invalid;
 * 3. repair geometry (`repairPolygon`);
 * 4. drop (status "dropped") the BAG statuses 3DBAG does not model;
 * 5. duplicate ids: a later feature whose BAG attributes equal the first one's is a piece of the
 *    same pand: its geometry is merged into the first and it becomes "dropped"; a later feature
 *    with different attributes becomes "invalid"; the first always stays;
 * 6. overlapArea among the modelled ("valid"/"repaired") records.
 */
import { stat } from "node:fs/promises"
import { Context, Data, Effect, Layer } from "effect"
import {
  BAG_ATTRIBUTE_NAMES,
  type FootprintRecord,
  type FootprintStatus,
  type RawFootprint
} from "../kernels/footprint-record.ts"
import type { MultiPolygon } from "../kernels/geometry-types.ts"
import { overlapAreas } from "../kernels/overlap.ts"
import { repairPolygon } from "../kernels/polygon-repair.ts"
import { readBagXml, selectCurrentVoorkomens } from "./footprints/bag-xml.ts"
import { readGeoJson } from "./footprints/geojson.ts"
import { readGpkg } from "./footprints/gpkg.ts"

export type FootprintFormat = "bag-xml" | "gpkg" | "geojson"

export interface FootprintSource {
  readonly path: string
  /** Inferred from the extension when absent: .xml/.zip, .gpkg, .geojson/.json. */
  readonly format?: FootprintFormat
  /** GeoPackage layer (table) name. */
  readonly layer?: string
}

export interface FootprintCounts {
  /** Voorkomens (BAG XML) or features (GPKG, GeoJSON) read. */
  readonly read: number
  /** Current voorkomens = records returned. */
  readonly current: number
  /** Voorkomens with an eindgeldigheid or tijdstipinactief, left out. */
  readonly ended: number
  /** Open voorkomens beaten by a higher voorkomenidentificatie of the same pand, left out. */
  readonly superseded: number
  readonly valid: number
  readonly repaired: number
  readonly invalid: number
  /** Records with status "dropped", by reason. */
  readonly dropped: Readonly<Record<string, number>>
  /** Records whose id appeared earlier in the source (merged or invalid). */
  readonly duplicates: number
  /** Modelled records with overlapArea > 0. */
  readonly overlapping: number
}

export interface FootprintReadResult {
  readonly path: string
  readonly format: FootprintFormat
  readonly records: FootprintRecord[]
  readonly counts: FootprintCounts
}

export class FootprintSourceError extends Data.TaggedError("FootprintSourceError")<{
  readonly path: string
  readonly reason: string
}> {
  override get message(): string {
    return `cannot read footprints from ${this.path}: ${this.reason}`
  }
}

export interface FootprintsService {
  readonly read: (
    source: FootprintSource
  ) => Effect.Effect<FootprintReadResult, FootprintSourceError>
}

export class Footprints extends Context.Tag("bag3d/Footprints")<Footprints, FootprintsService>() {}

/** BAG statuses that 3DBAG leaves out. */
export const DROPPED_STATUSES: ReadonlySet<string> = new Set([
  "Niet gerealiseerd pand",
  "Pand gesloopt",
  "Bouwvergunning verleend"
])

const ID_PREFIX = "NL.IMBAG.Pand."

/** `NL.IMBAG.Pand.` + 16 digits, or the raw id with the reason it could not be normalised. */
export const normalisePandId = (raw: string | null): { id: string; reason: string | null } => {
  if (raw === null || raw === "") return { id: "", reason: "missing id" }
  const digits = raw.startsWith(ID_PREFIX) ? raw.slice(ID_PREFIX.length) : raw
  if (/^\d{16}$/.test(digits)) return { id: ID_PREFIX + digits, reason: null }
  if (/^\d{15}$/.test(digits)) return { id: `${ID_PREFIX}0${digits}`, reason: null }
  return { id: raw, reason: `id '${raw}' is not a BAG pand id (16 digits)` }
}

export const inferFormat = (path: string): FootprintFormat | null => {
  const lower = path.toLowerCase()
  if (lower.endsWith(".xml") || lower.endsWith(".zip")) return "bag-xml"
  if (lower.endsWith(".gpkg")) return "gpkg"
  if (lower.endsWith(".geojson") || lower.endsWith(".json")) return "geojson"
  return null
}

interface Draft {
  identificatie: string
  attributes: Record<string, string | number | boolean | null>
  geometry: MultiPolygon | null
  status: FootprintStatus
  reasons: string[]
  /** Why it is dropped, without the id: the key of `counts.dropped`. */
  dropKey: string | null
}

const draftOf = (raw: RawFootprint): Draft => {
  const { id, reason } = normalisePandId(raw.id)
  const repaired = raw.geometry === null ? null : repairPolygon(raw.geometry)
  const reasons = [...raw.notes, ...(repaired?.reasons ?? ["no geometry"])]
  let status: FootprintStatus = repaired?.status ?? "invalid"
  if (reason !== null) {
    reasons.push(reason)
    status = "invalid"
  }
  const bagStatus = raw.attributes["status"]
  if (status !== "invalid" && typeof bagStatus === "string" && DROPPED_STATUSES.has(bagStatus)) {
    reasons.push(`status '${bagStatus}' is not modelled`)
    status = "dropped"
  }
  const dropKey = status === "dropped" ? reasons[reasons.length - 1] : null
  const geometry = repaired?.geometry ?? null
  return { identificatie: id, attributes: raw.attributes, geometry, status, reasons, dropKey }
}

const sameAttributes = (a: Draft, b: Draft): boolean =>
  BAG_ATTRIBUTE_NAMES.every((n) => a.attributes[n] === b.attributes[n])

/** Merges same-attribute duplicates into the head in one union; returns how many were merged. */
const mergeInto = (head: Draft, pieces: Draft[]): number => {
  if (pieces.length === 0 || head.geometry === null) return 0
  const merged = repairPolygon([head.geometry, ...pieces.map((d) => d.geometry ?? [])].flat())
  head.geometry = merged.geometry
  head.reasons.push(`merged ${pieces.length} duplicate feature(s) with the same id and attributes`)
  head.reasons.push(...merged.reasons)
  if (merged.status === "invalid") head.status = "invalid"
  else if (head.status === "valid") head.status = "repaired"
  for (const d of pieces) {
    d.status = "dropped"
    d.dropKey = "duplicate id: geometry merged into the first feature"
    d.reasons.push(`duplicate id ${d.identificatie}: geometry merged into the first feature`)
  }
  return pieces.length
}

/** Applies the duplicate rule per id, in source order; returns how many records were duplicates. */
const resolveDuplicates = (drafts: Draft[]): number => {
  const groups = new Map<string, Draft[]>()
  for (const d of drafts) {
    if (d.identificatie === "") continue
    const g = groups.get(d.identificatie)
    if (g === undefined) groups.set(d.identificatie, [d])
    else g.push(d)
  }
  let duplicates = 0
  for (const [head, ...rest] of groups.values()) {
    duplicates += rest.length
    const same = (d: Draft): boolean => sameAttributes(head, d) && d.geometry !== null
    for (const d of rest.filter((x) => !same(x) || head.geometry === null)) {
      d.status = "invalid"
      const why = "attributes or geometry differ from the first feature"
      d.reasons.push(`duplicate id ${d.identificatie}: ${why}`)
    }
    mergeInto(head, rest.filter((x) => same(x) && head.geometry !== null))
  }
  return duplicates
}

const isModelled = (d: Draft): boolean =>
  (d.status === "valid" || d.status === "repaired") && d.geometry !== null

const byId = (x: { d: Draft; i: number }, y: { d: Draft; i: number }): number =>
  x.d.identificatie < y.d.identificatie ? -1 : x.d.identificatie > y.d.identificatie ? 1 : x.i - y.i

/** Turns raw features into sorted records with counts; pure apart from the kernels it calls. */
export const assembleFootprints = (
  raws: ReadonlyArray<RawFootprint>,
  source: string
): { records: FootprintRecord[]; counts: FootprintCounts } => {
  const selection = selectCurrentVoorkomens(raws)
  const drafts = selection.current.map(draftOf)
  const duplicates = resolveDuplicates(drafts)
  const modelled = drafts.filter(isModelled)
  const overlap = overlapAreas(modelled.map((d) => d.geometry))
  const overlapOf = new Map<Draft, number>(modelled.map((d, i) => [d, overlap.areas[i]]))
  overlap.failures.forEach((f) => {
    const reason = `overlap with ${modelled[f.b].identificatie} not computed: ${f.reason}`
    modelled[f.a].reasons.push(reason)
  })
  const order = drafts.map((d, i) => ({ d, i }))
  order.sort(byId)
  const records: FootprintRecord[] = order.map(({ d }) => ({
    identificatie: d.identificatie,
    attributes: d.attributes,
    geometry: d.geometry,
    status: d.status,
    reasons: d.reasons,
    source,
    overlapArea: overlapOf.get(d) ?? 0
  }))
  const dropped: Record<string, number> = {}
  for (const d of drafts) if (d.dropKey !== null) dropped[d.dropKey] = (dropped[d.dropKey] ?? 0) + 1
  const count = (s: FootprintStatus): number => drafts.filter((d) => d.status === s).length
  const counts: FootprintCounts = {
    read: raws.length,
    current: drafts.length,
    ended: selection.ended,
    superseded: selection.superseded,
    valid: count("valid"),
    repaired: count("repaired"),
    invalid: count("invalid"),
    dropped,
    duplicates,
    overlapping: modelled.filter((d) => (overlapOf.get(d) ?? 0) > 0).length
  }
  return { records, counts }
}

const readRaw = async (
  path: string,
  format: FootprintFormat,
  layer?: string
): Promise<RawFootprint[]> => {
  if (format === "bag-xml") return (await readBagXml(path)).voorkomens
  if (format === "gpkg") return readGpkg(path, layer === undefined ? {} : { layer })
  return readGeoJson(path)
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const read = (source: FootprintSource): Effect.Effect<FootprintReadResult, FootprintSourceError> =>
  Effect.gen(function* () {
    const { path } = source
    const fail = (reason: string) => new FootprintSourceError({ path, reason })
    const format = source.format ?? inferFormat(path)
    if (format === null) {
      const why = `cannot infer the format of ${path} from its extension; give a format`
      return yield* Effect.fail(fail(why))
    }
    const st = yield* Effect.tryPromise({
      try: () => stat(path),
      catch: (e) =>
        fail((e as { code?: string }).code === "ENOENT" ? `file not found: ${path}` : describe(e))
    })
    if (st.isDirectory()) return yield* Effect.fail(fail(`${path} is a folder, not a file`))
    const raws = yield* Effect.tryPromise({
      try: () => readRaw(path, format, source.layer),
      catch: (e) => fail(describe(e))
    })
    const assembled = yield* Effect.try({
      try: () => assembleFootprints(raws, path),
      catch: (e) => fail(describe(e))
    })
    return { path, format, ...assembled }
  })

export const layer: Layer.Layer<Footprints> = Layer.succeed(Footprints, Footprints.of({ read }))
