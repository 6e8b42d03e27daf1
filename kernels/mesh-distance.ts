/**
 * Distances from points to the surfaces of a solid: per point the nearest face, the 3D
 * distance to it, and the vertical offset from the roof face straight above or below it.
 * 3DBAG's b3_rmse_* are RMSEs of such point-to-mesh distances; the nearest face also tells a
 * facade hit (nearest a wall) from a roof point.
 */
import type { SolidMesh } from "./extrude.ts"

export interface MeshDistances {
  /** 3D distance to the nearest face, metres. */
  readonly distance: Float64Array
  /** Index of that face in `mesh.faces` (−1 when the mesh has no face). */
  readonly face: Int32Array
}

/** A face prepared for queries: plane, 2D projection, bounding box; local coordinates. */
interface Prepared {
  nx: number; ny: number; nz: number; d: number
  /** Projection axes: the two coordinates kept (0 x, 1 y, 2 z). */
  u: number; v: number
  rings: Float64Array[]
  /** Edges as x0 y0 z0 x1 y1 z1. */
  edges: Float64Array
  box: Float64Array
  roof: boolean
}

function prepare(mesh: SolidMesh, ox: number, oy: number, oz: number): Prepared[] {
  const V = mesh.vertices
  return mesh.faces.map((f) => {
    let nx = 0, ny = 0, nz = 0
    const box = Float64Array.of(Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity)
    const outer = f.rings[0]
    for (let i = 0; i < outer.length; i++) {
      const a = outer[i], b = outer[(i + 1) % outer.length]
      const ax = V[3 * a] - ox, ay = V[3 * a + 1] - oy, az = V[3 * a + 2] - oz
      const bx = V[3 * b] - ox, by = V[3 * b + 1] - oy, bz = V[3 * b + 2] - oz
      nx += (ay - by) * (az + bz)
      ny += (az - bz) * (ax + bx)
      nz += (ax - bx) * (ay + by)
    }
    const len = Math.hypot(nx, ny, nz) || 1
    nx /= len; ny /= len; nz /= len
    const drop = Math.abs(nx) >= Math.abs(ny) && Math.abs(nx) >= Math.abs(nz) ? 0
      : Math.abs(ny) >= Math.abs(nz) ? 1 : 2
    const u = drop === 0 ? 1 : 0, v = drop === 2 ? 1 : 2
    let cx = 0, cy = 0, cz = 0
    let nEdges = 0
    for (const r of f.rings) nEdges += r.length
    const edges = new Float64Array(6 * nEdges)
    let e = 0
    const rings: Float64Array[] = []
    for (const r of f.rings) {
      const c = new Float64Array(2 * r.length)
      for (let k = 0; k < r.length; k++) {
        const id = r[k], nx2 = r[(k + 1) % r.length]
        const px = V[3 * id] - ox, py = V[3 * id + 1] - oy, pz = V[3 * id + 2] - oz
        c[2 * k] = u === 0 ? px : py
        c[2 * k + 1] = v === 1 ? py : pz
        if (px < box[0]) box[0] = px
        if (py < box[1]) box[1] = py
        if (pz < box[2]) box[2] = pz
        if (px > box[3]) box[3] = px
        if (py > box[4]) box[4] = py
        if (pz > box[5]) box[5] = pz
        edges[e++] = px; edges[e++] = py; edges[e++] = pz
        edges[e++] = V[3 * nx2] - ox; edges[e++] = V[3 * nx2 + 1] - oy; edges[e++] = V[3 * nx2 + 2] - oz
      }
      rings.push(c)
    }
    for (const id of outer) { cx += V[3 * id] - ox; cy += V[3 * id + 1] - oy; cz += V[3 * id + 2] - oz }
    const n = outer.length || 1
    const d = -(nx * cx / n + ny * cy / n + nz * cz / n)
    return { nx, ny, nz, d, u, v, rings, edges, box,
      roof: f.semantic === "RoofSurface" }
  })
}

/** Even-odd test of (a, b) against projected rings. */
function inside(rings: Float64Array[], a: number, b: number): boolean {
  let odd = false
  for (const r of rings) {
    const n = r.length >> 1
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ai = r[2 * i], bi = r[2 * i + 1], aj = r[2 * j], bj = r[2 * j + 1]
      if ((bi > b) !== (bj > b) && a < ((aj - ai) * (b - bi)) / (bj - bi) + ai) odd = !odd
    }
  }
  return odd
}

function segmentDistance2(e: Float64Array, k: number, x: number, y: number, z: number): number {
  const ax = e[k], ay = e[k + 1], az = e[k + 2]
  const dx = e[k + 3] - ax, dy = e[k + 4] - ay, dz = e[k + 5] - az
  const l2 = dx * dx + dy * dy + dz * dz
  const t = l2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy + (z - az) * dz) / l2)) : 0
  const px = ax + t * dx - x, py = ay + t * dy - y, pz = az + t * dz - z
  return px * px + py * py + pz * pz
}

function boxDistance2(b: Float64Array, x: number, y: number, z: number): number {
  const dx = Math.max(b[0] - x, 0, x - b[3])
  const dy = Math.max(b[1] - y, 0, y - b[4])
  const dz = Math.max(b[2] - z, 0, z - b[5])
  return dx * dx + dy * dy + dz * dz
}

/**
 * Nearest face and 3D distance for every point (x, y, z: world coordinates, as the mesh).
 * Faces are planar polygons with holes; the distance is to each face's mean plane (roof faces
 * whose corners were merged within a few mm are that far off it). O(points · faces), with a
 * bounding-box reject. A point equally near several faces is given a roof face if one of them
 * is. A non-finite point gets distance NaN and face −1.
 */
export function meshDistances(mesh: SolidMesh, x: ArrayLike<number>, y: ArrayLike<number>,
  z: ArrayLike<number>): MeshDistances {
  const n = x.length
  const distance = new Float64Array(n).fill(NaN)
  const face = new Int32Array(n).fill(-1)
  if (mesh.faces.length === 0 || mesh.vertices.length === 0) return { distance, face }
  const ox = mesh.vertices[0], oy = mesh.vertices[1], oz = mesh.vertices[2]
  const faces = prepare(mesh, ox, oy, oz)
  const q = new Float64Array(3)
  /** Squared distance from p to face f, or Infinity when it cannot beat `bound`. */
  const to = (f: number, px: number, py: number, pz: number, bound: number): number => {
    const F = faces[f]
    if (boxDistance2(F.box, px, py, pz) >= bound) return Infinity
    const s = F.nx * px + F.ny * py + F.nz * pz + F.d
    if (s * s >= bound) return Infinity
    q[0] = px - s * F.nx; q[1] = py - s * F.ny; q[2] = pz - s * F.nz
    if (inside(F.rings, q[F.u], q[F.v])) return s * s
    let d2 = Infinity
    for (let k = 0; k < F.edges.length; k += 6) {
      d2 = Math.min(d2, segmentDistance2(F.edges, k, px, py, pz))
    }
    return d2
  }
  let last = 0
  for (let i = 0; i < n; i++) {
    const px = x[i] - ox, py = y[i] - oy, pz = z[i] - oz
    // Points come in scan order: the previous point's face usually gives a tight first bound.
    // Ties (within 1 nm: a point nearest an eave edge) go to a roof face, then the lower index.
    let best = to(last, px, py, pz, Infinity), bestFace = last
    for (let f = 0; f < faces.length; f++) {
      if (f === last) continue
      const slack = 2e-9 * Math.sqrt(best) + 1e-18
      const d2 = to(f, px, py, pz, best + slack)
      if (d2 > best + slack) continue
      const tie = d2 >= best - slack
      const preferred = (faces[f].roof && !faces[bestFace].roof) ||
        (faces[f].roof === faces[bestFace].roof && f < bestFace)
      if (!tie || preferred) {
        best = Math.min(best, d2)
        bestFace = f
      }
    }
    if (!(best < Infinity)) continue // a non-finite point: NaN, face −1
    distance[i] = Math.sqrt(best)
    face[i] = bestFace
    last = bestFace
  }
  return { distance, face }
}

/**
 * RMSE of the 3D distances of the points `indices` of (x, y, z) to `mesh`, metres (3DBAG's
 * b3_rmse_*); NaN without points.
 */
export function meshRmse(mesh: SolidMesh, points: { readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>; readonly z: ArrayLike<number> },
  indices: ArrayLike<number>): number {
  const pick = (a: ArrayLike<number>) => Float64Array.from({ length: indices.length },
    (_, k) => a[indices[k]])
  const d = meshDistances(mesh, pick(points.x), pick(points.y), pick(points.z)).distance
  let s = 0, n = 0
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== d[i]) continue
    s += d[i] * d[i]
    n++
  }
  return n > 0 ? Math.sqrt(s / n) : NaN
}
