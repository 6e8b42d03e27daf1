/**
 * Measures on rings and polygons: signed area, bbox, point-in-polygon, centroid, and the
 * intersection area of two MultiPolygons (through polygon-clipping). Units are those of the
 * coordinates (metres, m² in EPSG:28992). Pure; never throws.
 */
import polygonClipping from "polygon-clipping"
import { orient2d } from "robust-predicates"
import type { BBox, MultiPolygon, Polygon, Ring } from "./geometry-types.ts"

/** polygon-clipping's nested-array form: closed rings of [x, y] pairs. */
export type ClipMultiPolygon = [number, number][][][]

/**
 * Shoelace area, positive for counter-clockwise. Coordinates are taken relative to the first
 * vertex so that RD values (~1e5 m) do not cost digits. O(n).
 */
export const ringSignedArea = (ring: Ring): number => {
  const n = ring.length / 2
  if (n < 3) return 0
  const ox = ring[0]
  const oy = ring[1]
  let twice = 0
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1
    const xi = ring[2 * i] - ox
    const yi = ring[2 * i + 1] - oy
    twice += xi * (ring[2 * j + 1] - oy) - (ring[2 * j] - ox) * yi
  }
  return twice / 2
}

/** Outer area minus hole areas, whatever the orientation of each ring. */
export const polygonArea = (polygon: Polygon): number => {
  if (polygon.length === 0) return 0
  let area = Math.abs(ringSignedArea(polygon[0]))
  for (let r = 1; r < polygon.length; r++) area -= Math.abs(ringSignedArea(polygon[r]))
  return area
}

export const multiPolygonArea = (mp: MultiPolygon): number => {
  let area = 0
  for (const polygon of mp) area += polygonArea(polygon)
  return area
}

/** `[minx, miny, maxx, maxy]`; all ±Infinity-inverted when there are no vertices. */
export const ringsBBox = (rings: ReadonlyArray<Ring>): BBox => {
  let minx = Infinity
  let miny = Infinity
  let maxx = -Infinity
  let maxy = -Infinity
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i += 2) {
      if (ring[i] < minx) minx = ring[i]
      if (ring[i] > maxx) maxx = ring[i]
      if (ring[i + 1] < miny) miny = ring[i + 1]
      if (ring[i + 1] > maxy) maxy = ring[i + 1]
    }
  }
  return [minx, miny, maxx, maxy]
}

export const multiPolygonBBox = (mp: MultiPolygon): BBox => ringsBBox(mp.flat())

/** Crossing-number test; points exactly on an edge may fall either way. O(n). */
export const pointInRing = (x: number, y: number, ring: Ring): boolean => {
  const n = ring.length / 2
  let inside = false
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]
    const yi = ring[2 * i + 1]
    const xj = ring[2 * j]
    const yj = ring[2 * j + 1]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Inside the outer ring and outside every hole. */
export const pointInPolygon = (x: number, y: number, polygon: Polygon): boolean => {
  if (polygon.length === 0 || !pointInRing(x, y, polygon[0])) return false
  for (let r = 1; r < polygon.length; r++) if (pointInRing(x, y, polygon[r])) return false
  return true
}

export const pointInMultiPolygon = (x: number, y: number, mp: MultiPolygon): boolean =>
  mp.some((polygon) => pointInPolygon(x, y, polygon))

/**
 * Area-weighted centroid over all parts, holes subtracted. Null when the area is zero.
 * Accumulated relative to the first vertex for precision.
 */
export const centroid = (mp: MultiPolygon): readonly [number, number] | null => {
  if (mp.length === 0 || mp[0].length === 0 || mp[0][0].length < 2) return null
  const ox = mp[0][0][0]
  const oy = mp[0][0][1]
  let a = 0
  let cx = 0
  let cy = 0
  for (const polygon of mp) {
    polygon.forEach((ring, r) => {
      const sign = (r === 0) === ringSignedArea(ring) >= 0 ? 1 : -1
      const n = ring.length / 2
      for (let i = 0; i < n; i++) {
        const j = i + 1 === n ? 0 : i + 1
        const xi = ring[2 * i] - ox
        const yi = ring[2 * i + 1] - oy
        const xj = ring[2 * j] - ox
        const yj = ring[2 * j + 1] - oy
        const cross = (xi * yj - xj * yi) * sign
        a += cross
        cx += (xi + xj) * cross
        cy += (yi + yj) * cross
      }
    })
  }
  if (a === 0) return null
  return [ox + cx / (3 * a), oy + cy / (3 * a)]
}

/** To polygon-clipping's form (closed rings). */
export const toClip = (mp: MultiPolygon): ClipMultiPolygon =>
  mp.map((polygon) =>
    polygon.map((ring) => {
      const pairs: [number, number][] = []
      for (let i = 0; i < ring.length; i += 2) pairs.push([ring[i], ring[i + 1]])
      if (pairs.length > 0) pairs.push([ring[0], ring[1]])
      return pairs
    })
  )

/** From polygon-clipping's form; drops the closing vertex of each ring. */
export const fromClip = (mp: ClipMultiPolygon): MultiPolygon =>
  mp.map((polygon) =>
    polygon.map((pairs) => {
      const closed =
        pairs.length > 1 &&
        pairs[0][0] === pairs[pairs.length - 1][0] &&
        pairs[0][1] === pairs[pairs.length - 1][1]
      const n = closed ? pairs.length - 1 : pairs.length
      const ring = new Float64Array(2 * n)
      for (let i = 0; i < n; i++) {
        ring[2 * i] = pairs[i][0]
        ring[2 * i + 1] = pairs[i][1]
      }
      return ring
    })
  )

export type IntersectionAreaResult =
  | { readonly ok: true; readonly area: number }
  | { readonly ok: false; readonly reason: string }

/**
 * Area of `a ∩ b`. Both must be valid (see polygon-repair). polygon-clipping costs
 * O((n + k) log n) for n edges and k crossings; it can fail on near-degenerate input, which is
 * returned as a reason rather than thrown.
 */
export const intersectionArea = (a: MultiPolygon, b: MultiPolygon): IntersectionAreaResult => {
  try {
    const out = polygonClipping.intersection(toClip(a), toClip(b))
    return { ok: true, area: multiPolygonArea(fromClip(out as ClipMultiPolygon)) }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    return { ok: false, reason: `intersection failed: ${why}` }
  }
}

/** Two boxes share at least one point. */
export const bboxesTouch = (a: BBox, b: BBox): boolean =>
  a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

/** Below this many segments, all pairs are tested; above, a uniform grid is used. */
const BRUTE_FORCE_SEGMENTS = 64

interface Segments {
  readonly x1: Float64Array
  readonly y1: Float64Array
  readonly x2: Float64Array
  readonly y2: Float64Array
  readonly ring: Int32Array
  readonly index: Int32Array
  readonly ringSize: Int32Array
}

const collectSegments = (rings: ReadonlyArray<Ring>): Segments => {
  const total = rings.reduce((s, r) => s + r.length / 2, 0)
  const s: Segments = {
    x1: new Float64Array(total), y1: new Float64Array(total),
    x2: new Float64Array(total), y2: new Float64Array(total),
    ring: new Int32Array(total), index: new Int32Array(total), ringSize: new Int32Array(total)
  }
  let k = 0
  rings.forEach((ring, r) => {
    const n = ring.length / 2
    for (let i = 0; i < n; i++, k++) {
      const j = (i + 1) % n
      s.x1[k] = ring[2 * i]
      s.y1[k] = ring[2 * i + 1]
      s.x2[k] = ring[2 * j]
      s.y2[k] = ring[2 * j + 1]
      s.ring[k] = r
      s.index[k] = i
      s.ringSize[k] = n
    }
  })
  return s
}

const within = (a: number, b: number, v: number): boolean =>
  Math.min(a, b) <= v && v <= Math.max(a, b)

/** Non-adjacent segments i and j share a point (exact predicates; collinear overlap included). */
const segmentsMeet = (s: Segments, i: number, j: number): boolean => {
  if (s.ring[i] === s.ring[j]) {
    const d = Math.abs(s.index[i] - s.index[j])
    if (d === 1 || d === s.ringSize[i] - 1) return false
  }
  const d1 = Math.sign(orient2d(s.x1[j], s.y1[j], s.x2[j], s.y2[j], s.x1[i], s.y1[i]))
  const d2 = Math.sign(orient2d(s.x1[j], s.y1[j], s.x2[j], s.y2[j], s.x2[i], s.y2[i]))
  const d3 = Math.sign(orient2d(s.x1[i], s.y1[i], s.x2[i], s.y2[i], s.x1[j], s.y1[j]))
  const d4 = Math.sign(orient2d(s.x1[i], s.y1[i], s.x2[i], s.y2[i], s.x2[j], s.y2[j]))
  if (d1 * d2 > 0 || d3 * d4 > 0) return false
  if (d1 !== 0 || d2 !== 0) return true
  // All four collinear: the 1D extents must overlap.
  const byX = s.x1[i] !== s.x2[i] || s.x1[j] !== s.x2[j]
  const [a1, a2, b1, b2] = byX
    ? [s.x1[i], s.x2[i], s.x1[j], s.x2[j]]
    : [s.y1[i], s.y2[i], s.y1[j], s.y2[j]]
  return within(a1, a2, b1) || within(a1, a2, b2) || within(b1, b2, a1)
}

/**
 * Ring pairs `"a-b"` (a ≤ b, ring indices) whose segments meet, adjacent segments of one ring
 * excepted; `"0-0"` means ring 0 intersects itself. Small parts test all pairs; larger ones bin
 * segments into a √n × √n grid by bbox and test each pair once, in the first cell both share.
 * Cost ~O(n) for footprint-like rings, O(n²) only when all segments crowd into a few cells.
 * 54 lines: the grid is built in CSR form inline to keep the hot loop allocation-free.
 */
export const ringContacts = (rings: ReadonlyArray<Ring>): Set<string> => {
  const s = collectSegments(rings)
  const n = s.x1.length
  const found = new Set<string>()
  const note = (i: number, j: number): void => {
    if (!segmentsMeet(s, i, j)) return
    found.add(`${Math.min(s.ring[i], s.ring[j])}-${Math.max(s.ring[i], s.ring[j])}`)
  }
  if (n <= BRUTE_FORCE_SEGMENTS) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) note(i, j)
    return found
  }
  const [minx, miny, maxx, maxy] = ringsBBox(rings)
  const g = Math.ceil(Math.sqrt(n))
  const cw = (maxx - minx) / g || 1
  const ch = (maxy - miny) / g || 1
  const cell = (v: number, min: number, size: number): number =>
    Math.min(g - 1, Math.floor((v - min) / size))
  const x0 = new Int32Array(n)
  const x1 = new Int32Array(n)
  const y0 = new Int32Array(n)
  const y1 = new Int32Array(n)
  const start = new Int32Array(g * g + 1)
  for (let k = 0; k < n; k++) {
    x0[k] = cell(Math.min(s.x1[k], s.x2[k]), minx, cw)
    x1[k] = cell(Math.max(s.x1[k], s.x2[k]), minx, cw)
    y0[k] = cell(Math.min(s.y1[k], s.y2[k]), miny, ch)
    y1[k] = cell(Math.max(s.y1[k], s.y2[k]), miny, ch)
    for (let cy = y0[k]; cy <= y1[k]; cy++) {
      for (let cx = x0[k]; cx <= x1[k]; cx++) start[cy * g + cx + 1]++
    }
  }
  for (let c = 0; c < g * g; c++) start[c + 1] += start[c]
  const fill = start.slice(0, g * g)
  const items = new Int32Array(start[g * g])
  for (let k = 0; k < n; k++) {
    for (let cy = y0[k]; cy <= y1[k]; cy++) {
      for (let cx = x0[k]; cx <= x1[k]; cx++) items[fill[cy * g + cx]++] = k
    }
  }
  for (let c = 0; c < g * g; c++) {
    const cx = c % g
    const cy = (c - cx) / g
    for (let a = start[c]; a < start[c + 1]; a++) {
      for (let b = a + 1; b < start[c + 1]; b++) {
        const i = items[a]
        const j = items[b]
        if (Math.max(x0[i], x0[j]) !== cx || Math.max(y0[i], y0[j]) !== cy) continue
        note(i, j)
      }
    }
  }
  return found
}

