/**
 * The columnar layout of footprints in Parquet (one row per footprint, geometry as WKB), and
 * the conversion from and to `FootprintRecord`. Also the canonical text of a record, whose
 * sha256 makes up the data version of a tile's footprints.
 */
import {
  BAG_ATTRIBUTE_NAMES, type AttributeValue, type FootprintRecord, type FootprintStatus
} from "../../kernels/footprint-record.ts"
import type { MultiPolygon } from "../../kernels/geometry-types.ts"
import { decodeWkb, encodeWkb } from "../../kernels/wkb.ts"
import type { Column, Row } from "../../resources/Duck.ts"

export interface TiledFootprint extends FootprintRecord {
  /** Tile id `z/x/y`, or null when the footprint has no usable geometry to place. */
  readonly tileId: string | null
  /** Name of the release's BAG source it came from. */
  readonly sourceName: string
}

export const FOOTPRINT_COLUMNS: ReadonlyArray<Column> = [
  { name: "identificatie", type: "VARCHAR" },
  { name: "tile_id", type: "VARCHAR" },
  { name: "footprint_status", type: "VARCHAR" },
  { name: "reasons", type: "VARCHAR" },
  { name: "source", type: "VARCHAR" },
  { name: "source_name", type: "VARCHAR" },
  { name: "overlap_area", type: "DOUBLE" },
  { name: "geometry", type: "BLOB" },
  ...BAG_ATTRIBUTE_NAMES.map((n): Column => ({ name: n, type: n === "oorspronkelijkbouwjaar" ? "INTEGER" : "VARCHAR" }))
]

const attr = (v: AttributeValue): string | number | null =>
  v === null ? null : typeof v === "boolean" ? String(v) : v

export const toRow = (f: TiledFootprint): Row => [
  f.identificatie, f.tileId, f.status, JSON.stringify(f.reasons), f.source, f.sourceName, f.overlapArea,
  f.geometry === null ? null : encodeWkb(f.geometry),
  ...BAG_ATTRIBUTE_NAMES.map((n) => {
    const v = attr(f.attributes[n] ?? null)
    return n === "oorspronkelijkbouwjaar" ? (v === null || Number.isNaN(Number(v)) ? null : Number(v)) : v === null ? null : String(v)
  })
]

export const fromRow = (r: Record<string, unknown>): TiledFootprint => {
  const blob = r.geometry as Uint8Array | null
  let geometry: MultiPolygon | null = null
  if (blob !== null && blob !== undefined) {
    const d = decodeWkb(blob)
    if (d.ok) geometry = d.geometry
  }
  const attributes: Record<string, AttributeValue> = {}
  for (const n of BAG_ATTRIBUTE_NAMES) attributes[n] = (r[n] ?? null) as AttributeValue
  return {
    identificatie: String(r.identificatie),
    tileId: r.tile_id === null ? null : String(r.tile_id),
    status: String(r.footprint_status) as FootprintStatus,
    reasons: JSON.parse(String(r.reasons)),
    source: String(r.source),
    sourceName: String(r.source_name),
    overlapArea: Number(r.overlap_area),
    geometry,
    attributes
  }
}

/** Canonical text of a record: its sha256 changes exactly when the stored row would change. */
export const canonicalText = (f: TiledFootprint): string =>
  JSON.stringify([f.identificatie, f.tileId, f.status, f.reasons, f.source, f.sourceName,
    Math.round(f.overlapArea * 1000) / 1000,
    f.geometry === null ? null : f.geometry.map((p) => p.map((ring) => Array.from(ring))),
    BAG_ATTRIBUTE_NAMES.map((n) => f.attributes[n] ?? null)])
