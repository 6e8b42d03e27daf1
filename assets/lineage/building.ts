/**
 * Where a building comes from, for `assets lineage … --building NL.IMBAG.Pand.<id>`: its tile,
 * the footprint's source file (with sha256), repair status and reasons, the point-cloud epoch
 * chosen for it with that epoch's files (with sha256), and the model's extrusion and reason.
 * The lineage tree of the tile's partitions (code versions, parameters, runs) comes with it.
 */
import { Effect } from "effect"
import { readFile } from "node:fs/promises"
import { FileStore, RunStorage } from "../../engine/index.ts"
import { Duck } from "../../resources/Duck.ts"
import { TILE_FILE } from "../reconstruction/reconstructed_tiles.ts"
import { AHN_INDEX_FILE } from "../sources/ahn_index.ts"
import { fromRow } from "../sources/footprint-rows.ts"
import { FOOTPRINTS_FILE } from "../sources/tiling.ts"

const fileOf = (files: ReadonlyArray<{ name: string; path: string }>, name: string) =>
  files.find((f) => f.name === name)?.path

const featureAttributes = async (path: string, id: string): Promise<Record<string, unknown> | null> => {
  const needle = `"id":${JSON.stringify(id)}`
  const line = (await readFile(path, "utf8")).split("\n").find((l) => l.includes(needle))
  if (line === undefined) return null
  const f = JSON.parse(line)
  return f.CityObjects[id]?.attributes ?? null
}

export const locateBuilding = (version: string, id: string) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    const store = yield* FileStore
    const duck = yield* Duck
    const tiling = yield* storage.latest("tiling", version)
    const all = tiling === null ? undefined : fileOf(tiling.files, FOOTPRINTS_FILE)
    if (tiling === null || all === undefined) return null
    const rows = yield* duck.readParquet(store.absolute(all), { column: "identificatie", value: id })
    if (rows.length === 0) return null
    const f = fromRow(rows[0])
    const footprint = { source: f.source, sourceName: f.sourceName,
      sha256: tiling.sources.find((s) => s.path === f.source)?.sha256 ?? null, status: f.status, reasons: f.reasons }
    if (f.tileId === null) return { secondary: "", details: { footprint, tile: null } }
    const part = `${version}:${f.tileId}`
    const recon = yield* storage.latest("reconstructed_tiles", part)
    const reconFile = recon === null ? undefined : fileOf(recon.files, TILE_FILE)
    const attributes = reconFile === undefined ? null
      : yield* Effect.promise(() => featureAttributes(store.absolute(reconFile), id))
    const epoch = attributes?.b3_pw_bron ?? null
    const ahn = yield* storage.latest("ahn_index", part)
    const indexFile = ahn === null ? undefined : fileOf(ahn.files, AHN_INDEX_FILE)
    const index = indexFile === undefined ? { files: [] }
      : JSON.parse(yield* Effect.promise(() => readFile(store.absolute(indexFile), "utf8")))
    const files = (index.files as Array<{ epoch: string; path: string; sha256: string; acquisitionDate: string }>)
      .filter((x) => x.epoch === epoch).map((x) => ({ path: x.path, sha256: x.sha256, acquisitionDate: x.acquisitionDate }))
    return {
      secondary: f.tileId,
      details: {
        tile: f.tileId,
        footprint,
        pointCloud: { epoch, year: attributes?.b3_pw_datum ?? null, reason: attributes?.b3_pw_selectie_reden ?? null, files },
        model: attributes === null ? null : {
          extrusie: attributes.b3_extrusie, reason: attributes.b3_extrusie_reden ?? null,
          b3_h_maaiveld: attributes.b3_h_maaiveld, b3_h_dak_70p: attributes.b3_h_dak_70p,
          b3_val3dity_lod12: attributes.b3_val3dity_lod12 ?? null
        }
      }
    }
  })
