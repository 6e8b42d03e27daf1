/**
 * The seven layers of a release GeoPackage, as rows ready to insert, from a tile's CityJSONSeq
 * features. Pure: geometry blobs are encoded here, the SQLite writing is in
 * resources/gpkg-writer.ts.
 *
 * - `pand`: one row per Building (sorted by id), its LoD0 surfaces as a 2D MultiPolygon
 *   (EPSG:28992; null when it has none), its attributes as columns.
 * - `lodXX_3d`: one row per BuildingPart with a geometry of that LoD (sorted by id), every
 *   surface of every shell as a MultiPolygon Z (EPSG:7415), `labels` per surface.
 * - `lodXX_2d`: one row per RoofSurface of those geometries (a roof part, `b3_dd_id` = its rank
 *   among the part's roof surfaces), projected to a 2D MultiPolygon (EPSG:28992).
 * Column names follow 3dbag_attributes_spec.json (3dbag-specs `resources/attributes.json`).
 */
import type { BBox } from "./geometry-types.ts"
import type { SeqFeature, SeqGeometry, SeqTransform } from "./cityjson-tile.ts"
import { canonicalStringify } from "./cityjson-tile.ts"
import { encodeGpkgGeometry } from "./wkb.ts"
import { encodeGpkgGeometryZ, type PolygonZ } from "./wkb-z.ts"
import { faceOrientation, facePercentileZ, toPolygon2d } from "./roof-face.ts"

export type GpkgColumnType = "INTEGER" | "REAL" | "TEXT" | "BOOLEAN" | "DATE" | "DATETIME"
export type GpkgValue = number | string | null

export interface GpkgColumn {
  readonly name: string
  readonly type: GpkgColumnType
}

export interface GpkgRow {
  /** GeoPackage geometry blob, or null for no geometry. */
  readonly geometry: Uint8Array | null
  /** One value per column, in column order. */
  readonly values: ReadonlyArray<GpkgValue>
}

export interface GpkgLayer {
  readonly name: string
  readonly srsId: 28992 | 7415
  readonly z: boolean
  readonly columns: ReadonlyArray<GpkgColumn>
  /** In insertion (fid) order; fid = index + 1. */
  readonly rows: ReadonlyArray<GpkgRow>
  /** xy bounds of all geometries; null when no row has one. */
  readonly extent: BBox | null
}

export const RD_NEW = 28992
export const RD_NAP = 7415
export const GPKG_LAYER_NAMES = [
  "pand", "lod12_2d", "lod12_3d", "lod13_2d", "lod13_3d", "lod22_2d", "lod22_3d"
] as const
const LODS = [["1.2", "lod12"], ["1.3", "lod13"], ["2.2", "lod22"]] as const

type SpecType = "int" | "float" | "bool" | "string" | "date" | "datetime" | "array"

/** Attributes the spec puts on `pand`, with the spec's type. */
const PAND_SPEC: ReadonlyArray<readonly [string, SpecType]> = [
  ["b3_bag_bag_overlap", "float"], ["b3_bouwlagen", "int"], ["b3_dak_type", "string"],
  ["b3_extrusie", "string"], ["b3_h_maaiveld", "float"], ["b3_h_nok", "float"],
  ["b3_is_glas_dak", "bool"], ["b3_kas_warenhuis", "bool"], ["b3_kwaliteitsindicator", "bool"],
  ["b3_mutatie_ahn3_ahn4", "bool"], ["b3_mutatie_ahn4_ahn5", "bool"], ["b3_n_nok", "int"],
  ["b3_n_vlakken", "int"], ["b3_nodata_fractie_ahn3", "float"], ["b3_nodata_fractie_ahn4", "float"],
  ["b3_nodata_fractie_ahn5", "float"], ["b3_nodata_radius_ahn3", "float"],
  ["b3_nodata_radius_ahn4", "float"], ["b3_nodata_radius_ahn5", "float"],
  ["b3_opp_buitenmuur", "float"], ["b3_opp_dak_plat", "float"], ["b3_opp_dak_schuin", "float"],
  ["b3_opp_grond", "float"], ["b3_opp_scheidingsmuur", "float"], ["b3_puntdichtheid_ahn3", "float"],
  ["b3_puntdichtheid_ahn4", "float"], ["b3_puntdichtheid_ahn5", "float"], ["b3_pw_bron", "string"],
  ["b3_pw_datum", "date"], ["b3_pw_onvoldoende", "bool"], ["b3_pw_selectie_reden", "string"],
  ["b3_rmse_lod12", "float"], ["b3_rmse_lod13", "float"], ["b3_rmse_lod22", "float"],
  ["b3_t_run", "int"], ["b3_val3dity_lod12", "array"], ["b3_val3dity_lod13", "array"],
  ["b3_val3dity_lod22", "array"], ["b3_volume_lod12", "float"], ["b3_volume_lod13", "float"],
  ["b3_volume_lod22", "float"], ["begingeldigheid", "date"], ["documentdatum", "date"],
  ["documentnummer", "string"], ["eindgeldigheid", "date"], ["eindregistratie", "datetime"],
  ["geconstateerd", "bool"], ["identificatie", "string"], ["oorspronkelijkbouwjaar", "int"],
  ["status", "string"], ["tijdstipeindregistratielv", "datetime"], ["tijdstipinactief", "datetime"],
  ["tijdstipinactieflv", "datetime"], ["tijdstipnietbaglv", "datetime"],
  ["tijdstipregistratie", "datetime"], ["tijdstipregistratielv", "datetime"],
  ["voorkomenidentificatie", "int"]
]
/** Spec attributes that live only in the 2D/3D layers: never a `pand` column. */
const NOT_PAND = new Set([
  "b3_h_min", "b3_h_50p", "b3_h_70p", "b3_h_max", "b3_azimut", "b3_hellingshoek", "b3_dd_id",
  "b3_pand_deel_id", "labels"
])
const SQL_OF: Readonly<Record<SpecType, GpkgColumnType>> = {
  int: "INTEGER", float: "REAL", bool: "BOOLEAN", string: "TEXT", date: "DATE",
  datetime: "DATETIME", array: "TEXT"
}
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

function fitsSpec(t: SpecType, v: unknown): boolean {
  if (t === "int") return Number.isInteger(v)
  if (t === "float") return typeof v === "number"
  if (t === "bool") return typeof v === "boolean"
  if (t === "date") return typeof v === "string" && DATE_RE.test(v)
  if (t === "datetime") return typeof v === "string" && DATETIME_RE.test(v)
  if (t === "array") return Array.isArray(v) || typeof v === "string"
  return typeof v === "string"
}

/**
 * Column type: the spec's when every non-null value fits it, otherwise inferred from the values
 * (3DBAG v2024.04.20 writes `b3_pw_datum` as the year 2020, not a date: it becomes INTEGER).
 */
export function columnType(
  spec: SpecType | undefined,
  values: ReadonlyArray<unknown>
): GpkgColumnType {
  const present = values.filter((v) => v !== null && v !== undefined)
  if (spec !== undefined && present.every((v) => fitsSpec(spec, v))) return SQL_OF[spec]
  if (present.length > 0 && present.every((v) => typeof v === "boolean")) return "BOOLEAN"
  if (present.length > 0 && present.every((v) => Number.isInteger(v))) return "INTEGER"
  if (present.length > 0 && present.every((v) => typeof v === "number")) return "REAL"
  return "TEXT"
}

/** SQLite value for a column; DATETIME gets milliseconds (GPKG wants YYYY-MM-DDTHH:MM:SS.SSSZ). */
export function sqlValue(type: GpkgColumnType, v: unknown): GpkgValue {
  if (v === null || v === undefined) return null
  if (type === "BOOLEAN") return v === true ? 1 : 0
  if (type === "INTEGER" || type === "REAL") {
    return typeof v === "number" && Number.isFinite(v) ? v : null
  }
  if (type === "DATETIME" && typeof v === "string") {
    const m = /^(.*T\d{2}:\d{2}:\d{2})(\.\d{1,3})?Z$/.exec(v)
    return m === null ? v : `${m[1]}${(m[2] ?? ".").padEnd(4, "0")}Z`
  }
  return typeof v === "string" ? v : canonicalStringify(v)
}

const round2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100)

/** Real-coordinate rings of one surface (x, y, z triples), null if an index is out of range. */
function surfaceXyz(rings: ReadonlyArray<ReadonlyArray<number>>, f: SeqFeature,
  t: SeqTransform): PolygonZ | null {
  const out: Float64Array[] = []
  for (const ring of rings) {
    const xyz = new Float64Array(ring.length * 3)
    for (let k = 0; k < ring.length; k++) {
      const q = f.vertices[ring[k]]
      if (q === undefined) return null
      for (let a = 0; a < 3; a++) xyz[3 * k + a] = q[a] * t.scale[a] + t.translate[a]
    }
    if (ring.length >= 3) out.push(xyz)
  }
  return out.length > 0 ? out : null
}

interface Surface {
  readonly rings: ReadonlyArray<ReadonlyArray<number>>
  readonly semantic: Readonly<Record<string, unknown>> | null
}

/** Surfaces of a Solid/MultiSolid/CompositeSolid/MultiSurface with their semantic object. */
function surfacesOf(g: SeqGeometry): Surface[] {
  const depth = g.type === "Solid" ? 1 : g.type.endsWith("Solid") ? 2 : 0
  const table = g.semantics?.surfaces ?? []
  const out: Surface[] = []
  const walk = (b: unknown, v: unknown, d: number): void => {
    if (!Array.isArray(b)) return
    b.forEach((x, i) => {
      const vi = Array.isArray(v) ? v[i] : null
      if (d > 0) return walk(x, vi, d - 1)
      const semantic = typeof vi === "number" ? table[vi] ?? null : null
      out.push({ rings: x as number[][], semantic })
    })
  }
  walk(g.boundaries, g.semantics?.values ?? null, depth)
  return out
}

/** GPKG `labels`: 0 ground, 1 roof, 2 outer wall, 3 inner wall (on_footprint_edge false). */
function labelOf(s: Readonly<Record<string, unknown>> | null): number | null {
  const type = s?.["type"]
  if (type === "GroundSurface") return 0
  if (type === "RoofSurface") return 1
  if (type === "WallSurface") return s?.["on_footprint_edge"] === false ? 3 : 2
  return null
}

/** Running xy bounds over the rows of one layer. */
class Extent {
  private b = [Infinity, Infinity, -Infinity, -Infinity]
  add(p: PolygonZ): void {
    for (const r of p) {
      for (let i = 0; i < r.length; i += 3) {
        this.b = [Math.min(this.b[0], r[i]), Math.min(this.b[1], r[i + 1]),
          Math.max(this.b[2], r[i]), Math.max(this.b[3], r[i + 1])]
      }
    }
  }
  value(): BBox | null {
    const [a, b, c, d] = this.b
    return Number.isFinite(a) ? [a, b, c, d] : null
  }
}

const byId = <T extends { readonly id: string }>(a: T, b: T): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0

interface Building {
  readonly id: string
  readonly attributes: Readonly<Record<string, unknown>>
  readonly lod0: PolygonZ[]
}

const isLod0 = (g: SeqGeometry): boolean => String(g.lod) === "0" && g.type.endsWith("Surface")

function buildingsOf(features: ReadonlyArray<SeqFeature>, t: SeqTransform): Building[] {
  const out: Building[] = []
  for (const f of features) {
    for (const [id, o] of Object.entries(f.CityObjects)) {
      if (o.type !== "Building") continue
      const lod0 = (o.geometry ?? []).filter(isLod0)
      const polys = lod0.flatMap(surfacesOf).map((s) => surfaceXyz(s.rings, f, t))
      const kept = polys.filter((p): p is PolygonZ => p !== null)
      out.push({ id, attributes: o.attributes ?? {}, lod0: kept })
    }
  }
  return out.sort(byId)
}

/** `pand` columns: every spec column, then other Building attributes (sorted) the spec lacks. */
function pandColumns(buildings: ReadonlyArray<Building>): GpkgColumn[] {
  const spec = new Map(PAND_SPEC)
  const extra = new Set<string>()
  for (const b of buildings) {
    for (const k of Object.keys(b.attributes)) if (!spec.has(k) && !NOT_PAND.has(k)) extra.add(k)
  }
  const names = [...spec.keys(), ...[...extra].sort()]
  return names.map((name) => {
    const values = buildings.map((b) => (name === "identificatie" ? b.id : b.attributes[name]))
    return { name, type: columnType(spec.get(name), values) }
  })
}

function pandLayer(features: ReadonlyArray<SeqFeature>, t: SeqTransform): GpkgLayer {
  const buildings = buildingsOf(features, t)
  const columns = pandColumns(buildings)
  const extent = new Extent()
  const rows = buildings.map((b) => {
    b.lod0.forEach((p) => extent.add(p))
    const geometry =
      b.lod0.length === 0 ? null : encodeGpkgGeometry(b.lod0.map(toPolygon2d), RD_NEW)
    const valueOf = (name: string): unknown =>
      name === "identificatie" ? b.attributes[name] ?? b.id : b.attributes[name]
    const values = columns.map((c) => sqlValue(c.type, valueOf(c.name)))
    return { geometry, values }
  })
  return { name: "pand", srsId: RD_NEW, z: false, columns, rows, extent: extent.value() }
}

interface PartGeometry {
  readonly id: string
  readonly building: string
  readonly part: number
  readonly surfaces: Array<{ readonly xyz: PolygonZ; readonly semantic: Surface["semantic"] }>
}

/** Index k of a part named `<building>-<k>`, else its rank among the building's children. */
function partIndex(id: string, building: string, children: ReadonlyArray<string>): number {
  const m = id.startsWith(`${building}-`) ? /^(\d+)$/.exec(id.slice(building.length + 1)) : null
  if (m !== null) return Number(m[1])
  return Math.max(0, children.indexOf(id))
}

function partsOf(
  features: ReadonlyArray<SeqFeature>,
  t: SeqTransform,
  lod: string
): PartGeometry[] {
  const out: PartGeometry[] = []
  for (const f of features) {
    for (const [id, o] of Object.entries(f.CityObjects)) {
      const gs = (o.geometry ?? []).filter((g) => String(g.lod) === lod && g.type.endsWith("Solid"))
      if (gs.length === 0) continue
      const building = o.parents?.[0] ?? f.id
      const children = f.CityObjects[building]?.children ?? []
      const surfaces = gs.flatMap(surfacesOf).flatMap((s) => {
        const xyz = surfaceXyz(s.rings, f, t)
        return xyz === null ? [] : [{ xyz, semantic: s.semantic }]
      })
      out.push({ id, building, part: partIndex(id, building, children), surfaces })
    }
  }
  return out.sort(byId)
}

const COLUMNS_3D: GpkgColumn[] = [
  { name: "identificatie", type: "TEXT" }, { name: "b3_pand_deel_id", type: "INTEGER" },
  { name: "labels", type: "TEXT" }
]

function layer3d(name: string, parts: ReadonlyArray<PartGeometry>): GpkgLayer {
  const extent = new Extent()
  const rows = parts.map((p) => {
    const polys = p.surfaces.map((s) => s.xyz)
    polys.forEach((x) => extent.add(x))
    const labels = canonicalStringify(p.surfaces.map((s) => labelOf(s.semantic)))
    return { geometry: encodeGpkgGeometryZ(polys, RD_NAP), values: [p.building, p.part, labels] }
  })
  return { name, srsId: RD_NAP, z: true, columns: COLUMNS_3D, rows, extent: extent.value() }
}

const HEIGHTS = ["b3_h_min", "b3_h_50p", "b3_h_70p", "b3_h_max"] as const
const ORIENTATION = ["b3_azimut", "b3_hellingshoek"] as const

/** A number from the surface's semantic object when it has one, else the computed value. */
function given(s: Surface["semantic"], name: string, computed: () => number | null): number | null {
  const v = s?.[name]
  return round2(typeof v === "number" && Number.isFinite(v) ? v : computed())
}

/**
 * Roof-part rows. Heights not given on the RoofSurface are computed from the face: min, max and
 * the area-weighted 50th/70th percentile of the face's z over its xy area.
 * LIMITATION: 3DBAG computes b3_h_50p/70p from the lidar points on the roof part; computed from
 * the model face they equal the points' values only where the face fits the points exactly.
 */
function layer2d(name: string, parts: ReadonlyArray<PartGeometry>, orient: boolean): GpkgLayer {
  const extent = new Extent()
  const rows: GpkgRow[] = []
  for (const p of parts) {
    const roofs = p.surfaces.filter((s) => labelOf(s.semantic) === 1)
    roofs.forEach((s, dd) => {
      extent.add(s.xyz)
      const z = [0.0, 0.5, 0.7, 1.0]
      const h = HEIGHTS.map((n, k) => given(s.semantic, n, () => zAt(s.xyz, z[k])))
      const o = orient ? faceOrientation(s.xyz) : null
      const extra = o === null ? [] : [given(s.semantic, ORIENTATION[0], () => o.azimuth),
        given(s.semantic, ORIENTATION[1], () => o.slope)]
      const geometry = encodeGpkgGeometry([toPolygon2d(s.xyz)], RD_NEW)
      rows.push({ geometry, values: [p.building, p.part, dd, ...h, ...extra] })
    })
  }
  const names = ["b3_pand_deel_id", "b3_dd_id", ...HEIGHTS, ...(orient ? ORIENTATION : [])]
  const columns: GpkgColumn[] = [{ name: "identificatie", type: "TEXT" },
    ...names.map((n): GpkgColumn => ({ name: n, type: n.endsWith("_id") ? "INTEGER" : "REAL" }))]
  return { name, srsId: RD_NEW, z: false, columns, rows, extent: extent.value() }
}

/** Lowest (q = 0), highest (q = 1) or area-weighted percentile z of a face. */
function zAt(p: PolygonZ, q: number): number {
  if (q > 0 && q < 1) return facePercentileZ(p, q)
  let v = q === 0 ? Infinity : -Infinity
  for (const r of p) {
    for (let i = 2; i < r.length; i += 3) v = q === 0 ? Math.min(v, r[i]) : Math.max(v, r[i])
  }
  return v
}

/** The seven layers, in GPKG_LAYER_NAMES order. */
export function gpkgLayers(
  transform: SeqTransform,
  features: ReadonlyArray<SeqFeature>
): GpkgLayer[] {
  const layers: GpkgLayer[] = [pandLayer(features, transform)]
  for (const [lod, tag] of LODS) {
    const parts = partsOf(features, transform, lod)
    layers.push(layer2d(`${tag}_2d`, parts, lod === "2.2"), layer3d(`${tag}_3d`, parts))
  }
  return layers
}
