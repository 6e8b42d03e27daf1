/**
 * Reconstruction benchmark on the Delft sample (160 footprints, 848,942 AHN3 points): the whole
 * sample as one tile job, on this thread, then the same job twice at once in the worker pool.
 * Prints buildings/s and points/s for decoding and for the per-building kernels.
 *   npx tsx bench/reconstruct-delft.ts
 */
import { Effect } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { WorkerPool, workerPoolLayer } from "../engine/index.ts"
import { repairPolygon } from "../kernels/polygon-repair.ts"
import { readGeoJson } from "../resources/footprints/geojson.ts"
import { reconstructTile, type TileJob, type TileSummary } from "../resources/reconstruction-worker.ts"

const data = resolve(fileURLToPath(new URL("..", import.meta.url)), "../shared/data/ahn3-bgt-delft-3dfier")
const raws = await readGeoJson(join(data, "bgt_pand.geojson"))
const footprints = raws.map((r, i) => {
  const fixed = r.geometry === null ? null : repairPolygon(r.geometry)
  return { id: `NL.IMBAG.Pand.${String(r.id ?? i).padStart(16, "0")}`, status: "valid" as const, reasons: [],
    overlapArea: 0, attributes: {}, geometry: fixed?.geometry ?? null }
})
const out = mkdtempSync(join(tmpdir(), "bench-recon-"))
const job = (k: number): TileJob => ({
  tile: "delft", footprints, params: {}, translate: [84000, 447000, 0], metadata: {},
  outputFile: join(out, `tile-${k}.city.jsonl`),
  epochs: [{ epoch: "AHN3", year: 2014, rank: 2, buildingClass: 6, modelling: true,
    files: [join(data, "ahn3_cropped_1.laz"), join(data, "ahn3_cropped_2.laz")] }]
})
const report = (label: string, s: TileSummary, wallMs: number, jobs = 1) => {
  const points = Object.values(s.pointsPerEpoch).reduce((a, b) => a + b, 0)
  console.log(`${label}: ${jobs * s.features} buildings in ${wallMs.toFixed(0)} ms = ` +
    `${((jobs * s.features) / (wallMs / 1000)).toFixed(1)} buildings/s; decode ${s.decodeMs} ms ` +
    `(${(848_942 / (s.decodeMs / 1000) / 1e6).toFixed(2)} M points/s read, ${points} kept), ` +
    `kernels ${s.reconstructMs} ms (${(s.features / (s.reconstructMs / 1000)).toFixed(1)} buildings/s)`)
}

await reconstructTile(job(0)) // warm-up: WASM and JIT
for (let i = 0; i < 2; i++) {
  const t0 = performance.now()
  const s = await reconstructTile(job(1))
  report("one core", s, performance.now() - t0)
}
const cores = 2
const url = new URL("../resources/reconstruction-worker.ts", import.meta.url)
await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
  const pool = yield* WorkerPool
  const round = (base: number) => Effect.all(Array.from({ length: cores }, (_, k) =>
    pool.call<TileSummary>(url, "reconstructTile", [job(base + k)])), { concurrency: "unbounded" })
  yield* round(10) // warm-up: worker start, WASM, JIT
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now()
    const results = yield* round(20 + 10 * r)
    report(`${cores} workers, ${cores} jobs at once (warm)`, results[0], performance.now() - t0, cores)
  }
}).pipe(Effect.provide(workerPoolLayer(cores)))))
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`)
