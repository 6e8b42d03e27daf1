/**
 * Prism extrusion of a footprint into one closed, outward-oriented shell, its volume, a
 * closedness check, and the footprint checks the extrusion relies on.
 */
import { orient2d } from "robust-predicates"
import type { Polygon, Ring } from "./geometry-types.ts"

export type SurfaceSemantic = "GroundSurface" | "RoofSurface" | "WallSurface"

export interface SolidFace {
  /** Ring 0 outer, others holes; vertex ids, no closing repeat; CCW seen from outside. */
  readonly rings: Uint32Array[]
  readonly semantic: SurfaceSemantic
  /** Walls only: whether the wall stands on an edge of the footprint polygon. */
  readonly onFootprintEdge?: boolean
  /**
   * Per-surface attributes (roofs: `b3_hellingshoek`, `b3_azimut`, `b3_h_dak_*`), written on the
   * face's semantic surface; absent for plain surfaces.
   */
  readonly attributes?: Readonly<Record<string, number | string | null>>
}

export interface SolidMesh {
  /** x, y, z triples, metres. */
  readonly vertices: Float64Array
  readonly faces: SolidFace[]
}

/** Shoelace area of a ring, positive for CCW; relative to the first vertex for precision. */
export function ringSignedArea(ring: Ring): number {
  const n = ring.length >> 1
  if (n < 3) return 0
  const ox = ring[0]
  const oy = ring[1]
  let s = 0
  for (let i = 0, j = n - 1; i < n; j = i++) {
    s += (ring[2 * j] - ox) * (ring[2 * i + 1] - oy) - (ring[2 * i] - ox) * (ring[2 * j + 1] - oy)
  }
  return s / 2
}

/** Area of a polygon (outer minus holes), m², whatever the ring orientations. */
export function polygonArea(polygon: Polygon): number {
  let a = 0
  polygon.forEach((r, k) => {
    a += k === 0 ? Math.abs(ringSignedArea(r)) : -Math.abs(ringSignedArea(r))
  })
  return a
}

/**
 * Extrudes `polygon` (outer CCW, holes CW, valid) from `zBottom` to `zTop` (zTop > zBottom).
 * Vertex layout: all ring vertices at zBottom (ring by ring), then the same at zTop. Faces:
 * the floor (rings reversed, so its normal points down; holes stay inner rings), one quad
 * wall per ring edge (outward for the outer ring, into the courtyard for holes: both point
 * away from the solid), then the roof (rings as given, normal up). Every wall is on the
 * footprint edge: courtyard walls stand on the hole rings, which are footprint edges too.
 */
export function extrudePolygon(polygon: Polygon, zBottom: number, zTop: number): SolidMesh {
  let total = 0
  for (const r of polygon) total += r.length >> 1
  const vertices = new Float64Array(total * 6)
  const floor: Uint32Array[] = []
  const roof: Uint32Array[] = []
  const walls: SolidFace[] = []
  let off = 0
  for (const ring of polygon) {
    const n = ring.length >> 1
    const down = new Uint32Array(n)
    const up = new Uint32Array(n)
    for (let k = 0; k < n; k++) {
      const b = off + k
      const t = 3 * (total + b)
      vertices[3 * b] = vertices[t] = ring[2 * k]
      vertices[3 * b + 1] = vertices[t + 1] = ring[2 * k + 1]
      vertices[3 * b + 2] = zBottom
      vertices[t + 2] = zTop
      down[k] = off + ((n - k) % n)
      up[k] = total + b
      const b1 = off + ((k + 1) % n)
      const quad = Uint32Array.of(b, b1, total + b1, total + b)
      walls.push({ rings: [quad], semantic: "WallSurface", onFootprintEdge: true })
    }
    floor.push(down)
    roof.push(up)
    off += n
  }
  const faces: SolidFace[] = [{ rings: floor, semantic: "GroundSurface" }, ...walls]
  faces.push({ rings: roof, semantic: "RoofSurface" })
  return { vertices, faces }
}

/**
 * Enclosed volume by the divergence theorem: per ring, a fan from its first vertex gives
 * v0 · A / 3 (A = ring area vector), exact for planar faces, holes included since their rings
 * run the other way. Positive for an outward-oriented closed shell. Coordinates are taken
 * relative to vertex 0 to keep RD-sized numbers from cancelling. O(face vertices).
 */
export function solidVolume(mesh: SolidMesh): number {
  const v = mesh.vertices
  if (v.length < 3) return 0
  const ox = v[0]
  const oy = v[1]
  const oz = v[2]
  let six = 0
  for (const face of mesh.faces) {
    for (const ring of face.rings) {
      const a = 3 * ring[0]
      const ax = v[a] - ox
      const ay = v[a + 1] - oy
      const az = v[a + 2] - oz
      for (let i = 1; i + 1 < ring.length; i++) {
        const b = 3 * ring[i]
        const c = 3 * ring[i + 1]
        const bx = v[b] - ox
        const by = v[b + 1] - oy
        const bz = v[b + 2] - oz
        const cx = v[c] - ox
        const cy = v[c + 1] - oy
        const cz = v[c + 2] - oz
        six += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)
      }
    }
  }
  return six / 6
}

export interface ClosedCheck {
  /** Every directed edge used exactly once and its reverse exactly once. */
  readonly closed: boolean
  /** Directed edges whose reverse is missing. */
  readonly unmatchedEdges: number
  /** Directed edges used more than once (wrong orientation or non-manifold). */
  readonly repeatedEdges: number
}

/** Edge-use check of a shell (hole rings included). O(edges) with a Map. */
export function checkClosed(mesh: SolidMesh): ClosedCheck {
  const m = mesh.vertices.length / 3
  const uses = new Map<number, number>()
  for (const face of mesh.faces) {
    for (const ring of face.rings) {
      for (let i = 0; i < ring.length; i++) {
        const key = ring[i] * m + ring[(i + 1) % ring.length]
        uses.set(key, (uses.get(key) ?? 0) + 1)
      }
    }
  }
  let unmatched = 0
  let repeated = 0
  for (const [key, n] of uses) {
    if (n > 1) repeated++
    const a = Math.floor(key / m)
    const b = key - a * m
    if (!uses.has(b * m + a)) unmatched++
  }
  const closed = unmatched === 0 && repeated === 0
  return { closed, unmatchedEdges: unmatched, repeatedEdges: repeated }
}

/**
 * Drops repeated consecutive vertices (and a closing repeat of the first vertex) and orients
 * rings as the types require: outer CCW, holes CW. Copies; the input is not changed.
 */
export function normalizeFootprint(polygon: Polygon): Polygon {
  return polygon.map((ring, k) => {
    const n = ring.length >> 1
    const keep: number[] = []
    for (let i = 0; i < n; i++) {
      const x = ring[2 * i]
      const y = ring[2 * i + 1]
      const m = keep.length
      if (m > 0 && keep[m - 2] === x && keep[m - 1] === y) continue
      keep.push(x, y)
    }
    const closes = () => keep[0] === keep[keep.length - 2] && keep[1] === keep[keep.length - 1]
    while (keep.length >= 4 && closes()) keep.length -= 2
    const out = Float64Array.from(keep)
    const ccw = ringSignedArea(out) > 0
    return ccw === (k === 0) ? out : reverseRing(out)
  })
}

function reverseRing(r: Float64Array): Float64Array {
  const n = r.length >> 1
  const out = new Float64Array(r.length)
  for (let i = 0; i < n; i++) {
    out[2 * i] = r[2 * (n - 1 - i)]
    out[2 * i + 1] = r[2 * (n - 1 - i) + 1]
  }
  return out
}

type Segment = [number, number, number, number]

/** Edge `i` of ring `r` (which has `n` vertices), from vertex i to vertex i + 1 mod n. */
interface Edge {
  readonly r: number
  readonly i: number
  readonly n: number
}

function ends(p: Polygon, e: Edge): Segment {
  const ring = p[e.r]
  const j = (e.i + 1) % e.n
  return [ring[2 * e.i], ring[2 * e.i + 1], ring[2 * j], ring[2 * j + 1]]
}

/** Whether p, known collinear with ab, lies within the closed segment ab. */
function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number) {
  const inX = Math.min(ax, bx) <= px && px <= Math.max(ax, bx)
  return inX && Math.min(ay, by) <= py && py <= Math.max(ay, by)
}

/** Whether the bounding boxes of two segments are disjoint. */
function boxesApart(s: Segment, t: Segment): boolean {
  return (
    Math.max(s[0], s[2]) < Math.min(t[0], t[2]) || Math.max(t[0], t[2]) < Math.min(s[0], s[2]) ||
    Math.max(s[1], s[3]) < Math.min(t[1], t[3]) || Math.max(t[1], t[3]) < Math.min(s[1], s[3])
  )
}

/** Whether closed segments ab and cd share any point (robust orientation tests). */
function segmentsTouch(s: Segment, t: Segment) {
  const [ax, ay, bx, by] = s
  const [cx, cy, dx, dy] = t
  const o1 = Math.sign(orient2d(ax, ay, bx, by, cx, cy))
  const o2 = Math.sign(orient2d(ax, ay, bx, by, dx, dy))
  const o3 = Math.sign(orient2d(cx, cy, dx, dy, ax, ay))
  const o4 = Math.sign(orient2d(cx, cy, dx, dy, bx, by))
  if (o1 * o2 < 0 && o3 * o4 < 0) return true
  return (
    (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) ||
    (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) ||
    (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) ||
    (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by))
  )
}

/** Adjacent edges of one ring meet only at their shared vertex unless they fold back. */
function foldsBack(s: Segment, t: Segment) {
  const [ax, ay, bx, by] = s
  const [, , cx, cy] = t
  return orient2d(ax, ay, bx, by, cx, cy) === 0 && (bx - ax) * (cx - bx) + (by - ay) * (cy - by) < 0
}

/**
 * Why `polygon` (after `normalizeFootprint`) cannot be extruded, or null when it can: too few
 * vertices, non-finite or zero-area rings, edges that cross or touch (within a ring or between
 * rings), holes outside the outer ring or inside another hole.
 * LIMITATION: the edge test is all pairs, O(E²) in the total edge count E, with a bbox reject;
 * fine for building footprints (E < 2,000), slow for polygons with tens of thousands of edges.
 */
export function footprintProblem(polygon: Polygon): string | null {
  if (polygon.length === 0) return "no rings"
  const edges: Edge[] = []
  for (let r = 0; r < polygon.length; r++) {
    const n = polygon[r].length >> 1
    if (n < 3) return `ring ${r} has ${n} distinct vertices (< 3)`
    if (!polygon[r].every(Number.isFinite)) return `ring ${r} has a non-finite coordinate`
    for (let i = 0; i < n; i++) edges.push({ r, i, n })
  }
  const seg = edges.map((e) => ends(polygon, e))
  for (let a = 0; a < edges.length; a++) {
    const s = seg[a]
    for (let b = a + 1; b < edges.length; b++) {
      const t = seg[b]
      if (boxesApart(s, t)) continue
      const ea = edges[a]
      const eb = edges[b]
      const sameRing = ea.r === eb.r
      if (sameRing && eb.i === ea.i + 1 && !foldsBack(s, t)) continue
      if (sameRing && ea.i === 0 && eb.i === ea.n - 1 && !foldsBack(t, s)) continue
      if (segmentsTouch(s, t)) {
        return sameRing
          ? `ring ${ea.r} self-intersects (edges ${ea.i} and ${eb.i})`
          : `rings ${ea.r} and ${eb.r} intersect (edges ${ea.i} and ${eb.i})`
      }
    }
  }
  const flat = polygon.findIndex((r) => ringSignedArea(r) === 0)
  return flat >= 0 ? `ring ${flat} has zero area` : holesProblem(polygon)
}

/** With no edge contacts, one vertex per hole decides containment. */
function holesProblem(polygon: Polygon): string | null {
  for (let h = 1; h < polygon.length; h++) {
    const x = polygon[h][0]
    const y = polygon[h][1]
    if (!insideRing(polygon[0], x, y)) return `hole ${h} lies outside the outer ring`
    for (let g = 1; g < polygon.length; g++) {
      if (g !== h && insideRing(polygon[g], x, y)) return `hole ${h} lies inside hole ${g}`
    }
  }
  return null
}

function insideRing(ring: Ring, x: number, y: number): boolean {
  let inside = false
  const n = ring.length >> 1
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const yi = ring[2 * i + 1]
    const yj = ring[2 * j + 1]
    if (yi > y === yj > y) continue
    if (x < ring[2 * i] + ((y - yi) * (ring[2 * j] - ring[2 * i])) / (yj - yi)) inside = !inside
  }
  return inside
}
