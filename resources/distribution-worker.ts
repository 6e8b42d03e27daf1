/**
 * Packages one tile for download, inside a worker thread: from the tile's CityJSONSeq it writes
 *   tiles/<z>/<x>/<y>/<z>-<x>-<y>.city.json.gz   (one CityJSON 2.0 document)
 *   tiles/<z>/<x>/<y>/<z>-<x>-<y>.city.jsonl.gz  (CityJSONSeq)
 *   tiles/<z>/<x>/<y>/<z>-<x>-<y>-obj.zip        (one OBJ per LoD and the .mtl)
 *   tiles/<z>/<x>/<y>/<z>-<x>-<y>.gpkg.gz        (the seven GeoPackage layers)
 * Every byte depends only on the input and the release date: gzip with mtime 0, zip with fixed
 * dates, GeoPackage rows in id order with `last_change` set to the release date.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { canonicalStringify, cityJsonSeqText, mergeCityJsonTile, parseCityJsonSeq } from "../kernels/cityjson-tile.ts"
import { objTileFiles } from "../kernels/obj-writer.ts"
import { gzipDeterministic, zipDeterministic } from "./compress.ts"
import { writeTileGpkg } from "./gpkg-writer.ts"

export interface PackageJob {
  readonly tileId: string
  readonly input: string
  readonly outputDir: string
  readonly releaseTitle: string
  /** Release publication date YYYY-MM-DD: the only date in the files. */
  readonly releaseDate: string
}

export interface PackageSummary {
  readonly buildings: number
  readonly files: ReadonlyArray<{ readonly format: string; readonly path: string; readonly bytes: number }>
  readonly gpkgLayers: ReadonlyArray<{ readonly name: string; readonly features: number }>
  readonly objObjects: Readonly<Record<string, number>>
}

const utf8 = (s: string) => new TextEncoder().encode(s)

export const packageTile = async (job: PackageJob): Promise<PackageSummary> => {
  const seq = parseCityJsonSeq(await readFile(job.input, "utf8"))
  if (!seq.ok) throw new Error(`${job.input}: ${seq.reason}`)
  const name = job.tileId.replaceAll("/", "-")
  const rel = join("tiles", ...job.tileId.split("/"))
  const dir = join(job.outputDir, rel)
  await mkdir(dir, { recursive: true })
  const merged = mergeCityJsonTile(seq.header, seq.features,
    { identifier: name, title: `${job.releaseTitle}, tile ${job.tileId}`, referenceDate: job.releaseDate })
  if (!merged.ok) throw new Error(`tile ${job.tileId}: ${merged.reason}`)
  const obj = objTileFiles(name, seq.header.transform, seq.features)
  const gpkgTmp = join(job.outputDir, `.${name}.gpkg`)
  const gpkg = writeTileGpkg(gpkgTmp, seq.header.transform, seq.features, { lastChange: `${job.releaseDate}T00:00:00.000Z` })
  const gpkgBytes = await readFile(gpkgTmp)
  await rm(gpkgTmp, { force: true })
  const outputs: Array<[string, string, Uint8Array]> = [
    ["cj", `${name}.city.json.gz`, gzipDeterministic(utf8(canonicalStringify(merged.document)))],
    ["cjseq", `${name}.city.jsonl.gz`, gzipDeterministic(utf8(cityJsonSeqText(seq.header, seq.features)))],
    ["obj", `${name}-obj.zip`, zipDeterministic(obj.files.map((f) => ({ name: f.name, data: utf8(f.text) })))],
    ["gpkg", `${name}.gpkg.gz`, gzipDeterministic(gpkgBytes)]
  ]
  for (const [, file, bytes] of outputs) await writeFile(join(dir, file), bytes)
  return {
    buildings: seq.features.length,
    files: outputs.map(([format, file, bytes]) => ({ format, path: `${rel}/${file}`, bytes: bytes.length })),
    gpkgLayers: gpkg.layers,
    objObjects: Object.fromEntries(obj.lods.map((l) => [l.lod, l.objects]))
  }
}
