/**
 * CityJSON 2.0 objects for a CityJSONSeq: the header line and one CityJSONFeature per
 * building, laid out as 3DBAG does (Building with attributes and an LoD0 MultiSurface,
 * children `<id>-<k>` BuildingParts holding a Solid). Pure: returns plain JSON-ready objects.
 */
import type { Polygon } from "./geometry-types.ts"
import type { SolidMesh, SurfaceSemantic } from "./extrude.ts"

export const EPSG_7415_URL = "https://www.opengis.net/def/crs/EPSG/0/7415"

export interface Transform {
  readonly scale: readonly [number, number, number]
  readonly translate: readonly [number, number, number]
}

export type Attributes = Readonly<Record<string, unknown>>

export interface CityJsonGeometry {
  readonly type: "MultiSurface" | "Solid"
  readonly lod: string
  readonly boundaries: unknown
  readonly semantics?: {
    readonly surfaces: ReadonlyArray<Readonly<Record<string, unknown>>>
    readonly values: unknown
  }
}

export interface CityJsonObject {
  readonly type: "Building" | "BuildingPart"
  readonly geographicalExtent?: readonly number[]
  readonly attributes: Attributes
  readonly geometry: CityJsonGeometry[]
  readonly children?: string[]
  readonly parents?: string[]
}

export interface CityJsonFeature {
  readonly type: "CityJSONFeature"
  readonly id: string
  readonly CityObjects: Record<string, CityJsonObject>
  readonly vertices: Array<[number, number, number]>
}

export interface CityJsonHeader {
  readonly type: "CityJSON"
  readonly version: "2.0"
  readonly transform: { scale: [number, number, number]; translate: [number, number, number] }
  readonly CityObjects: Record<string, never>
  readonly vertices: never[]
  readonly metadata: Readonly<Record<string, unknown>>
}

export interface SeqHeaderInput {
  readonly translate: readonly [number, number, number]
  /** Same scale on x, y, z; default 0.001 (mm integers). */
  readonly scale?: number
  /** CRS URL; default EPSG:7415 (RD New + NAP). */
  readonly referenceSystem?: string
  /** Extra metadata members (title, geographicalExtent, …), written after referenceSystem. */
  readonly metadata?: Readonly<Record<string, unknown>>
}

/** First line of a CityJSONSeq. */
export function cityJsonSeqHeader(input: SeqHeaderInput): CityJsonHeader {
  const s = input.scale ?? 0.001
  const t = input.translate
  return {
    type: "CityJSON",
    version: "2.0",
    transform: { scale: [s, s, s], translate: [t[0], t[1], t[2]] },
    CityObjects: {},
    vertices: [],
    metadata: { referenceSystem: input.referenceSystem ?? EPSG_7415_URL, ...input.metadata }
  }
}

/** Decimals per attribute name: the first matching pattern wins; others are left as is. */
const PRECISION: ReadonlyArray<readonly [RegExp, number]> = [
  [/^b3_h_maaiveld$/, 3],
  [/^b3_h_/, 2],
  [/^b3_(volume|opp)_/, 2],
  [/^b3_bag_bag_overlap$/, 2],
  [/^b3_rmse_/, 3],
  [/^b3_nodata_fractie_/, 3],
  [/^b3_nodata_radius_/, 2],
  [/^b3_puntdichtheid_/, 2],
  [/^b3_(azimut|hellingshoek)$/, 2]
]

function roundTo(v: number, decimals: number): number {
  const f = 10 ** decimals
  const r = Math.round(v * f) / f
  return r === 0 ? 0 : r
}

/**
 * Rounds numeric attributes as 3DBAG publishes them: heights 0.01 m (ground height 0.001 m,
 * as the reference features give it), volumes and areas 0.01, RMSE 0.001 m, nodata fraction
 * 0.001, nodata radius and point density 0.01. Non-finite numbers become null (JSON has no
 * NaN). Keys come out sorted, so the output is deterministic.
 */
export function roundAttributes(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(attributes).sort()) {
    const v = attributes[key]
    if (typeof v !== "number") {
      out[key] = v === undefined ? null : v
      continue
    }
    if (!Number.isFinite(v)) {
      out[key] = null
      continue
    }
    const rule = PRECISION.find(([re]) => re.test(key))
    out[key] = rule === undefined ? v : roundTo(v, rule[1])
  }
  return out
}

/** Semantic surfaces of every Solid, in this fixed order (3DBAG's). */
const SURFACES: ReadonlyArray<Readonly<Record<string, unknown>>> = [
  { type: "GroundSurface" },
  { type: "RoofSurface" },
  { type: "WallSurface", on_footprint_edge: true },
  { type: "WallSurface", on_footprint_edge: false }
]

function surfaceIndex(semantic: SurfaceSemantic, onEdge: boolean | undefined): number {
  if (semantic === "GroundSurface") return 0
  if (semantic === "RoofSurface") return 1
  return onEdge === false ? 3 : 2
}

/**
 * Quantised, deduplicated vertex pool of one feature: first use fixes the index, so the
 * order follows the traversal (LoD0, then each part's faces in order).
 */
class VertexPool {
  readonly vertices: Array<[number, number, number]> = []
  private readonly ids = new Map<string, number>()
  constructor(private readonly t: Transform) {}

  add(x: number, y: number, z: number): number {
    const q: [number, number, number] = [
      Math.round((x - this.t.translate[0]) / this.t.scale[0]),
      Math.round((y - this.t.translate[1]) / this.t.scale[1]),
      Math.round((z - this.t.translate[2]) / this.t.scale[2])
    ]
    const key = `${q[0]},${q[1]},${q[2]}`
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.vertices.length
      this.ids.set(key, id)
      this.vertices.push(q)
    }
    return id
  }

  /** [minx, miny, minz, maxx, maxy, maxz] in real coordinates; null when empty. */
  extent(): number[] | null {
    if (this.vertices.length === 0) return null
    const lo = [Infinity, Infinity, Infinity]
    const hi = [-Infinity, -Infinity, -Infinity]
    for (const v of this.vertices) {
      for (let a = 0; a < 3; a++) {
        const c = v[a] * this.t.scale[a] + this.t.translate[a]
        if (c < lo[a]) lo[a] = c
        if (c > hi[a]) hi[a] = c
      }
    }
    return [...lo, ...hi].map((c) => roundTo(c, 3))
  }
}

/** Drops consecutive repeats (wrap included) that quantisation can create. */
function dedupeRing(ids: number[]): number[] {
  const out = ids.filter((id, i) => id !== ids[(i + ids.length - 1) % ids.length])
  return out.length >= 3 ? out : []
}

function lod0Surface(pool: VertexPool, polygon: Polygon, z: number): number[][] {
  const rings: number[][] = []
  for (const ring of polygon) {
    const ids: number[] = []
    for (let i = 0; i < ring.length; i += 2) ids.push(pool.add(ring[i], ring[i + 1], z))
    const r = dedupeRing(ids)
    if (r.length > 0) rings.push(r)
    else if (rings.length === 0) return []
  }
  return rings
}

/**
 * Solid of one mesh with the four fixed semantic surfaces of 3DBAG; a face carrying
 * `attributes` (LoD2.2 roofs: slope, azimuth, heights) gets a surface of its own, appended
 * after the four, holding them (rounded like the building attributes).
 * LIMITATION: a face whose outer ring collapses below 3 distinct vertices after rounding to
 * the scale (edges under ~1 mm) is dropped, which leaves the shell
 * open; the extrusion upstream must not produce such edges (snap footprints first).
 */
function solidGeometry(pool: VertexPool, mesh: SolidMesh, lod: string): CityJsonGeometry {
  const v = mesh.vertices
  const shell: number[][][] = []
  const values: number[] = []
  const surfaces = [...SURFACES]
  for (const face of mesh.faces) {
    const rings: number[][] = []
    for (const ring of face.rings) {
      const ids = Array.from(ring, (i) => pool.add(v[3 * i], v[3 * i + 1], v[3 * i + 2]))
      rings.push(dedupeRing(ids))
    }
    if (rings.length === 0 || rings[0].length === 0) continue
    shell.push(rings.filter((r) => r.length > 0))
    if (face.attributes === undefined) {
      values.push(surfaceIndex(face.semantic, face.onFootprintEdge))
      continue
    }
    const extra = roundAttributes(face.attributes)
    const wall = face.semantic === "WallSurface" ? { on_footprint_edge: face.onFootprintEdge } : {}
    values.push(surfaces.length)
    surfaces.push({ type: face.semantic, ...wall, ...extra })
  }
  return {
    type: "Solid",
    lod,
    boundaries: [shell],
    semantics: { surfaces, values: [values] }
  }
}

export interface BuildingPartInput {
  /** Footprint of the part (outer CCW, holes CW). */
  readonly lod0: Polygon
  readonly lod12: SolidMesh | null
  /** LoD1.3 and LoD2.2 solids, written after LoD1.2 with lod "1.3" / "2.2" when present. */
  readonly lod13?: SolidMesh | null
  readonly lod22?: SolidMesh | null
  /**
   * Height of the LoD0 surface; default the lowest z of `lod12` (its floor, so LoD0 and floor
   * share vertices), else the Building's `b3_h_maaiveld`, else 0.
   */
  readonly lod0Z?: number
}

/** Lowest z of a mesh; NaN when it has no vertex. */
function minZ(mesh: SolidMesh): number {
  let z = Infinity
  for (let i = 2; i < mesh.vertices.length; i += 3) if (mesh.vertices[i] < z) z = mesh.vertices[i]
  return Number.isFinite(z) ? z : NaN
}

export interface BuildingFeatureInput {
  readonly id: string
  readonly attributes: Attributes
  readonly parts: ReadonlyArray<BuildingPartInput>
}

/**
 * One CityJSONFeature. Vertex indices are local to the feature. Parts without a solid get no
 * BuildingPart, but keep their index in the `<id>-<k>` names, so ids stay stable. The Building
 * carries the LoD0 MultiSurface (one surface per part) and a geographicalExtent over all of
 * the feature's vertices.
 */
export function buildingFeature(
  input: BuildingFeatureInput,
  transform: Transform
): CityJsonFeature {
  const pool = new VertexPool(transform)
  const attributes = roundAttributes(input.attributes)
  const ground = attributes["b3_h_maaiveld"]
  const defaultZ = typeof ground === "number" ? ground : 0
  const zOf = (p: BuildingPartInput) => {
    const floor = p.lod12 === null ? NaN : minZ(p.lod12)
    return p.lod0Z ?? (Number.isFinite(floor) ? floor : defaultZ)
  }
  const lod0 = input.parts
    .map((p) => lod0Surface(pool, p.lod0, zOf(p)))
    .filter((s) => s.length > 0)
  const parts: Array<[string, CityJsonObject]> = []
  input.parts.forEach((p, k) => {
    if (p.lod12 === null) return
    const geometry = [solidGeometry(pool, p.lod12, "1.2")]
    if (p.lod13 != null) geometry.push(solidGeometry(pool, p.lod13, "1.3"))
    if (p.lod22 != null) geometry.push(solidGeometry(pool, p.lod22, "2.2"))
    const parents = [input.id]
    parts.push([`${input.id}-${k}`, { type: "BuildingPart", attributes: {}, geometry, parents }])
  })
  const extent = pool.extent()
  const building: CityJsonObject = {
    type: "Building",
    ...(extent === null ? {} : { geographicalExtent: extent }),
    attributes,
    geometry: lod0.length > 0 ? [{ type: "MultiSurface", lod: "0", boundaries: lod0 }] : [],
    ...(parts.length > 0 ? { children: parts.map(([id]) => id) } : {})
  }
  const CityObjects: Record<string, CityJsonObject> = { [input.id]: building }
  for (const [id, obj] of parts) CityObjects[id] = obj
  return { type: "CityJSONFeature", id: input.id, CityObjects, vertices: pool.vertices }
}
