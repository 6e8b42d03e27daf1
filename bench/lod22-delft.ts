/**
 * LoD1.3 / LoD2.2 reconstruction of the 160 Delft footprints (AHN3, 3dfier example data).
 * Run: `npx tsx bench/lod22-delft.ts [rounds]` (default 2; round 1 warms the JIT up).
 * Prints, per round: buildings/s on one core (reconstruction only, crop excluded), the share of
 * valid LoD2.2 solids (val3dity codes), fallbacks, the median LoD2.2 fit figures (see
 * `Lod22Metrics`) and per-stage times.
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

/** The Delft inputs, one per footprint part: building points, ground points inside, ground height. */
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
      const inside = cropToPolygon(points, index, polygon, [2], 0)
      const input = { polygon, groundZ, points: subset(points, building),
        groundPoints: subset(points, inside) }
      out.push({ id: `${f.id}-${k}`, input })
    })
  }
  return out
}

/** Median of the finite values (upper median for an even count), NaN when there is none. */
function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  return v.length > 0 ? v[v.length >> 1] : NaN
}

async function main(rounds: number): Promise<void> {
  const inputs = await delftInputs()
  for (let round = 1; round <= rounds; round++) {
    const stages: Record<string, number> = {}
    let valid = 0, fallbacks = 0, replaced = 0
    const mesh: number[] = [], vertical: number[] = [], roof: number[] = [], off: number[] = []
    const start = performance.now()
    const results = inputs.map(({ input }) => reconstructLod22(input))
    const seconds = (performance.now() - start) / 1000
    for (const r of results) {
      for (const [k, v] of Object.entries(r.timings)) stages[k] = (stages[k] ?? 0) + v
      if (r.extrusion !== "standard") fallbacks++
      if (r.reason?.includes("LoD1.3 used") === true) replaced++
      if (r.lod22 !== null && validateSolid(r.lod22).length === 0) valid++
      mesh.push(r.attributes["b3_rmse_lod22"] as number)
      vertical.push(r.metrics.verticalRmseLod22)
      roof.push(r.metrics.roofRmseLod22)
      off.push(r.metrics.offRoofShareLod22)
    }
    const n = results.length
    console.log(`round ${round}: ${n} parts in ${seconds.toFixed(2)} s = ` +
      `${(n / seconds).toFixed(1)} buildings/s`)
    console.log(`  LoD2.2 valid ${valid}/${n} (${((100 * valid) / n).toFixed(1)}%), ` +
      `LoD2.2 replaced by LoD1.3 ${replaced}, LoD1.1 fallbacks ${fallbacks}`)
    console.log(`  LoD2.2 medians over buildings: vertical RMSE of the points nearest a roof face ` +
      `${median(roof).toFixed(3)} m (${(100 * median(off)).toFixed(1)}% of the points are ` +
      `nearest a wall); of all points inside the roof faces in plan ${median(vertical).toFixed(3)} ` +
      `m; 3D point-to-mesh RMSE (b3_rmse_lod22) ${median(mesh).toFixed(3)} m`)
    const total = Object.values(stages).reduce((s, v) => s + v, 0)
    console.log("  ms per stage (all parts): " + Object.entries(stages)
      .map(([k, v]) => `${k} ${v.toFixed(0)} (${((100 * v) / total).toFixed(0)}%)`).join(", "))
  }
}

const script = process.argv[1]
if (script !== undefined && fileURLToPath(import.meta.url) === path.resolve(script)) {
  await main(Number(process.argv[2] ?? 2))
}
