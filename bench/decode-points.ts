/**
 * Decode throughput of the two Delft AHN3 LAZ crops (848,942 points) through laz-perf.
 * Run: `npx tsx bench/decode-points.ts [rounds]` (default 3 rounds; the first includes WASM start).
 * Prints points/s per file and round (file already in memory, so decode only) and peak RSS.
 */
import { readFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { decodePointsFromBytes } from "../resources/las-reader.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const delft = path.join(path.resolve(repoRoot, "../shared/data"), "ahn3-bgt-delft-3dfier")
const files = ["ahn3_cropped_1.laz", "ahn3_cropped_2.laz"].map((f) => path.join(delft, f))

async function main(rounds: number): Promise<void> {
  const inputs = await Promise.all(files.map(async (f) => ({ f, bytes: await readFile(f) })))
  let best = 0
  for (let round = 1; round <= rounds; round++) {
    let points = 0
    const start = performance.now()
    for (const { f, bytes } of inputs) {
      const t = performance.now()
      const n = (await decodePointsFromBytes(f, bytes)).points.length
      const rate = n / ((performance.now() - t) / 1000)
      console.log(`round ${round} ${path.basename(f)}: ${n} points, ${Math.round(rate)} points/s`)
      points += n
    }
    const rate = points / ((performance.now() - start) / 1000)
    best = Math.max(best, rate)
    console.log(`round ${round} both: ${points} points, ${Math.round(rate)} points/s`)
  }
  // maxRSS is in kilobytes.
  const peakMb = process.resourceUsage().maxRSS / 1024
  console.log(`best ${Math.round(best)} points/s; peak RSS ${peakMb.toFixed(1)} MB`)
}

await main(Number(process.argv[2] ?? 3))
