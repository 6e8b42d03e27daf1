/**
 * Wavefront OBJ per LoD from a tile's CityJSONSeq features, and the .mtl with one material per
 * semantic surface type. Pure: text out.
 *
 * Layout of one LoD file: `mtllib`, then per CityObject that has a geometry of that LoD (sorted
 * by id; in 3DBAG these are the BuildingParts `<id>-<k>`): `o <id>`, its vertices (`v`, only the
 * ones it uses, in order of first use), then its triangles (`f`, 1-based, counter-clockwise seen
 * from outside, as the CityJSON surfaces are), with `usemtl` written whenever the semantic
 * changes. Faces are triangulated with earcut on the surface's dominant axis plane.
 *
 * Coordinates are real EPSG:7415 metres (transform applied), as 3DBAG's OBJ files have them,
 * rounded to 1 µm and written in shortest form: a translate with sub-millimetre digits (3DBAG's
 * are float32 values such as 85088.390625) is kept, float noise is not.
 * LIMITATION: RD coordinates are ~1e5 m, so a reader that stores vertices as float32 keeps only
 * about 1 cm (x) to 3 cm (y) of precision; subtract an origin on import for exact geometry.
 */
import earcut from "earcut"
import type { SeqFeature, SeqGeometry, SeqTransform } from "./cityjson-tile.ts"

export type ObjLod = "1.2" | "1.3" | "2.2"
export const OBJ_LODS: ReadonlyArray<ObjLod> = ["1.2", "1.3", "2.2"]

/** Material per semantic type; other or missing semantics use WallSurface and are counted. */
export const OBJ_MATERIALS = ["GroundSurface", "RoofSurface", "WallSurface"] as const
const FALLBACK_MATERIAL = "WallSurface"

export interface ObjLodResult {
  readonly lod: ObjLod
  readonly text: string
  readonly objects: number
  readonly vertices: number
  readonly triangles: number
  /** Surfaces with a zero normal, bad vertex indices, or that earcut could not triangulate. */
  readonly skippedSurfaces: number
  /** Surfaces without one of the three semantic types: written with WallSurface. */
  readonly unlabelledSurfaces: number
}

interface FlatSurface {
  readonly rings: ReadonlyArray<ReadonlyArray<number>>
  readonly semantic: string | null
}

const SURFACE_DEPTH: Readonly<Record<string, number>> = {
  MultiSurface: 0, CompositeSurface: 0, Solid: 1, MultiSolid: 2, CompositeSolid: 2
}

/** Surfaces of a geometry with their semantic type, walking boundaries and values in step. */
function flattenSurfaces(g: SeqGeometry): FlatSurface[] {
  const depth = SURFACE_DEPTH[g.type]
  if (depth === undefined) return []
  const out: FlatSurface[] = []
  const surfaces = g.semantics?.surfaces ?? []
  const walk = (b: unknown, values: unknown, d: number): void => {
    if (!Array.isArray(b)) return
    if (d === 0) {
      b.forEach((rings, i) => {
        const v = Array.isArray(values) ? values[i] : null
        const type = typeof v === "number" ? surfaces[v]?.["type"] : undefined
        out.push({ rings: rings as number[][], semantic: typeof type === "string" ? type : null })
      })
      return
    }
    b.forEach((x, i) => walk(x, Array.isArray(values) ? values[i] : null, d - 1))
  }
  walk(g.boundaries, g.semantics?.values ?? null, depth)
  return out
}

/** Per-object writer state: local vertex numbering on top of the file's running count. */
interface ObjectState {
  readonly lines: string[]
  readonly local: Map<number, number>
  base: number
  material: string | null
  triangles: number
}

/** Newell normal of a ring of real coordinates (relative to its first vertex), unnormalised. */
function newellNormal(xyz: Float64Array, count: number): [number, number, number] {
  let nx = 0
  let ny = 0
  let nz = 0
  for (let i = 0, j = count - 1; i < count; j = i++) {
    const [xj, yj, zj] = [xyz[3 * j], xyz[3 * j + 1], xyz[3 * j + 2]]
    const [xi, yi, zi] = [xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]]
    nx += (yj - yi) * (zj + zi)
    ny += (zj - zi) * (xj + xi)
    nz += (xj - xi) * (yj + yi)
  }
  return [nx, ny, nz]
}

/**
 * Triangles of one surface as indices into its ring vertices (outer ring first), oriented like
 * the outer ring. `xyz` holds the surface's vertices relative to its first vertex. Returns null
 * for a zero-area or untriangulable surface.
 */
export function triangulateSurface(
  xyz: Float64Array,
  ringSizes: ReadonlyArray<number>
): number[] | null {
  const total = xyz.length / 3
  const [nx, ny, nz] = newellNormal(xyz, ringSizes[0])
  const ax = Math.abs(nx), ay = Math.abs(ny), az = Math.abs(nz)
  if (ax + ay + az === 0) return null
  const drop = az >= ax && az >= ay ? 2 : ax >= ay ? 0 : 1
  const u = (drop + 1) % 3, v = (drop + 2) % 3
  const flat = new Float64Array(total * 2)
  for (let i = 0; i < total; i++) {
    flat[2 * i] = xyz[3 * i + u]
    flat[2 * i + 1] = xyz[3 * i + v]
  }
  const holes: number[] = []
  let at = 0
  for (let r = 0; r < ringSizes.length - 1; r++) holes.push((at += ringSizes[r]))
  const tris = earcut(flat, holes.length > 0 ? holes : null, 2)
  if (tris.length === 0) return null
  for (let t = 0; t < tris.length; t += 3) {
    const [a, b, c] = [tris[t], tris[t + 1], tris[t + 2]]
    const e1 = [0, 1, 2].map((k) => xyz[3 * b + k] - xyz[3 * a + k])
    const e2 = [0, 1, 2].map((k) => xyz[3 * c + k] - xyz[3 * a + k])
    const dot = (e1[1] * e2[2] - e1[2] * e2[1]) * nx + (e1[2] * e2[0] - e1[0] * e2[2]) * ny +
      (e1[0] * e2[1] - e1[1] * e2[0]) * nz
    if (dot < 0) [tris[t + 1], tris[t + 2]] = [c, b]
  }
  return tris
}

interface LodContext {
  readonly t: SeqTransform
  skipped: number
  unlabelled: number
}

/** Shortest decimal text of `v` rounded to 6 decimals; -0 prints as 0. */
export const micrometres = (v: number): string => String(Math.round(v * 1e6) / 1e6 + 0)

/** Object-local vertex number (0-based) of feature vertex `i`, writing its `v` line if new. */
function vertexId(s: ObjectState, f: SeqFeature, i: number, c: LodContext): number {
  let id = s.local.get(i)
  if (id === undefined) {
    id = s.local.size
    s.local.set(i, id)
    const q = f.vertices[i]
    const real = [0, 1, 2].map((a) => micrometres(q[a] * c.t.scale[a] + c.t.translate[a]))
    s.lines.push(`v ${real.join(" ")}`)
  }
  return id
}

function writeSurface(s: ObjectState, f: SeqFeature, surface: FlatSurface, c: LodContext): void {
  const ids = surface.rings.flat()
  const inRange = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < f.vertices.length
  if (ids.length < 3 || !ids.every(inRange)) {
    c.skipped++
    return
  }
  const xyz = new Float64Array(ids.length * 3)
  const o = f.vertices[ids[0]]
  ids.forEach((vi, k) => {
    for (let a = 0; a < 3; a++) xyz[3 * k + a] = (f.vertices[vi][a] - o[a]) * c.t.scale[a]
  })
  const tris = triangulateSurface(xyz, surface.rings.map((r) => r.length))
  if (tris === null) {
    c.skipped++
    return
  }
  const known = OBJ_MATERIALS.find((m) => m === surface.semantic)
  if (known === undefined) c.unlabelled++
  const material = known ?? FALLBACK_MATERIAL
  if (material !== s.material) s.lines.push(`usemtl ${material}`)
  s.material = material
  const n = tris.map((k) => s.base + vertexId(s, f, ids[k], c) + 1)
  for (let t = 0; t < n.length; t += 3) s.lines.push(`f ${n[t]} ${n[t + 1]} ${n[t + 2]}`)
  s.triangles += n.length / 3
}

/** One OBJ text for `lod`; `mtllib` is the .mtl file name the text refers to. */
export function objForLod(
  transform: SeqTransform,
  features: ReadonlyArray<SeqFeature>,
  lod: ObjLod,
  mtllib: string
): ObjLodResult {
  const objs: Array<[string, SeqGeometry[], SeqFeature]> = []
  for (const f of features) {
    for (const [id, o] of Object.entries(f.CityObjects)) {
      const gs = (o.geometry ?? []).filter((g) => String(g.lod) === lod)
      if (gs.length > 0) objs.push([id, gs, f])
    }
  }
  objs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const c: LodContext = { t: transform, skipped: 0, unlabelled: 0 }
  const lines = [`mtllib ${mtllib}`]
  let base = 0
  let triangles = 0
  for (const [id, gs, f] of objs) {
    lines.push(`o ${id}`)
    const s: ObjectState = { lines, local: new Map(), base, material: null, triangles: 0 }
    for (const g of gs) for (const surface of flattenSurfaces(g)) writeSurface(s, f, surface, c)
    base += s.local.size
    triangles += s.triangles
  }
  return {
    lod, text: lines.join("\n") + "\n", objects: objs.length, vertices: base, triangles,
    skippedSurfaces: c.skipped, unlabelledSurfaces: c.unlabelled
  }
}

/** The .mtl: one diffuse colour per semantic type (ground grey, roof red, wall white). */
export function mtlText(): string {
  const colours: Readonly<Record<(typeof OBJ_MATERIALS)[number], string>> = {
    GroundSurface: "0.5 0.5 0.5",
    RoofSurface: "0.8 0.25 0.2",
    WallSurface: "0.95 0.95 0.9"
  }
  const blocks = OBJ_MATERIALS.map((m) => `newmtl ${m}\nKa 0 0 0\nKd ${colours[m]}\nd 1\nillum 1\n`)
  return blocks.join("\n")
}

/** LoD "2.2" -> "22", as in file names. */
const lodTag = (lod: ObjLod): string => lod.replace(".", "")

export interface ObjTileFiles {
  /** `<tile>-LoD12-3D.obj`, `<tile>-LoD13-3D.obj`, `<tile>-LoD22-3D.obj`, `<tile>-3D.mtl`. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly text: string }>
  readonly lods: ReadonlyArray<ObjLodResult>
}

/** All OBJ files of one tile, named after `tileName` (e.g. "9-560-624"), for the zip. */
export function objTileFiles(
  tileName: string,
  transform: SeqTransform,
  features: ReadonlyArray<SeqFeature>
): ObjTileFiles {
  const mtl = `${tileName}-3D.mtl`
  const lods = OBJ_LODS.map((lod) => objForLod(transform, features, lod, mtl))
  const files = lods.map((r) => ({ name: `${tileName}-LoD${lodTag(r.lod)}-3D.obj`, text: r.text }))
  return { files: [...files, { name: mtl, text: mtlText() }], lods }
}
