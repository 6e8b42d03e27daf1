/**
 * Geometric validation of solids with val3dity's error codes (ISO 19107 rules as val3dity
 * implements them), layered like val3dity: ring and polygon checks (1xx, 2xx) for every face,
 * then shell checks (3xx) only for shells whose faces are all valid, then solid checks (4xx)
 * only when every shell is valid. Vertices closer than the snap tolerance are merged first.
 *
 * Pure: typed arrays in, a sorted list of codes out ([] = valid). No I/O, no module state.
 */
import {
  dominantAxis, findRoot, fitPlane, isSimpleRing, maxPlaneDistance, polygonCode, projectRing
} from "./val3dity-polygon.ts"
import { shellSelfIntersects, type TriShell } from "./val3dity-intersect.ts"
import { triangulateFace } from "./val3dity-triangulate.ts"
import { solidCodes, type SolidShell } from "./val3dity-solid.ts"

/** One shell: xyz vertex triples and faces whose ring 0 is outer, the others inner. */
export interface ShellInput {
  vertices: Float64Array
  faces: Array<{ rings: Uint32Array[] }>
}

export interface ValidationOptions {
  /** Largest distance (m) of a face vertex to the face's best-fit plane (203). Default 0.01. */
  planarityDistance?: number
  /** Largest angle (degrees) between triangle normals within one face (204). Default 20. */
  planarityAngleDeg?: number
  /** Vertices within this distance (m) are merged before validation. Default 0.001. */
  snapTolerance?: number
}

interface Tolerances { dist: number; angle: number; snap: number }

const tolerances = (o?: ValidationOptions): Tolerances => ({
  dist: o?.planarityDistance ?? 0.01,
  angle: o?.planarityAngleDeg ?? 20,
  snap: o?.snapTolerance ?? 0.001
})

/** A shell after snapping: merged vertices and faces re-indexed into them. */
interface Snapped { xyz: Float64Array; faces: Uint32Array[][] }

/**
 * Merges vertices within `tol` of an earlier kept vertex, in order of first use by the faces
 * (val3dity snaps the same way). Grid hash with cell = tol: O(n) expected.
 */
export function snapShell(shell: ShellInput, tol: number): Snapped {
  const v = shell.vertices
  const map = new Int32Array(v.length / 3).fill(-1)
  const kept: number[] = []
  const grid = new Map<string, number[]>()
  const cell = tol > 0 ? tol : 1
  const at = (i: number, d: number): number => Math.floor(v[3 * i + d] / cell)
  const snapOne = (i: number): number => {
    const gx = at(i, 0), gy = at(i, 1), gz = at(i, 2)
    let best = -1
    for (let c = 0; c < 27; c++) {
      const [ox, oy, oz] = [(c % 3) - 1, (Math.floor(c / 3) % 3) - 1, Math.floor(c / 9) - 1]
      const cellKey = `${gx + ox},${gy + oy},${gz + oz}`
      for (const k of grid.get(cellKey) ?? []) {
        const o = kept[k]
        const d2 = (v[3 * o] - v[3 * i]) ** 2 + (v[3 * o + 1] - v[3 * i + 1]) ** 2 +
          (v[3 * o + 2] - v[3 * i + 2]) ** 2
        if (d2 <= tol * tol && (best < 0 || k < best)) best = k
      }
    }
    if (best >= 0) return best
    kept.push(i)
    const key = `${gx},${gy},${gz}`
    grid.set(key, [...(grid.get(key) ?? []), kept.length - 1])
    return kept.length - 1
  }
  const faces = shell.faces.map((f) => f.rings.map((r) => r.map((i) => {
    if (map[i] < 0) map[i] = snapOne(i)
    return map[i]
  })))
  const xyz = new Float64Array(kept.length * 3)
  kept.forEach((o, k) => xyz.set(v.subarray(3 * o, 3 * o + 3), 3 * k))
  return { xyz, faces }
}

/** Are three vertices collinear in 3D (exact: all three axis projections degenerate)? */
function collinear3(x: Float64Array, r: Uint32Array): boolean {
  const [a, b, c] = [3 * r[0], 3 * r[1], 3 * r[2]]
  const ux = x[b] - x[a], uy = x[b + 1] - x[a + 1], uz = x[b + 2] - x[a + 2]
  const vx = x[c] - x[a], vy = x[c + 1] - x[a + 1], vz = x[c + 2] - x[a + 2]
  return uy * vz - uz * vy === 0 && uz * vx - ux * vz === 0 && ux * vy - uy * vx === 0
}

/** 1xx/2xx code of one face (0 = valid), in val3dity's order: 101, 102, 203, 104, 2xx. */
function faceCode(x: Float64Array, rings: Uint32Array[], tol: Tolerances): number {
  if (rings.some((r) => r.length < 3)) return 101
  for (const r of rings) {
    for (let k = 0; k < r.length; k++) if (r[k] === r[(k + 1) % r.length]) return 102
  }
  if (rings.length === 1 && rings[0].length === 3) return collinear3(x, rings[0]) ? 104 : 0
  const plane = fitPlane(x, rings)
  if (maxPlaneDistance(x, rings, plane) > tol.dist) return 203
  const axis = dominantAxis(plane.n)
  const rings2d = rings.map((r) => projectRing(x, r, axis))
  if (!rings2d.every(isSimpleRing)) return 104
  return polygonCode(rings2d)
}

const cross = (u: number[], v: number[]): [number, number, number] =>
  [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]

/** Unit normal of triangle (a, b, c), or undefined when degenerate. */
function unitNormal(x: Float64Array, a: number, b: number, c: number): number[] | undefined {
  const u = [0, 1, 2].map((d) => x[3 * b + d] - x[3 * a + d])
  const v = [0, 1, 2].map((d) => x[3 * c + d] - x[3 * a + d])
  const n = cross(u, v)
  const l = Math.hypot(n[0], n[1], n[2])
  return l > 0 ? n.map((c) => c / l) : undefined
}

/**
 * 204: largest angle between a triangle's normal and the normal of the face's largest
 * triangle. val3dity compares against its first triangle; the largest one makes the result
 * independent of where the triangulation starts.
 */
function normalsDeviate(x: Float64Array, tri: Uint32Array, maxDeg: number): boolean {
  let ref: number[] | undefined, refArea = -1
  for (let t = 0; t < tri.length; t += 3) {
    const a = 3 * tri[t], b = 3 * tri[t + 1], c = 3 * tri[t + 2]
    const u = [x[b] - x[a], x[b + 1] - x[a + 1], x[b + 2] - x[a + 2]]
    const v = [x[c] - x[a], x[c + 1] - x[a + 1], x[c + 2] - x[a + 2]]
    const area = Math.hypot(...cross(u, v))
    if (area > refArea) { refArea = area; ref = unitNormal(x, tri[t], tri[t + 1], tri[t + 2]) }
  }
  if (ref === undefined) return false
  for (let t = 0; t < tri.length; t += 3) {
    const n = unitNormal(x, tri[t], tri[t + 1], tri[t + 2])
    if (n === undefined) continue
    const dot = ref[0] * n[0] + ref[1] * n[1] + ref[2] * n[2]
    if ((Math.atan2(Math.hypot(...cross(ref, n)), dot) * 180) / Math.PI > maxDeg) return true
  }
  return false
}

/** Triangles of a face (a lone triangle is kept as given). */
function faceTriangles(x: Float64Array, rings: Uint32Array[]): Uint32Array {
  if (rings.length === 1 && rings[0].length === 3) return rings[0]
  const axis = dominantAxis(fitPlane(x, rings).n)
  return triangulateFace(rings.map((r) => projectRing(x, r, axis)), rings)
}

/** Polygon stage of a shell: codes, and the triangulation when every face is valid. */
function polygonStage(s: Snapped, tol: Tolerances): { codes: Set<number>; tri?: TriShell } {
  const codes = new Set<number>()
  for (const rings of s.faces) {
    const c = faceCode(s.xyz, rings, tol)
    if (c !== 0) codes.add(c)
  }
  if (codes.size > 0) return { codes }
  const parts = s.faces.map((rings) => faceTriangles(s.xyz, rings))
  if (parts.some((t) => normalsDeviate(s.xyz, t, tol.angle))) codes.add(204)
  const tri = new Uint32Array(parts.reduce((n, p) => n + p.length, 0))
  const face = new Uint32Array(tri.length / 3)
  let o = 0
  parts.forEach((p, f) => { tri.set(p, o); face.fill(f, o / 3, (o + p.length) / 3); o += p.length })
  return { codes, tri: { xyz: s.xyz, tri, face } }
}

/** Undirected edge table: key lo*n+hi -> uses, each +1 (lo→hi) or -1 (hi→lo), with faces. */
function edgeTable(s: Snapped): Map<number, Array<[number, number]>> {
  const n = s.xyz.length / 3
  const edges = new Map<number, Array<[number, number]>>()
  s.faces.forEach((rings, f) => {
    for (const r of rings) {
      for (let k = 0; k < r.length; k++) {
        const a = r[k], b = r[(k + 1) % r.length]
        const key = Math.min(a, b) * n + Math.max(a, b)
        const list = edges.get(key) ?? []
        list.push([a < b ? 1 : -1, f])
        edges.set(key, list)
      }
    }
  })
  return edges
}

/**
 * Fans around every vertex: corners (face occurrences at a vertex) joined through shared
 * edges. Returns the number of vertices with several fans where at least one fan is closed
 * (`closedPinch`) and where all are open (`openPinch`).
 */
function vertexFans(s: Snapped): { closedPinch: number; openPinch: number } {
  const corners = new Map<number, Array<[number, number]>>()
  for (const rings of s.faces) {
    for (const r of rings) {
      for (let k = 0; k < r.length; k++) {
        const v = r[k], list = corners.get(v) ?? []
        list.push([r[(k + r.length - 1) % r.length], r[(k + 1) % r.length]])
        corners.set(v, list)
      }
    }
  }
  let closedPinch = 0, openPinch = 0
  for (const list of corners.values()) {
    const parent = list.map((_, i) => i)
    const byNeighbour = new Map<number, number[]>()
    list.forEach(([p, q], i) => {
      for (const w of [p, q]) byNeighbour.set(w, [...(byNeighbour.get(w) ?? []), i])
    })
    for (const users of byNeighbour.values()) {
      for (const u of users.slice(1)) parent[findRoot(parent, u)] = findRoot(parent, users[0])
    }
    const open = new Map<number, boolean>()
    for (const users of byNeighbour.values()) {
      const root = findRoot(parent, users[0])
      open.set(root, (open.get(root) ?? false) || users.length < 2)
    }
    if (open.size < 2) continue
    if ([...open.values()].some((o) => !o)) closedPinch++
    else openPinch++
  }
  return { closedPinch, openPinch }
}

/** Number of groups of faces connected through shared edges. */
function componentCount(nFaces: number, edges: Map<number, Array<[number, number]>>): number {
  const parent = Array.from({ length: nFaces }, (_, i) => i)
  for (const uses of edges.values()) {
    for (const [, f] of uses.slice(1)) parent[findRoot(parent, f)] = findRoot(parent, uses[0][1])
  }
  return new Set(parent.map((_, i) => findRoot(parent, i))).size
}

/**
 * 303 / 307 from the edge table and vertex fans (`anyPinch`: open pinches count too).
 * LIMITATION: val3dity inserts triangles one at a time into a CGAL polyhedron, so a wrongly
 * oriented FIRST face makes its correct neighbours fail too and adds 303 (307.poly gives
 * [303, 307] there); this order-free edge count reports [307] for it.
 */
function manifoldCodes(s: Snapped, edges: Map<number, Array<[number, number]>>,
  anyPinch: boolean): number[] {
  const codes = new Set<number>()
  for (const uses of edges.values()) {
    if (uses.length > 2) codes.add(303)
    else if (uses.length === 2 && uses[0][0] === uses[1][0]) codes.add(307)
  }
  if (codes.has(303)) return [303]
  const fans = vertexFans(s)
  if (fans.closedPinch > 0 || (anyPinch && fans.openPinch > 0)) codes.add(303)
  return [...codes]
}

/** Shell stage (val3dity order): 301, 303/307, 305, 302, 306. */
function shellCodes(s: Snapped, tri: TriShell, asSolid: boolean): number[] {
  if (asSolid && s.faces.length < 4) return [301]
  const edges = edgeTable(s)
  const manifold = manifoldCodes(s, edges, !asSolid)
  if (manifold.length > 0) return manifold
  if (componentCount(s.faces.length, edges) > 1) return [305]
  if (asSolid && [...edges.values()].some((u) => u.length === 1)) return [302]
  return shellSelfIntersects(tri) ? [306] : []
}

/** Unique undirected polygon edges of a shell as id pairs. */
function polygonEdges(s: Snapped): Uint32Array {
  const n = s.xyz.length / 3
  return Uint32Array.from([...edgeTable(s).keys()].flatMap((k) => [Math.floor(k / n), k % n]))
}

const sorted = (codes: Iterable<number>): number[] => [...new Set(codes)].sort((a, b) => a - b)

/**
 * Validates a solid: outer shell plus optional inner shells (cavities). Returns the sorted
 * unique val3dity codes; [] when valid.
 */
export function validateSolid(outer: ShellInput, inner: ShellInput[] = [],
  options?: ValidationOptions): number[] {
  const tol = tolerances(options)
  const codes: number[] = []
  const shells: SolidShell[] = []
  for (const input of [outer, ...inner]) {
    const s = snapShell(input, tol.snap)
    const poly = polygonStage(s, tol)
    codes.push(...poly.codes)
    if (poly.codes.size > 0 || poly.tri === undefined) continue
    const sc = shellCodes(s, poly.tri, true)
    codes.push(...sc)
    if (sc.length === 0) shells.push({ tri: poly.tri, edges: polygonEdges(s) })
  }
  if (codes.length > 0) return sorted(codes)
  return solidCodes(shells)
}

/**
 * Validates a CompositeSurface: polygon checks, then 303/307 (including vertices pinched
 * between open fans), 305 and 306; holes in the surface (302) are allowed.
 */
export function validateCompositeSurface(surface: ShellInput,
  options?: ValidationOptions): number[] {
  const tol = tolerances(options)
  const s = snapShell(surface, tol.snap)
  const poly = polygonStage(s, tol)
  if (poly.codes.size > 0 || poly.tri === undefined) return sorted(poly.codes)
  return sorted(shellCodes(s, poly.tri, false))
}
