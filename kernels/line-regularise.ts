/**
 * Regularisation of roof lines (roofer's step 10): nearly parallel lines are given one
 * direction (clusters within `angle` radians), nearly collinear lines of one direction are
 * merged into one line (clusters within `offset` metres across), and every result is extended
 * by `extend` metres at both ends.
 *
 * Anchors: footprint edges and intersection lines take part as fixed lines. A cluster holding
 * an anchor takes its direction and offset: boundary lines near a facade snap onto the facade's
 * line (which still continues into the interior, where it can cut), and boundary lines near an
 * intersection line are absorbed by it. Intersection lines are the most precise
 * lines there are (a ridge off by d metres costs 2·d·tan(slope) of height error), so they are
 * kept as computed (merged only with each other) and extended.
 */
import type { Polygon } from "./geometry-types.ts"
import type { LineKind } from "./boundary-lines.ts"

export interface Line2 {
  readonly x0: number
  readonly y0: number
  readonly x1: number
  readonly y1: number
  readonly kind: LineKind | "footprint"
}

export interface RegulariseParams {
  readonly angle: number
  readonly offset: number
  readonly extend: number
  /** Collinear lines whose extents are further apart than this (m) are not merged. */
  readonly gap: number
  /** Weight factor of intersection lines (their position is the most reliable). */
  readonly intersectionWeight: number
  /** Weight factor of footprint edges. */
  readonly footprintWeight: number
}

export const defaultRegulariseParams: RegulariseParams = {
  angle: 0.15, offset: 0.8, extend: 3, gap: 1, intersectionWeight: 3, footprintWeight: 4
}

interface Item {
  readonly line: Line2
  readonly theta: number
  readonly weight: number
  readonly mx: number
  readonly my: number
}

/** Difference of two undirected angles, in (−π/2, π/2]. */
function angleDiff(a: number, b: number): number {
  let d = (a - b) % Math.PI
  if (d > Math.PI / 2) d -= Math.PI
  if (d <= -Math.PI / 2) d += Math.PI
  return d
}

/** Direction of a line, radians in [0, π). */
export function lineDirection(l: Line2): number {
  const t = Math.atan2(l.y1 - l.y0, l.x1 - l.x0)
  return t < 0 ? t + Math.PI : t >= Math.PI ? t - Math.PI : t
}

function toItem(line: Line2, p: RegulariseParams): Item {
  const len = Math.hypot(line.x1 - line.x0, line.y1 - line.y0)
  const f = line.kind === "footprint" ? p.footprintWeight
    : line.kind === "intersection" ? p.intersectionWeight : 1
  return { line, theta: lineDirection(line), weight: len * f, mx: (line.x0 + line.x1) / 2,
    my: (line.y0 + line.y1) / 2 }
}

interface Cluster { items: Item[]; c2: number; s2: number; theta: number; anchor: Item | null }

/** Greedy angle clusters, heaviest items first; an anchor fixes its cluster's direction. */
function angleClusters(items: Item[], p: RegulariseParams, anchored = true): Cluster[] {
  const clusters: Cluster[] = []
  for (const it of [...items].sort((a, b) => b.weight - a.weight)) {
    let best: Cluster | null = null
    let bestD = p.angle
    for (const c of clusters) {
      const d = Math.abs(angleDiff(it.theta, c.theta))
      if (d < bestD) { bestD = d; best = c }
    }
    if (best === null) {
      const anchor = anchored && it.line.kind !== "boundary" ? it : null
      const c2 = it.weight * Math.cos(2 * it.theta), s2 = it.weight * Math.sin(2 * it.theta)
      clusters.push({ items: [it], c2, s2, theta: it.theta, anchor })
      continue
    }
    best.items.push(it)
    if (anchored && best.anchor === null && it.line.kind !== "boundary") best.anchor = it
    best.c2 += it.weight * Math.cos(2 * it.theta)
    best.s2 += it.weight * Math.sin(2 * it.theta)
    best.theta = best.anchor !== null ? best.anchor.theta : 0.5 * Math.atan2(best.s2, best.c2)
  }
  return clusters
}

/**
 * A cluster's items in runs by offset across its direction (each run within `offset` of its
 * first item), with the direction (ux, uy) and the offset function.
 */
function offsetRuns(c: Cluster, offset: number) {
  const ux = Math.cos(c.theta), uy = Math.sin(c.theta)
  const off = (it: Item) => -uy * it.mx + ux * it.my
  const sorted = [...c.items].sort((a, b) => off(a) - off(b))
  const runs: Item[][] = []
  let start = 0
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && off(sorted[i]) - off(sorted[start]) <= offset) continue
    runs.push(sorted.slice(start, i))
    start = i
  }
  return { ux, uy, off, runs }
}

/** Offset groups of one direction, each one extended segment (none for anchors only). */
function offsetGroups(c: Cluster, p: RegulariseParams, out: Line2[]): void {
  const { ux, uy, off, runs } = offsetRuns(c, p.offset)
  for (const run of runs) {
    for (const g of alongGroups(run, ux, uy, p.gap)) emitGroup(g, ux, uy, off, p, out)
  }
}

/**
 * Splits an offset group into runs whose extents along (ux, uy) overlap or lie within `gap`:
 * collinear lines far apart along the direction (a ridge and a distant eave) stay separate.
 */
function alongGroups(g: Item[], ux: number, uy: number, gap: number): Item[][] {
  const span = (it: Item): [number, number] => {
    const a = it.line.x0 * ux + it.line.y0 * uy, b = it.line.x1 * ux + it.line.y1 * uy
    return a < b ? [a, b] : [b, a]
  }
  const sorted = [...g].sort((a, b) => span(a)[0] - span(b)[0])
  const out: Item[][] = []
  let end = -Infinity
  for (const it of sorted) {
    const [t0, t1] = span(it)
    if (out.length === 0 || t0 > end + gap) out.push([it])
    else out[out.length - 1].push(it)
    end = Math.max(end, t1)
  }
  return out
}

function emitGroup(g: Item[], ux: number, uy: number, off: (it: Item) => number,
  p: RegulariseParams, out: Line2[]): void {
  const boundary = g.filter((it) => it.line.kind === "boundary")
  if (boundary.length === 0 || g.some((it) => it.line.kind === "intersection")) return
  const anchors = g.filter((it) => it.line.kind === "footprint")
  if (anchors.length > 0) {
    // On the facade's own line (its direction too), so that it passes exactly through the
    // footprint corners it continues from and leaves no neck next to them.
    const a = anchors.reduce((m, b) => (b.weight > m.weight ? b : m))
    const ax = Math.cos(a.theta), ay = Math.sin(a.theta)
    out.push(extended(boundary, ax, ay, -ay * a.mx + ax * a.my, "boundary", p))
    return
  }
  let o = 0, w = 0
  for (const it of boundary) { o += off(it) * it.weight; w += it.weight }
  out.push(extended(boundary, ux, uy, o / w, "boundary", p))
}

/** Segment of direction (ux, uy) at offset o spanning the projections of `items`, extended. */
function extended(items: Item[], ux: number, uy: number, o: number, kind: Line2["kind"],
  p: RegulariseParams): Line2 {
  let t0 = Infinity, t1 = -Infinity
  for (const it of items) {
    for (const [x, y] of [[it.line.x0, it.line.y0], [it.line.x1, it.line.y1]]) {
      const t = x * ux + y * uy
      if (t < t0) t0 = t
      if (t > t1) t1 = t
    }
  }
  t0 -= p.extend
  t1 += p.extend
  return { x0: ux * t0 - uy * o, y0: uy * t0 + ux * o, x1: ux * t1 - uy * o, y1: uy * t1 + ux * o,
    kind }
}

/**
 * Intersection lines merged among themselves (same angle and offset tolerances, weighted mean
 * direction and offset), then extended.
 */
function mergeIntersections(lines: Item[], p: RegulariseParams, out: Line2[]): void {
  for (const c of angleClusters(lines, p, false)) {
    const { ux, uy, off, runs } = offsetRuns(c, p.offset)
    for (const g of runs) {
      let o = 0, w = 0
      for (const it of g) { o += off(it) * it.weight; w += it.weight }
      out.push(extended(g, ux, uy, o / w, "intersection", p))
    }
  }
}

/** Footprint edges as anchor lines. */
export function footprintLines(polygon: Polygon): Line2[] {
  const out: Line2[] = []
  for (const ring of polygon) {
    const n = ring.length >> 1
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n
      out.push({ x0: ring[2 * i], y0: ring[2 * i + 1], x1: ring[2 * j], y1: ring[2 * j + 1],
        kind: "footprint" })
    }
  }
  return out
}

/**
 * Regularised, extended roof lines. `lines` are roof lines (boundary or intersection);
 * `anchors` footprint edges (see `footprintLines`). O(L·C + L log L) for L lines, C clusters.
 */
export function regulariseLines(lines: ReadonlyArray<Line2>, anchors: ReadonlyArray<Line2>,
  params: RegulariseParams = defaultRegulariseParams): Line2[] {
  const items = [...lines, ...anchors]
    .map((l) => toItem(l, params))
    .filter((it) => it.weight > 0)
  const out: Line2[] = []
  mergeIntersections(items.filter((it) => it.line.kind === "intersection"), params, out)
  for (const c of angleClusters(items, params)) offsetGroups(c, params, out)
  return out
}
