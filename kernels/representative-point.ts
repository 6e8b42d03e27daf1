/**
 * A point guaranteed inside a (multi)polygon, used to assign a footprint to one tile: the area
 * centroid of its largest part when that lies inside, else the middle of the widest interior
 * interval of a horizontal line through that part's bbox centre. Deterministic; O(vertices).
 */
import type { MultiPolygon, Polygon } from "./geometry-types.ts"
import { pointInPolygon, polygonArea } from "./polygon-measure.ts"

const centroidOf = (p: Polygon): [number, number] => {
  let a = 0
  let cx = 0
  let cy = 0
  const ox = p[0][0]
  const oy = p[0][1]
  for (const ring of p) {
    const n = ring.length / 2
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n
      const x0 = ring[2 * i] - ox
      const y0 = ring[2 * i + 1] - oy
      const x1 = ring[2 * j] - ox
      const y1 = ring[2 * j + 1] - oy
      const cross = x0 * y1 - x1 * y0
      a += cross
      cx += (x0 + x1) * cross
      cy += (y0 + y1) * cross
    }
  }
  return a === 0 ? [NaN, NaN] : [ox + cx / (3 * a), oy + cy / (3 * a)]
}

/** Crossings of the line y = y0 with every ring edge, sorted; pairs bound interior intervals. */
const scanline = (p: Polygon, y0: number): number[] => {
  const xs: number[] = []
  for (const ring of p) {
    const n = ring.length / 2
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n
      const ya = ring[2 * i + 1]
      const yb = ring[2 * j + 1]
      if ((ya > y0) !== (yb > y0)) {
        const t = (y0 - ya) / (yb - ya)
        xs.push(ring[2 * i] + t * (ring[2 * j] - ring[2 * i]))
      }
    }
  }
  return xs.sort((a, b) => a - b)
}

export const representativePoint = (mp: MultiPolygon): [number, number] | null => {
  let best: Polygon | null = null
  let bestArea = -1
  for (const p of mp) {
    const a = p.length > 0 && p[0].length >= 6 ? polygonArea(p) : -1
    if (a > bestArea) {
      bestArea = a
      best = p
    }
  }
  if (best === null || bestArea <= 0) return null
  const [cx, cy] = centroidOf(best)
  if (Number.isFinite(cx) && pointInPolygon(cx, cy, best)) return [cx, cy]
  let miny = Infinity
  let maxy = -Infinity
  for (let i = 1; i < best[0].length; i += 2) {
    miny = Math.min(miny, best[0][i])
    maxy = Math.max(maxy, best[0][i])
  }
  const xs = scanline(best, (miny + maxy) / 2)
  let width = -1
  let point: [number, number] | null = null
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (xs[k + 1] - xs[k] > width) {
      width = xs[k + 1] - xs[k]
      point = [(xs[k] + xs[k + 1]) / 2, (miny + maxy) / 2]
    }
  }
  return point
}
