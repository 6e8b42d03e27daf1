/**
 * Progress of a materialization: a bar on a TTY, otherwise one structured JSON line per partition
 * (asset, partition, outcome, duration, counts), both on stderr so stdout keeps the summary.
 */
import type { AssetKey } from "./keys.ts"
import type { PartitionOutcome } from "./materialize.ts"

export interface Reporter {
  readonly asset: (asset: AssetKey, toRun: number, fresh: number) => void
  readonly partition: (o: PartitionOutcome) => void
}

export const silentReporter: Reporter = { asset: () => {}, partition: () => {} }

export const lineReporter = (write: (line: string) => void): Reporter => ({
  asset: (asset, toRun, fresh) =>
    write(JSON.stringify({ event: "plan", asset, toRun, fresh })),
  partition: (o) =>
    write(JSON.stringify({
      event: "partition", asset: o.asset, partition: o.partition, outcome: o.outcome,
      durationMs: Math.round(o.durationMs), counts: o.counts, dataVersion: o.dataVersion?.slice(0, 16) ?? null,
      ...(o.error !== null ? { error: o.error } : {})
    }))
})

/** A one-line bar per asset, redrawn in place; failures are printed above it as they happen. */
export const barReporter = (stream: NodeJS.WriteStream): Reporter => {
  let current = { asset: "", total: 0, done: 0, failed: 0 }
  const draw = () => {
    const width = 30
    const filled = current.total === 0 ? width : Math.round((current.done / current.total) * width)
    stream.write(`\r${current.asset.padEnd(22)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ` +
      `${current.done}/${current.total}${current.failed > 0 ? ` (${current.failed} failed)` : ""}  `)
    if (current.done === current.total) stream.write("\n")
  }
  return {
    asset: (asset, toRun, fresh) => {
      current = { asset, total: toRun, done: 0, failed: 0 }
      if (toRun === 0) stream.write(`${asset.padEnd(22)} all ${fresh} partition(s) fresh\n`)
      else draw()
    },
    partition: (o) => {
      current.done++
      if (o.outcome === "failed") {
        current.failed++
        stream.write(`\r\x1b[K${o.asset} ${o.partition} FAILED: ${o.error}\n`)
      }
      draw()
    }
  }
}
