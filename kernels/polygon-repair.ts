/**
 * Footprint repair: turns a MultiPolygon as read from BAG into a valid one (OGC simple-feature
 * rules, outer rings CCW, holes CW), recording every check that fired. Deterministic: the same
 * input gives the same output and the same reasons. Pure; never throws.
 *
 * Order of checks: non-finite coordinates; then per ring: repeated closing vertex, repeated
 * vertices (≤ SNAP_TOLERANCE apart), spikes and collinear vertices (≤ COLLINEAR_TOLERANCE off the
 * line), too few vertices. Then per part: rings crossing or touching (repaired by union, which
 * also orients the result); if none, zero-area rings, holes outside the outer ring (dropped) and
 * orientation. Then across parts: overlapping or touching parts (union). Last: total area zero.
 */
import polygonClipping from "polygon-clipping"
import type { MultiPolygon, Polygon, Ring } from "./geometry-types.ts"
import {
  bboxesTouch,
  fromClip,
  multiPolygonArea,
  pointInRing,
  polygonArea,
  ringContacts,
  ringSignedArea,
  ringsBBox,
  toClip,
  type ClipMultiPolygon
} from "./polygon-measure.ts"

/** Vertices closer than this (m) are one vertex. */
export const SNAP_TOLERANCE = 0.001
/** A vertex closer than this (m) to the line through its neighbours is collinear or a spike. */
export const COLLINEAR_TOLERANCE = 0.001
/** A ring or footprint with less area than this (m²) has zero area. */
export const MIN_AREA = 1e-6

export interface RepairOptions {
  /** Vertices closer than this (m) are merged. Default SNAP_TOLERANCE. */
  readonly snapTolerance?: number
  /**
   * Collinear and spike vertices within this distance (m) of the line are removed. Default
   * COLLINEAR_TOLERANCE. 0 keeps all but exactly collinear ones and exact fold-backs.
   */
  readonly collinearTolerance?: number
}

interface Tolerances {
  readonly snap: number
  readonly line: number
}

export interface RepairResult {
  readonly geometry: MultiPolygon | null
  readonly status: "valid" | "repaired" | "invalid"
  readonly reasons: string[]
}

interface CleanedRing {
  readonly ring: Ring
  readonly closing: number
  readonly repeated: number
  readonly collinear: number
  readonly spikes: number
}

const near = (r: Ring, i: number, j: number, tol: Tolerances): boolean =>
  Math.hypot(r[2 * i] - r[2 * j], r[2 * i + 1] - r[2 * j + 1]) <= tol.snap

/** Drops exact closing repeats, then vertices within SNAP_TOLERANCE of the previous kept one. */
const dropRepeated = (ring: Ring, tol: Tolerances): Omit<CleanedRing, "collinear" | "spikes"> => {
  let n = ring.length / 2
  let closing = 0
  while (n > 1 && ring[0] === ring[2 * n - 2] && ring[1] === ring[2 * n - 1]) {
    n--
    closing++
  }
  const keep: number[] = []
  for (let i = 0; i < n; i++) {
    if (keep.length === 0 || !near(ring, i, keep[keep.length - 1], tol)) keep.push(i)
  }
  while (keep.length > 1 && near(ring, keep[keep.length - 1], keep[0], tol)) keep.pop()
  const out = new Float64Array(keep.length * 2)
  keep.forEach((k, i) => {
    out[2 * i] = ring[2 * k]
    out[2 * i + 1] = ring[2 * k + 1]
  })
  return { ring: out, closing, repeated: n - keep.length }
}

/** How vertex i sits between its neighbours a and b: 0 keep, 1 collinear, 2 spike. */
const classifyVertex = (r: Ring, a: number, i: number, b: number, tol: number): number => {
  const ax = r[2 * a] - r[2 * i]
  const ay = r[2 * a + 1] - r[2 * i + 1]
  const bx = r[2 * b] - r[2 * i]
  const by = r[2 * b + 1] - r[2 * i + 1]
  const twiceArea = Math.abs(ax * by - ay * bx)
  if (ax * bx + ay * by > 0) {
    // Edges fold back: height of the shorter edge's end over the longer edge.
    return twiceArea <= tol * Math.max(Math.hypot(ax, ay), Math.hypot(bx, by)) ? 2 : 0
  }
  return twiceArea <= tol * Math.hypot(ax - bx, ay - by) ? 1 : 0
}

/**
 * Removes spikes and collinear vertices over a doubly linked list, re-checking the neighbours of
 * each removed vertex, so the cost is O(n) whatever the removal order. 47 lines: the linked list
 * and work stack share one loop to avoid per-removal allocation.
 */
const dropSpikesAndCollinear = (ring: Ring, tol: Tolerances): Omit<CleanedRing, "closing"> => {
  const n = ring.length / 2
  const prev = new Int32Array(n)
  const next = new Int32Array(n)
  const dead = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    prev[i] = (i + n - 1) % n
    next[i] = (i + 1) % n
  }
  const stack: number[] = []
  for (let i = n - 1; i >= 0; i--) stack.push(i)
  let alive = n
  let collinear = 0
  let spikes = 0
  let repeated = 0
  const unlink = (i: number): void => {
    dead[i] = 1
    next[prev[i]] = next[i]
    prev[next[i]] = prev[i]
    alive--
  }
  while (stack.length > 0 && alive >= 3) {
    const i = stack.pop() as number
    if (dead[i] === 1) continue
    const a = prev[i]
    const b = next[i]
    const kind = classifyVertex(ring, a, i, b, tol.line)
    if (kind === 0) continue
    if (kind === 1) collinear++
    else spikes++
    unlink(i)
    if (alive >= 2 && near(ring, a, next[a], tol)) {
      const dup = next[a]
      unlink(dup)
      repeated++
    }
    stack.push(next[a], a)
  }
  let start = 0
  while (start < n && dead[start] === 1) start++
  const out = new Float64Array(alive * 2)
  for (let k = 0, i = start; k < alive; k++, i = next[i]) {
    out[2 * k] = ring[2 * i]
    out[2 * k + 1] = ring[2 * i + 1]
  }
  return { ring: out, collinear, spikes, repeated }
}

const cleanRing = (ring: Ring, tol: Tolerances): CleanedRing => {
  const first = dropRepeated(ring, tol)
  if (first.ring.length < 6) return { ...first, collinear: 0, spikes: 0 }
  const second = dropSpikesAndCollinear(first.ring, tol)
  return {
    ring: second.ring,
    closing: first.closing,
    repeated: first.repeated + second.repeated,
    collinear: second.collinear,
    spikes: second.spikes
  }
}

const reversed = (ring: Ring): Ring => {
  const n = ring.length / 2
  const out = new Float64Array(ring.length)
  for (let i = 0; i < n; i++) {
    out[2 * i] = ring[2 * (n - 1 - i)]
    out[2 * i + 1] = ring[2 * (n - 1 - i) + 1]
  }
  return out
}

const where = (multi: boolean, p: number, r: number): string =>
  multi ? `part ${p} ring ${r}` : `ring ${r}`

const dropped = (r: number): string => (r === 0 ? "outer ring, part dropped" : "hole, dropped")

/** Cleans the rings of one part; null when the outer ring does not survive. */
const cleanPart = (
  poly: Polygon,
  tol: Tolerances,
  label: (r: number) => string,
  reasons: string[]
): Ring[] | null => {
  const rings: Ring[] = []
  for (let r = 0; r < poly.length; r++) {
    const c = cleanRing(poly[r], tol)
    const at = label(r)
    if (c.closing > 0) reasons.push(`${at}: closing vertex repeated, stripped`)
    if (c.repeated > 0) reasons.push(`${at}: removed ${c.repeated} repeated vertices`)
    if (c.spikes > 0) reasons.push(`${at}: removed ${c.spikes} spike vertices`)
    if (c.collinear > 0) reasons.push(`${at}: removed ${c.collinear} collinear vertices`)
    if (c.ring.length >= 6) {
      rings.push(c.ring)
      continue
    }
    reasons.push(`${at}: fewer than 3 distinct vertices (${dropped(r)})`)
    if (r === 0) return null
  }
  return rings
}

/**
 * For a part without ring contacts: drops zero-area rings and holes outside the outer ring,
 * and orients outer CCW, holes CW. Null when the outer ring has zero area.
 */
const orientPart = (
  rings: Ring[],
  label: (r: number) => string,
  reasons: string[]
): Ring[] | null => {
  const out: Ring[] = []
  for (let r = 0; r < rings.length; r++) {
    const area = ringSignedArea(rings[r])
    if (Math.abs(area) < MIN_AREA) {
      reasons.push(`${label(r)}: zero area (${dropped(r)})`)
      if (r === 0) return null
      continue
    }
    if (r > 0 && !pointInRing(rings[r][0], rings[r][1], rings[0])) {
      reasons.push(`${label(r)}: hole outside the outer ring, dropped`)
      continue
    }
    if (r === 0 && area < 0) reasons.push(`${label(r)}: outer ring clockwise, reversed`)
    if (r > 0 && area > 0) reasons.push(`${label(r)}: hole counter-clockwise, reversed`)
    out.push((r === 0) === area > 0 ? rings[r] : reversed(rings[r]))
  }
  // LIMITATION: a hole inside another hole is kept as is, so the output is not OGC-valid there.
  return out
}

const describeContacts = (contacts: Set<string>, label: (r: number) => string): string =>
  [...contacts]
    .sort()
    .map((key) => {
      const [a, b] = key.split("-").map(Number)
      return a === b ? `${label(a)} intersects itself` : `${label(b)} meets ${label(a)}`
    })
    .join("; ")

type UnionResult =
  | { readonly ok: true; readonly mp: MultiPolygon }
  | { readonly ok: false; readonly reason: string }

const union = (mp: MultiPolygon): UnionResult => {
  try {
    return { ok: true, mp: fromClip(polygonClipping.union(toClip(mp)) as ClipMultiPolygon) }
  } catch (e) {
    return { ok: false, reason: `union failed: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/** Resolves ring contacts by union, else orients rings and drops stray holes. */
const fixPart = (
  rings: Ring[],
  label: (r: number) => string,
  reasons: string[]
): MultiPolygon | null => {
  const contacts = ringContacts(rings)
  if (contacts.size === 0) {
    const oriented = orientPart(rings, label, reasons)
    return oriented === null ? [] : [oriented]
  }
  const u = union([rings])
  if (!u.ok) {
    reasons.push(`${describeContacts(contacts, label)}; ${u.reason}`)
    return null
  }
  const what = describeContacts(contacts, label)
  reasons.push(`${what}: repaired by union into ${u.mp.length} polygon(s)`)
  return u.mp
}

/** Unions parts whose bboxes touch; records it when the union changed anything. */
const mergeParts = (parts: Polygon[], reasons: string[]): MultiPolygon | null => {
  const boxes = parts.map((p) => ringsBBox(p))
  let touching = false
  for (let i = 0; i < parts.length && !touching; i++) {
    for (let j = i + 1; j < parts.length && !touching; j++) {
      touching = bboxesTouch(boxes[i], boxes[j])
    }
  }
  if (!touching) return parts
  const u = union(parts)
  if (!u.ok) {
    reasons.push(`parts with touching bounding boxes: ${u.reason}`)
    return null
  }
  const before = parts.reduce((s, p) => s + polygonArea(p), 0)
  const shared = before - multiPolygonArea(u.mp)
  if (u.mp.length === parts.length && shared < MIN_AREA) return parts
  const how = shared >= MIN_AREA ? `overlap (${shared.toFixed(3)} m² shared)` : "touch"
  reasons.push(`parts ${how}: unioned ${parts.length} into ${u.mp.length}`)
  return u.mp
}

const allFinite = (mp: MultiPolygon): boolean =>
  mp.every((poly) => poly.every((ring) => ring.every((v) => Number.isFinite(v))))

/**
 * Makes `mp` valid; see the module comment for the order of checks.
 *
 * LIMITATION: with the default 1 mm collinear tolerance, a vertex where a neighbour's wall meets
 * this footprint (a T-junction, usually a few tenths of a mm off the line at BAG's mm precision)
 * is removed, so the two footprints no longer share that vertex. 3DBAG simplifies footprints
 * at 0.01 m before reconstruction anyway; pass `collinearTolerance: 0` to keep such vertices.
 */
export const repairPolygon = (mp: MultiPolygon, options: RepairOptions = {}): RepairResult => {
  const tol: Tolerances = {
    snap: options.snapTolerance ?? SNAP_TOLERANCE,
    line: options.collinearTolerance ?? COLLINEAR_TOLERANCE
  }
  const reasons: string[] = []
  const invalid = (why: string): RepairResult => ({
    geometry: null,
    status: "invalid",
    reasons: [...reasons, why]
  })
  if (mp.length === 0) return invalid("no polygon")
  if (!allFinite(mp)) return invalid("non-finite (NaN or infinite) coordinate")
  const multi = mp.length > 1
  const parts: Polygon[] = []
  for (let p = 0; p < mp.length; p++) {
    const label = (r: number): string => where(multi, p, r)
    const rings = mp[p].length === 0 ? null : cleanPart(mp[p], tol, label, reasons)
    if (rings === null) continue
    const fixed = fixPart(rings, label, reasons)
    if (fixed === null) return invalid("could not repair ring contacts")
    parts.push(...fixed)
  }
  if (parts.length === 0) return invalid("no polygon left after cleaning")
  const merged = parts.length > 1 ? mergeParts(parts, reasons) : parts
  if (merged === null) return invalid("could not union the parts")
  const area = multiPolygonArea(merged)
  if (!(area >= MIN_AREA)) return invalid(`area is zero (${area} m²)`)
  return { geometry: merged, status: reasons.length === 0 ? "valid" : "repaired", reasons }
}
