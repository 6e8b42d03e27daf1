/**
 * GeoPackage 1.3 writer over better-sqlite3: spatial reference systems (the three the standard
 * requires, plus EPSG:28992 and EPSG:7415), gpkg_contents, gpkg_geometry_columns, one feature
 * table per layer, `application_id` 'GPKG' and `user_version` 10300. No spatial index.
 *
 * Reproducibility: the file is created afresh (an existing one is removed), rows go in fid order
 * in one transaction, `last_change` is the caller's date (never "now"), journal_mode is DELETE
 * (no -wal file) and the file is VACUUMed at the end. SQLite then writes the same bytes for the
 * same input: the header holds no time, only a change counter and the library version number.
 * LIMITATION: another SQLite version (another better-sqlite3 build) writes its own version
 * number into bytes 96–99 of the header, and may lay out pages differently, so the sha256 of a
 * .gpkg is stable per better-sqlite3 version, not across versions.
 */
import Database from "better-sqlite3"
import { rmSync, statSync } from "node:fs"
import type { SeqFeature, SeqTransform } from "../kernels/cityjson-tile.ts"
import { gpkgLayers, type GpkgLayer } from "../kernels/gpkg-layers.ts"

/** 'GPKG' as a big-endian 32-bit integer. */
export const GPKG_APPLICATION_ID = 0x47504b47
/** GeoPackage 1.3.0. */
export const GPKG_USER_VERSION = 10300
/** Default `last_change` of every layer: the epoch, so nothing depends on the clock. */
export const EPOCH_TIMESTAMP = "1970-01-01T00:00:00.000Z"

export class GpkgWriteError extends Error {
  override readonly name = "GpkgWriteError"
  constructor(readonly path: string, readonly reason: string) {
    super(`cannot write GeoPackage ${path}: ${reason}`)
  }
}

export interface GpkgWriteOptions {
  /** `gpkg_contents.last_change`, 'YYYY-MM-DDTHH:MM:SS.SSSZ'; the release date, say. */
  readonly lastChange?: string
}

export interface GpkgWriteSummary {
  readonly path: string
  readonly bytes: number
  readonly layers: ReadonlyArray<{ readonly name: string; readonly features: number }>
}

const RD_NEW_WKT =
  'PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",' +
  'SPHEROID["Bessel 1841",6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],' +
  'AUTHORITY["EPSG","6289"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],' +
  'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4289"]],' +
  'PROJECTION["Oblique_Stereographic"],PARAMETER["latitude_of_origin",52.1561605555556],' +
  'PARAMETER["central_meridian",5.38763888888889],PARAMETER["scale_factor",0.9999079],' +
  'PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],' +
  'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],' +
  'AUTHORITY["EPSG","28992"]]'
const RD_NAP_WKT =
  `COMPD_CS["Amersfoort / RD New + NAP height",${RD_NEW_WKT},VERT_CS["NAP height",` +
  'VERT_DATUM["Normaal Amsterdams Peil",2005,AUTHORITY["EPSG","5109"]],' +
  'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Gravity-related height",UP],' +
  'AUTHORITY["EPSG","5709"]],AUTHORITY["EPSG","7415"]]'
const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,' +
  'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,' +
  'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
  'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'

/** [srs_name, srs_id, organization, organization_coordsys_id, definition], by srs_id. */
const SPATIAL_REF_SYS: ReadonlyArray<readonly [string, number, string, number, string]> = [
  ["Undefined cartesian SRS", -1, "NONE", -1, "undefined"],
  ["Undefined geographic SRS", 0, "NONE", 0, "undefined"],
  ["WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT],
  ["Amersfoort / RD New", 28992, "EPSG", 28992, RD_NEW_WKT],
  ["Amersfoort / RD New + NAP height", 7415, "EPSG", 7415, RD_NAP_WKT]
]

/** Core tables as GeoPackage 1.3 §1.1.2, §1.1.3 and §2.1.5 define them. */
const CORE_DDL = `
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
`

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

const GEOMETRY_COLUMN = "geom"

function createLayer(db: Database.Database, layer: GpkgLayer, lastChange: string): void {
  const cols = layer.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`)
  db.exec(
    `CREATE TABLE ${quoteIdent(layer.name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ` +
      `${GEOMETRY_COLUMN} MULTIPOLYGON${cols.map((c) => `, ${c}`).join("")})`
  )
  const e = layer.extent
  db.prepare(
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, " +
      "min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, '', ?, ?, ?, ?, ?, ?)"
  ).run(layer.name, layer.name, lastChange, e?.[0] ?? null, e?.[1] ?? null, e?.[2] ?? null,
    e?.[3] ?? null, layer.srsId)
  db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?, ?, 'MULTIPOLYGON', ?, ?, 0)")
    .run(layer.name, GEOMETRY_COLUMN, layer.srsId, layer.z ? 1 : 0)
}

function insertRows(db: Database.Database, layer: GpkgLayer): void {
  const names = ["fid", GEOMETRY_COLUMN, ...layer.columns.map((c) => c.name)].map(quoteIdent)
  const insert = db.prepare(
    `INSERT INTO ${quoteIdent(layer.name)} (${names.join(", ")}) ` +
      `VALUES (${names.map(() => "?").join(", ")})`
  )
  layer.rows.forEach((row, i) => {
    const g = row.geometry
    const blob = g === null ? null : Buffer.from(g.buffer, g.byteOffset, g.byteLength)
    insert.run(i + 1, blob, ...row.values)
  })
}

function checkLayers(layers: ReadonlyArray<GpkgLayer>): string | null {
  const seen = new Set<string>()
  for (const l of layers) {
    if (seen.has(l.name.toLowerCase())) return `layer name ${l.name} repeats`
    seen.add(l.name.toLowerCase())
    const bad = l.rows.findIndex((r) => r.values.length !== l.columns.length)
    if (bad >= 0) return `layer ${l.name} row ${bad} has a value count unlike its columns`
  }
  return null
}

/** Writes `layers` (in the given order) into a new GeoPackage at `path`; throws GpkgWriteError. */
export function writeGpkg(
  path: string,
  layers: ReadonlyArray<GpkgLayer>,
  options: GpkgWriteOptions = {}
): GpkgWriteSummary {
  const problem = checkLayers(layers)
  if (problem !== null) throw new GpkgWriteError(path, problem)
  const lastChange = options.lastChange ?? EPOCH_TIMESTAMP
  rmSync(path, { force: true })
  const db = new Database(path)
  try {
    db.pragma("journal_mode = DELETE")
    db.pragma(`application_id = ${GPKG_APPLICATION_ID}`)
    db.pragma(`user_version = ${GPKG_USER_VERSION}`)
    db.transaction(() => {
      db.exec(CORE_DDL)
      const srs = db.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)")
      for (const row of SPATIAL_REF_SYS) srs.run(...row)
      for (const layer of layers) {
        createLayer(db, layer, lastChange)
        insertRows(db, layer)
      }
    })()
    db.exec("VACUUM")
  } catch (e) {
    throw new GpkgWriteError(path, e instanceof Error ? e.message : String(e))
  } finally {
    db.close()
  }
  const summary = layers.map((l) => ({ name: l.name, features: l.rows.length }))
  return { path, bytes: statSync(path).size, layers: summary }
}

/** The seven release layers of one tile (kernels/gpkg-layers.ts) written to `path`. */
export function writeTileGpkg(
  path: string,
  transform: SeqTransform,
  features: ReadonlyArray<SeqFeature>,
  options: GpkgWriteOptions = {}
): GpkgWriteSummary {
  return writeGpkg(path, gpkgLayers(transform, features), options)
}
