/**
 * Closed solids from labelled arrangement faces (roofer's steps 13–14): each face labelled with
 * a roof plane is lifted onto it; faces of one plane are dissolved into one roof surface;
 * vertical walls stand between parts of different height and along the outline of the solid
 * faces; a floor closes the shell at the ground height. LoD1.3 uses the same builder with
 * horizontal planes.
 *
 * Watertightness: at every arrangement vertex the z values of all faces around it (and the
 * ground, on the outline) form sorted levels, values within `zMerge` merged into one vertex.
 * A wall's vertical side at a vertex runs through every level between its bottom and top, so
 * walls, roofs and floor share vertex ids and every edge is used once in each direction.
 * Where two planes cross along a shared edge, the edge is split at the crossing first, so no
 * wall is a bow tie.
 */
import type { Polygon } from "./geometry-types.ts"
import type { SolidFace, SolidMesh } from "./extrude.ts"
import { checkClosed, extrudePolygon, ringSignedArea } from "./extrude.ts"
import { percentile } from "./percentile.ts"
import { pointInRing } from "./polygon-measure.ts"

/** z = a·x + b·y + c, local coordinates. */
export interface HeightPlane {
  readonly a: number
  readonly b: number
  readonly c: number
}

export interface SolidInput {
  readonly vx: ArrayLike<number>
  readonly vy: ArrayLike<number>
  readonly faces: ReadonlyArray<{ readonly rings: ReadonlyArray<Uint32Array> }>
  /** Plane per face; −1 leaves the face out of the solid (ground). */
  readonly faceLabel: Int32Array
  readonly planes: ReadonlyArray<HeightPlane>
  readonly groundZ: number
  /** Added to x and y of the output vertices. */
  readonly originX: number
  readonly originY: number
  /** Levels closer than this (m) at one vertex become one vertex. Default 0.005. */
  readonly zMerge?: number
}

export interface RoofSurfaceInfo {
  readonly label: number
  /** Index of the face in `mesh.faces`. */
  readonly face: number
  readonly area2d: number
  readonly area3d: number
  readonly slopeDeg: number
  /** Degrees clockwise from north of the downslope direction; NaN when horizontal. */
  readonly azimuthDeg: number
}

export type SolidResult =
  | {
    readonly ok: true
    readonly mesh: SolidMesh
    readonly roofs: RoofSurfaceInfo[]
    readonly outerWallArea: number
    readonly innerWallArea: number
  }
  | { readonly ok: false; readonly reason: string }

const KEY = 2 ** 21
const ek = (u: number, v: number) => u * KEY + v

interface Work {
  xs: number[]
  ys: number[]
  /** Rings of solid faces (label ≥ 0); other faces are empty. */
  rings: number[][][]
  label: Int32Array
  /** Directed edge → face, for all faces with a ring. */
  owner: Map<number, number>
}

const zAt = (w: Work, p: ReadonlyArray<HeightPlane>, l: number, v: number) =>
  p[l].a * w.xs[v] + p[l].b * w.ys[v] + p[l].c

function insertInRing(ring: number[], u: number, v: number, w: number): boolean {
  for (let i = 0; i < ring.length; i++) {
    if (ring[i] === u && ring[(i + 1) % ring.length] === v) {
      ring.splice(i + 1, 0, w)
      return true
    }
  }
  return false
}

/** Splits every shared edge where the two planes cross strictly between its ends. */
function splitCrossings(w: Work, planes: ReadonlyArray<HeightPlane>, tol: number): void {
  for (const [key, f] of [...w.owner]) {
    const u = Math.floor(key / KEY), v = key - u * KEY
    const g = w.owner.get(ek(v, u))
    if (g === undefined || u > v || w.label[f] < 0 || w.label[g] < 0) continue
    const A = w.label[f], B = w.label[g]
    if (A === B) continue
    const du = zAt(w, planes, A, u) - zAt(w, planes, B, u)
    const dv = zAt(w, planes, A, v) - zAt(w, planes, B, v)
    if (!((du > tol && dv < -tol) || (du < -tol && dv > tol))) continue
    const t = du / (du - dv)
    const n = w.xs.length
    w.xs.push(w.xs[u] + t * (w.xs[v] - w.xs[u]))
    w.ys.push(w.ys[u] + t * (w.ys[v] - w.ys[u]))
    w.rings[f].some((r) => insertInRing(r, u, v, n))
    w.rings[g].some((r) => insertInRing(r, v, u, n))
    w.owner.delete(ek(u, v))
    w.owner.delete(ek(v, u))
    w.owner.set(ek(u, n), f).set(ek(n, v), f).set(ek(v, n), g).set(ek(n, u), g)
  }
}

/** Sorted, merged z levels per vertex; `idOf(v, label)` (label −1 = ground) gives vertex ids. */
class Levels {
  readonly xyz: number[] = []
  private readonly byVertex = new Map<number, Array<[number, number]>>()
  private readonly ids = new Map<number, number>()
  private readonly raw = new Map<number, Array<[number, number]>>()

  want(v: number, label: number, z: number): void {
    const list = this.raw.get(v)
    if (list === undefined) this.raw.set(v, [[z, label]])
    else if (!list.some(([, l]) => l === label)) list.push([z, label])
  }

  /** Groups each vertex's values (span ≤ tol); the ground keeps its exact z. */
  build(w: Work, ox: number, oy: number, tol: number): void {
    for (const [v, list] of this.raw) {
      list.sort((p, q) => p[0] - q[0])
      const levels: Array<[number, number]> = []
      for (let i = 0; i < list.length;) {
        let j = i
        while (j + 1 < list.length && list[j + 1][0] - list[i][0] <= tol) j++
        const group = list.slice(i, j + 1)
        const ground = group.find(([, l]) => l === -1)
        const mean = group.reduce((s, g) => s + g[0], 0) / group.length
        const z = ground !== undefined ? ground[0] : mean
        const id = this.xyz.length / 3
        this.xyz.push(w.xs[v] + ox, w.ys[v] + oy, z)
        levels.push([z, id])
        for (const [, l] of group) this.ids.set(v * 4096 + l + 1, levels.length - 1)
        i = j + 1
      }
      this.byVertex.set(v, levels)
    }
  }

  level(v: number, label: number): number {
    return this.ids.get(v * 4096 + label + 1) as number
  }

  id(v: number, level: number): number {
    return (this.byVertex.get(v) as Array<[number, number]>)[level][1]
  }
}

/**
 * Boundary rings of the union of `faces` (dissolve): directed edges whose reverse is not in the
 * set, chained. Null when some vertex has two outgoing boundary edges (the union touches itself
 * there), so the caller keeps the faces apart.
 */
function dissolve(w: Work, faces: number[]): number[][][] | null {
  const inSet = new Set(faces)
  const next = new Map<number, number>()
  for (const f of faces) {
    for (const r of w.rings[f]) {
      for (let i = 0; i < r.length; i++) {
        const u = r[i], v = r[(i + 1) % r.length]
        const g = w.owner.get(ek(v, u))
        if (g !== undefined && inSet.has(g)) continue
        if (next.has(u)) return null
        next.set(u, v)
      }
    }
  }
  const outers: number[][] = [], holes: number[][] = []
  const coords = (r: number[]) => Float64Array.from(r.flatMap((v) => [w.xs[v], w.ys[v]]))
  while (next.size > 0) {
    const start = next.keys().next().value as number
    const ring: number[] = []
    for (let v = start; next.has(v);) {
      ring.push(v)
      const t = next.get(v) as number
      next.delete(v)
      v = t
    }
    if (ring.length < 3) return null
    ;(ringSignedArea(coords(ring)) > 0 ? outers : holes).push(ring)
  }
  const polys = outers.map((o) => [o])
  for (const h of holes) {
    const host = polys.find((p) => pointInRing(w.xs[h[0]], w.ys[h[0]], coords(p[0])))
    if (host === undefined) return null
    host.push(h)
  }
  return polys
}


/** Newell area vector length of a 3D ring, m². */
function area3d(xyz: number[], ring: ArrayLike<number>): number {
  let nx = 0, ny = 0, nz = 0
  const o = 3 * ring[0]
  for (let i = 0; i < ring.length; i++) {
    const a = 3 * ring[i], b = 3 * ring[(i + 1) % ring.length]
    const ay = xyz[a + 1] - xyz[o + 1], az = xyz[a + 2] - xyz[o + 2], ax = xyz[a] - xyz[o]
    const by = xyz[b + 1] - xyz[o + 1], bz = xyz[b + 2] - xyz[o + 2], bx = xyz[b] - xyz[o]
    nx += ay * bz - az * by
    ny += az * bx - ax * bz
    nz += ax * by - ay * bx
  }
  return Math.hypot(nx, ny, nz) / 2
}

function roofInfo(p: HeightPlane, label: number, face: number, a2: number, a3: number) {
  const slopeDeg = (Math.atan(Math.hypot(p.a, p.b)) * 180) / Math.PI
  let az = (Math.atan2(-p.a, -p.b) * 180) / Math.PI
  if (az < 0) az += 360
  return { label, face, area2d: a2, area3d: a3, slopeDeg, azimuthDeg: slopeDeg > 0 ? az : NaN }
}

/** Wall on directed edge u→v (solid on its left) between levels bottom and top, or null. */
function wallRing(lv: Levels, u: number, v: number, ub: number, ut: number, vb: number,
  vt: number): number[] | null {
  if (ut < ub || vt < vb || (ut === ub && vt === vb)) return null
  const ring = [lv.id(u, ub)]
  for (let i = vb; i <= vt; i++) ring.push(lv.id(v, i))
  for (let i = ut; i > ub; i--) ring.push(lv.id(u, i))
  return ring
}

function initWork(input: SolidInput): Work {
  const label = input.faceLabel
  const rings = input.faces.map((f, i) => (label[i] >= 0 ? f.rings.map((r) => Array.from(r)) : []))
  const owner = new Map<number, number>()
  input.faces.forEach((f, i) => {
    for (const r of f.rings) {
      for (let k = 0; k < r.length; k++) owner.set(ek(r[k], r[(k + 1) % r.length]), i)
    }
  })
  return { xs: Array.from(input.vx), ys: Array.from(input.vy), rings, label, owner }
}

/**
 * The closed shell; see the module comment. O(face vertices · levels). About 75 lines: the
 * stages (levels, floor, roofs, walls) share the working arrays and the level table.
 */
export function buildSolid(input: SolidInput): SolidResult {
  const tol = input.zMerge ?? 0.005
  const planes = input.planes
  const w = initWork(input)
  if (w.xs.length >= KEY || planes.length >= 4000) return { ok: false, reason: "too many vertices" }
  splitCrossings(w, planes, tol)
  const solid = w.rings.map((_, f) => f).filter((f) => w.label[f] >= 0)
  if (solid.length === 0) return { ok: false, reason: "no solid face" }
  const lv = new Levels()
  const other = (u: number, v: number) => {
    const g = w.owner.get(ek(v, u))
    return g === undefined ? -2 : w.label[g]
  }
  for (const f of solid) {
    for (const r of w.rings[f]) {
      for (let i = 0; i < r.length; i++) {
        const u = r[i], v = r[(i + 1) % r.length]
        lv.want(u, w.label[f], zAt(w, planes, w.label[f], u))
        if (other(u, v) < 0) {
          lv.want(u, -1, input.groundZ)
          lv.want(v, -1, input.groundZ)
        }
      }
    }
  }
  lv.build(w, input.originX, input.originY, tol)
  const faces: SolidFace[] = []
  const floor = dissolve(w, solid)
  // A floor outline that touches itself (two courtyards meeting at a corner) has no ring order.
  if (floor === null) return { ok: false, reason: "the floor outline touches itself at a vertex" }
  for (const poly of floor) {
    const rings = poly.map((r) =>
      Uint32Array.from(r.map((v) => lv.id(v, lv.level(v, -1))).reverse()))
    faces.push({ rings, semantic: "GroundSurface" })
  }
  const roofs: RoofSurfaceInfo[] = []
  for (let l = 0; l < planes.length; l++) {
    const mine = solid.filter((f) => w.label[f] === l)
    if (mine.length === 0) continue
    for (const poly of dissolve(w, mine) ?? mine.map((f) => w.rings[f])) {
      const rings = poly.map((r) => Uint32Array.from(r, (v) => lv.id(v, lv.level(v, l))))
      const a2 = poly.reduce((s, r, k) =>
        s + (k === 0 ? 1 : -1) * Math.abs(ringSignedArea(Float64Array.from(
          r.flatMap((v) => [w.xs[v], w.ys[v]])))), 0)
      const a3 = rings.reduce((s, r, k) => s + (k === 0 ? 1 : -1) * area3d(lv.xyz, r), 0)
      roofs.push(roofInfo(planes[l], l, faces.length, a2, a3))
      faces.push({ rings, semantic: "RoofSurface" })
    }
  }
  let outerWallArea = 0, innerWallArea = 0
  for (const f of solid) {
    const A = w.label[f]
    for (const r of w.rings[f]) {
      for (let i = 0; i < r.length; i++) {
        const u = r[i], v = r[(i + 1) % r.length]
        const B = other(u, v)
        if (B === A) continue
        const bl = B >= 0 ? B : -1
        const ring = wallRing(lv, u, v, lv.level(u, bl), lv.level(u, A), lv.level(v, bl),
          lv.level(v, A))
        if (ring === null) continue
        const area = area3d(lv.xyz, ring)
        if (B >= 0) innerWallArea += area
        else outerWallArea += area
        faces.push({ rings: [Uint32Array.from(ring)], semantic: "WallSurface",
          onFootprintEdge: B === -2 })
      }
    }
  }
  const mesh: SolidMesh = { vertices: Float64Array.from(lv.xyz), faces }
  const closed = checkClosed(mesh)
  if (!closed.closed) {
    return { ok: false, reason: `shell not closed: ${closed.unmatchedEdges} unmatched, ` +
      `${closed.repeatedEdges} repeated edges` }
  }
  return { ok: true, mesh, roofs, outerWallArea, innerWallArea }
}

/**
 * Vertical RMSE (m) of the points in solid faces (`faceOf` per point, −1 = none; label ≥ 0)
 * against their face's plane; points marked in `skip` are left out. NaN without points.
 */
export function verticalRmse(pts: { readonly x: ArrayLike<number>; readonly y: ArrayLike<number>;
  readonly z: ArrayLike<number> }, faceOf: Int32Array, faceLabel: Int32Array,
  planes: ReadonlyArray<HeightPlane>, skip?: Uint8Array): number {
  let s = 0, n = 0
  for (let i = 0; i < faceOf.length; i++) {
    const f = faceOf[i]
    if (f < 0 || faceLabel[f] < 0 || skip?.[i] === 1) continue
    const p = planes[faceLabel[f]]
    const d = pts.z[i] - (p.a * pts.x[i] + p.b * pts.y[i] + p.c)
    s += d * d
    n++
  }
  return n > 0 ? Math.sqrt(s / n) : NaN
}

/**
 * Slope/azimuth/height attributes on every roof face of `s` (azimuth null up to `flatDeg`),
 * and the flat and sloped roof areas (3D, m²). Replaces the faces in `s.mesh.faces`.
 */
export function roofSurfaceAttributes(s: Extract<SolidResult, { ok: true }>, flatDeg: number) {
  let flat = 0, sloped = 0
  const faces = s.mesh.faces
  for (const r of s.roofs) {
    if (r.slopeDeg <= flatDeg) flat += r.area3d
    else sloped += r.area3d
    let lo = Infinity, hi = -Infinity
    for (const v of faces[r.face].rings[0]) {
      lo = Math.min(lo, s.mesh.vertices[3 * v + 2])
      hi = Math.max(hi, s.mesh.vertices[3 * v + 2])
    }
    faces[r.face] = { ...faces[r.face], attributes: {
      b3_hellingshoek: r.slopeDeg, b3_azimut: r.slopeDeg > flatDeg ? r.azimuthDeg : null,
      b3_h_dak_min: lo, b3_h_dak_max: hi } }
  }
  return { flat, sloped }
}

/**
 * LoD1.1 prism (3DBAG's fallback): `polygon` from `groundZ` to the `q` quantile of the per-cell
 * max z of the points on a 0.5 m grid, at least `minHeight` above the ground.
 */
export function lod11Prism(polygon: Polygon, groundZ: number, pts: { readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>; readonly z: ArrayLike<number> }, q: number, minHeight: number) {
  const cells = new Map<number, number>()
  for (let i = 0; i < pts.x.length; i++) {
    const key = Math.floor(pts.x[i] / 0.5) * 1e6 + Math.floor(pts.y[i] / 0.5)
    const z = cells.get(key)
    if (z === undefined || pts.z[i] > z) cells.set(key, pts.z[i])
  }
  let top = percentile(Float64Array.from(cells.values()), null, q)
  if (!(top >= groundZ + minHeight)) top = groundZ + minHeight
  return { mesh: extrudePolygon(polygon, groundZ, top), top }
}
