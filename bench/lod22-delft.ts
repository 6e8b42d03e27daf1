/**
 * LoD1.3 / LoD2.2 reconstruction of the 160 Delft footprints (AHN3, 3dfier example data).
 * Run: `npx tsx bench/lod22-delft.ts [rounds]` (default 2; round 1 warms the JIT up).
 * Prints, per round: buildings/s on one core (reconstruction only, crop excluded), the share of
 * valid LoD2.2 solids (val3dity codes), fallbacks, the median LoD2.2 RMSE and per-stage times.
 */
import path from "node:path"
import { fileURLToPath } from "node:url"
import { decodePoints } from "../resources/las-reader.ts"
import { readGeoJson } from "../resources/footprints/geojson.ts"
import { repairPolygon } from "../kernels/polygon-repair.ts"
import { buildPointIndex, cropToPolygon } from "../kernels/point-index.ts"
import { percentile } from "../kernels/percentile.ts"
import type { Polygon, PointSet } from "../kernels/geometry-types.ts"
import { reconstructLod22 } from "../kernels/reconstruct-lod22.ts"
import type { Lod22Input } from "../kernels/reconstruct-lod22.ts"
import { validateSolid } from "../kernels/val3dity.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const delft = path.join(path.resolve(repoRoot, "../shared/data"), "ahn3-bgt-delft-3dfier")

function concat(sets: PointSet[]): PointSet {
  const n = sets.reduce((s, p) => s + p.length, 0)
  const out = { x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n),
    classification: new Uint8Array(n), length: n }
  let o = 0
  for (const s of sets) {
    out.x.set(s.x, o); out.y.set(s.y, o); out.z.set(s.z, o)
    out.classification.set(s.classification, o)
    o += s.length
  }
  return out
}

function subset(p: PointSet, ids: Uint32Array): PointSet {
  return { x: Float64Array.from(ids, (i) => p.x[i]), y: Float64Array.from(ids, (i) => p.y[i]),
    z: Float64Array.from(ids, (i) => p.z[i]),
    classification: Uint8Array.from(ids, (i) => p.classification[i]), length: ids.length }
}

/** The Delft inputs: one entry per footprint part, with its building points and ground height. */
export async function delftInputs(): Promise<Array<{ id: string; input: Lod22Input }>> {
  const files = ["ahn3_cropped_1.laz", "ahn3_cropped_2.laz"].map((f) => path.join(delft, f))
  const decoded = await Promise.all(files.map((f) => decodePoints(f, { classes: [2, 6] })))
  const points = concat(decoded.map((d) => d.points))
  const index = buildPointIndex(points)
  const raw = await readGeoJson(path.join(delft, "bgt_pand.geojson"))
  const out: Array<{ id: string; input: Lod22Input }> = []
  for (const f of raw) {
    if (f.geometry === null) continue
    const repaired = repairPolygon(f.geometry)
    if (repaired.geometry === null) continue
    repaired.geometry.forEach((polygon: Polygon, k: number) => {
      const ground = cropToPolygon(points, index, polygon, [2], 4)
      const building = cropToPolygon(points, index, polygon, [6], 0)
      const groundZ = ground.length > 0 ? percentile(points.z, ground, 0.05) : 0
      const input = { polygon, groundZ, points: subset(points, building) }
      out.push({ id: `${f.id}-${k}`, input })
    })
  }
  return out
}

async function main(rounds: number): Promise<void> {
  const inputs = await delftInputs()
  for (let round = 1; round <= rounds; round++) {
    const stages: Record<string, number> = {}
    let valid = 0, fallbacks = 0, replaced = 0
    const rmse: number[] = [], roof: number[] = []
    const start = performance.now()
    const results = inputs.map(({ input }) => reconstructLod22(input))
    const seconds = (performance.now() - start) / 1000
    for (const r of results) {
      for (const [k, v] of Object.entries(r.timings)) stages[k] = (stages[k] ?? 0) + v
      if (r.extrusion !== "standard") fallbacks++
      if (r.reason?.includes("LoD1.3 used") === true) replaced++
      if (r.lod22 !== null && validateSolid(r.lod22).length === 0) valid++
      const e = r.attributes["b3_rmse_lod22"]
      if (typeof e === "number" && Number.isFinite(e)) rmse.push(e)
      if (Number.isFinite(r.metrics.rmseRoofLod22)) roof.push(r.metrics.rmseRoofLod22)
    }
    rmse.sort((a, b) => a - b)
    roof.sort((a, b) => a - b)
    const n = results.length
    console.log(`round ${round}: ${n} parts in ${seconds.toFixed(2)} s = ` +
      `${(n / seconds).toFixed(1)} buildings/s`)
    console.log(`  LoD2.2 valid ${valid}/${n} (${((100 * valid) / n).toFixed(1)}%), ` +
      `LoD2.2 replaced by LoD1.3 ${replaced}, LoD1.1 fallbacks ${fallbacks}`)
    console.log(`  median vertical RMSE LoD2.2: all points in solid faces ` +
      `${rmse[Math.floor(rmse.length / 2)]?.toFixed(3)} m, without wall-plane points ` +
      `${roof[Math.floor(roof.length / 2)]?.toFixed(3)} m`)
    const total = Object.values(stages).reduce((s, v) => s + v, 0)
    console.log("  ms per stage (all parts): " + Object.entries(stages)
      .map(([k, v]) => `${k} ${v.toFixed(0)} (${((100 * v) / total).toFixed(0)}%)`).join(", "))
  }
}

const script = process.argv[1]
if (script !== undefined && fileURLToPath(import.meta.url) === path.resolve(script)) {
  await main(Number(process.argv[2] ?? 2))
}
