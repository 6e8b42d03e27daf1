/**
 * GeoPackage reader for BAG pand layers (better-sqlite3, read-only). Finds the layer through
 * gpkg_contents, checks its CRS is EPSG:28992, and decodes each row's geometry blob.
 */
import { createRequire } from "node:module"
import { bagAttributesFrom, type RawFootprint } from "../../kernels/footprint-record.ts"
import { decodeGpkgGeometry } from "../../kernels/wkb.ts"

export interface GpkgReadOptions {
  /** Table name of the features layer; by default the single features layer named like "pand". */
  readonly layer?: string
}

/** The part of better-sqlite3's API used here (no @types/better-sqlite3 is installed). */
export interface SqliteStatement {
  all(...params: unknown[]): unknown[]
  get(...params: unknown[]): unknown
  iterate(...params: unknown[]): IterableIterator<unknown>
  run(...params: unknown[]): unknown
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement
  exec(sql: string): unknown
  close(): unknown
}
export interface SqliteOptions {
  readonly readonly?: boolean
  readonly fileMustExist?: boolean
}
type SqliteOpen = new (path: string, options?: SqliteOptions) => SqliteDatabase

/** Opens an SQLite file with better-sqlite3 (loaded through require: it is a CommonJS addon). */
export const openSqlite = (path: string, options: SqliteOptions = {}): SqliteDatabase => {
  const Database = createRequire(import.meta.url)("better-sqlite3") as SqliteOpen
  return new Database(path, options)
}

/** Id columns tried in order: BAG (any schema), then BGT. */
const ID_COLUMNS = ["identificatie", "identificatiebagpnd"]
const RD_NEW = 28992

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

const chooseLayer = (db: SqliteDatabase, path: string, wanted: string | undefined): string => {
  const rows = db
    .prepare(
      "SELECT table_name AS name FROM gpkg_contents " +
        "WHERE data_type = 'features' ORDER BY table_name"
    )
    .all() as { name: string }[]
  const names = rows.map((r) => r.name)
  if (wanted !== undefined) {
    if (names.includes(wanted)) return wanted
    const list = names.join(", ") || "(none)"
    throw new Error(`no features layer '${wanted}' in ${path}; layers: ${list}`)
  }
  const pand = names.filter((n) => n.toLowerCase().includes("pand"))
  if (pand.length === 1) return pand[0]
  const list = names.join(", ") || "(none)"
  if (pand.length === 0) throw new Error(`no pand layer in ${path}; layers: ${list}`)
  throw new Error(`several pand layers in ${path}; give one of: ${pand.join(", ")}`)
}

interface GeometryColumn {
  readonly column: string
  readonly srsId: number
}

const geometryColumn = (db: SqliteDatabase, path: string, layer: string): GeometryColumn => {
  const row = db
    .prepare(
      "SELECT column_name AS column, srs_id AS srsId " +
        "FROM gpkg_geometry_columns WHERE table_name = ?"
    )
    .get(layer) as GeometryColumn | undefined
  if (row === undefined) {
    throw new Error(`layer ${layer} of ${path} has no gpkg_geometry_columns entry`)
  }
  const srs = db
    .prepare(
      "SELECT organization AS org, organization_coordsys_id AS code " +
        "FROM gpkg_spatial_ref_sys WHERE srs_id = ?"
    )
    .get(row.srsId) as { org: string; code: number } | undefined
  const isRd = row.srsId === RD_NEW || (srs?.org.toUpperCase() === "EPSG" && srs.code === RD_NEW)
  if (!isRd) {
    const crs = srs === undefined ? `srs_id ${row.srsId}` : `${srs.org}:${srs.code}`
    throw new Error(`GeoPackage ${path} layer ${layer} is in ${crs}; expected EPSG:28992 (RD New)`)
  }
  return row
}

const idColumn = (db: SqliteDatabase, path: string, layer: string): string => {
  const info = db.prepare(`PRAGMA table_info(${quoteIdent(layer)})`).all() as { name: string }[]
  const columns = info.map((c) => c.name)
  const found = ID_COLUMNS.map((want) => columns.find((c) => c.toLowerCase() === want)).find(
    (c) => c !== undefined
  )
  if (found === undefined) {
    throw new Error(`layer ${layer} of ${path} has no ${ID_COLUMNS.join(" or ")} column`)
  }
  return found
}

const rawId = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === "string" ? v.trim() : String(v)

/** Reads every row of the pand layer in rowid order; throws an Error naming the file. */
export const readGpkg = (path: string, options: GpkgReadOptions = {}): RawFootprint[] => {
  let db: SqliteDatabase
  try {
    db = openSqlite(path, { readonly: true, fileMustExist: true })
  } catch (e) {
    throw new Error(`cannot open GeoPackage ${path}: ${e instanceof Error ? e.message : String(e)}`)
  }
  try {
    const hasContents = db
      .prepare(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_contents'"
      )
      .get() as { n: number }
    if (hasContents.n === 0) throw new Error(`${path} is not a GeoPackage (no gpkg_contents table)`)
    const layer = chooseLayer(db, path, options.layer)
    const geom = geometryColumn(db, path, layer)
    const idCol = idColumn(db, path, layer)
    const out: RawFootprint[] = []
    const rows = db.prepare(`SELECT * FROM ${quoteIdent(layer)} ORDER BY rowid`).iterate()
    for (const row of rows as Iterable<Record<string, unknown>>) {
      const blob = row[geom.column]
      const notes: string[] = []
      let geometry: RawFootprint["geometry"] = null
      if (blob instanceof Uint8Array) {
        const decoded = decodeGpkgGeometry(blob)
        if (decoded.ok) {
          geometry = decoded.geometry
          notes.push(...decoded.notes)
        } else notes.push(`geometry: ${decoded.reason}`)
      } else notes.push("no geometry")
      // A BGT layer's tijdstipregistratie etc. are BGT's own, not the pand's.
      const attributes = bagAttributesFrom(idCol.toLowerCase() === "identificatiebagpnd" ? {} : row)
      out.push({ id: rawId(row[idCol]), attributes, geometry, notes })
    }
    return out
  } finally {
    db.close()
  }
}
