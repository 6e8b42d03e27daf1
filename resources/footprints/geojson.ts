/**
 * GeoJSON FeatureCollection reader for BAG / BGT pand footprints in EPSG:28992. Checks the
 * (2008-style) `crs` member and refuses coordinates that are plainly in degrees.
 */
import { readFile } from "node:fs/promises"
import type { MultiPolygon, Polygon, Ring } from "../../kernels/geometry-types.ts"
import { bagAttributesFrom, type RawFootprint } from "../../kernels/footprint-record.ts"

/** Property names that carry the pand id, tried in order (BAG, then BGT). */
const ID_PROPERTIES = ["identificatie", "identificatiebagpnd"]
const EXPECTED = "expected EPSG:28992 (RD New)"

/** `EPSG:28992`, `EPSG::28992`, `urn:ogc:def:crs:EPSG::28992`, `urn:ogc:def:crs:EPSG:6.9:28992`. */
const RD_URN = /^(urn:ogc:def:crs:)?epsg:[\d.]*:?28992$/i
/** `http(s)://www.opengis.net/def/crs/EPSG/0/28992`. */
const RD_URL = /^https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/[\d.]+\/28992$/i

/** Null when the crs is absent or RD New; else a description of what it is. */
const foreignCrs = (crs: unknown): string | null => {
  if (crs === undefined || crs === null) return null
  const c = crs as { type?: unknown; properties?: { name?: unknown; code?: unknown } }
  const name = c.properties?.name
  if (typeof name === "string") {
    return RD_URN.test(name.trim()) || RD_URL.test(name.trim()) ? null : name
  }
  const code = c.properties?.code
  if (String(c.type).toUpperCase() === "EPSG" && code !== undefined) {
    return Number(code) === 28992 ? null : `EPSG:${String(code)}`
  }
  return JSON.stringify(crs)
}

interface Extent {
  maxAbsX: number
  maxAbsY: number
  count: number
}

const toRing = (positions: unknown, at: string, notes: string[], extent: Extent): Ring | null => {
  if (!Array.isArray(positions)) return null
  let n = positions.length
  const first = positions[0] as number[] | undefined
  const last = positions[n - 1] as number[] | undefined
  const closed = n > 1 && first !== undefined && last !== undefined
  if (closed && first[0] === last[0] && first[1] === last[1]) n--
  else if (n > 0) notes.push(`${at}: not closed (accepted)`)
  const ring = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    const p = positions[i] as unknown[]
    ring[2 * i] = Array.isArray(p) ? Number(p[0]) : NaN
    ring[2 * i + 1] = Array.isArray(p) ? Number(p[1]) : NaN
    extent.maxAbsX = Math.max(extent.maxAbsX, Math.abs(ring[2 * i]))
    extent.maxAbsY = Math.max(extent.maxAbsY, Math.abs(ring[2 * i + 1]))
    extent.count++
  }
  return ring
}

const toPolygon = (rings: unknown, part: number, notes: string[], extent: Extent): Polygon => {
  if (!Array.isArray(rings)) return []
  const out: Ring[] = []
  rings.forEach((r, k) => {
    const ring = toRing(r, `part ${part} ring ${k}`, notes, extent)
    if (ring !== null) out.push(ring)
  })
  return out
}

const toGeometry = (geometry: unknown, notes: string[], extent: Extent): MultiPolygon | null => {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null
  if (g === null || g === undefined) {
    notes.push("no geometry")
    return null
  }
  if (g.type === "Polygon") return [toPolygon(g.coordinates, 0, notes, extent)]
  if (g.type === "MultiPolygon" && Array.isArray(g.coordinates)) {
    return g.coordinates.map((p, k) => toPolygon(p, k, notes, extent))
  }
  notes.push(`geometry type ${String(g.type)} is not Polygon or MultiPolygon`)
  return null
}

/** The id, and whether it is BGT's `identificatiebagpnd` (BGT's other fields are not BAG's). */
const rawId = (props: Record<string, unknown>): { id: string | null; bgt: boolean } => {
  for (const want of ID_PROPERTIES) {
    const key = Object.keys(props).find((k) => k.toLowerCase() === want)
    const v = key === undefined ? undefined : props[key]
    if (v !== undefined && v !== null) {
      const id = typeof v === "string" ? v.trim() : String(v)
      return { id, bgt: want === "identificatiebagpnd" }
    }
  }
  return { id: null, bgt: false }
}

/**
 * Reads all features of a FeatureCollection, in file order. Rejects (Error naming the file) for
 * non-JSON, a non-FeatureCollection, a CRS other than RD New, or coordinates in degrees.
 */
export const readGeoJson = async (path: string): Promise<RawFootprint[]> => {
  // LIMITATION: the whole file is parsed at once with JSON.parse, so memory grows with file
  // size (≈ 10× the file); a national extract needs a streaming JSON reader instead.
  let doc: { type?: unknown; crs?: unknown; features?: unknown }
  try {
    doc = JSON.parse(await readFile(path, "utf8"))
  } catch (e) {
    // The parser quotes the text around the error: for a binary file, that is raw bytes.
    const why = (e instanceof Error ? e.message : String(e)).replace(/[^\x20-\x7e]+/g, "·").slice(0, 160)
    throw new Error(`GeoJSON ${path} cannot be parsed: ${why}`)
  }
  if (doc?.type !== "FeatureCollection" || !Array.isArray(doc.features)) {
    throw new Error(`GeoJSON ${path} is not a FeatureCollection`)
  }
  const crs = foreignCrs(doc.crs)
  if (crs !== null) throw new Error(`GeoJSON ${path} is in ${crs}; ${EXPECTED}`)
  const extent: Extent = { maxAbsX: 0, maxAbsY: 0, count: 0 }
  const out: RawFootprint[] = []
  type Feature = { properties?: Record<string, unknown> | null; geometry?: unknown }
  for (const f of doc.features as Feature[]) {
    const props = f.properties ?? {}
    const notes: string[] = []
    const geometry = toGeometry(f.geometry, notes, extent)
    const { id, bgt } = rawId(props)
    out.push({ id, attributes: bagAttributesFrom(bgt ? {} : props), geometry, notes })
  }
  if (extent.count > 0 && extent.maxAbsX <= 180 && extent.maxAbsY <= 90) {
    const degrees = "degrees (all |x| <= 180 and |y| <= 90, as in EPSG:4326 / CRS84)"
    throw new Error(`GeoJSON ${path} is in ${degrees}; ${EXPECTED}`)
  }
  return out
}
