/** Text and JSON renderings for the CLI. */
import {
  describeCause, formatPartition, type AssetGraph, type LineageNode, type PartitionStatus
} from "../engine/index.ts"

export const formatList = (graph: AssetGraph, json: boolean): string => {
  const rows = graph.order.map((a) => ({
    asset: a.key,
    group: a.group,
    codeVersion: a.codeVersion,
    partitions: a.partitions.kind === "primary" ? a.partitions.primaryName
      : `${a.partitions.primaryName} × ${a.partitions.secondaryName} (from ${a.partitions.from})`,
    deps: a.deps.map((d) => `${d.asset} (${d.mapping.kind})`),
    completes: a.completes ?? null,
    description: a.description
  }))
  if (json) return JSON.stringify(rows, null, 2)
  return rows.map((r) =>
    `${r.asset}  [${r.group}]  code ${r.codeVersion}\n  partitions: ${r.partitions}\n` +
    `  depends on: ${r.deps.length > 0 ? r.deps.join(", ") : "(source)"}\n` +
    (r.completes !== null ? `  completes: ${r.completes} (selected with it)\n` : "") + `  ${r.description}`).join("\n\n")
}

export const formatStatus = (rows: ReadonlyArray<PartitionStatus>, json: boolean, all: boolean): string => {
  const counts = { FRESH: 0, STALE: 0, MISSING: 0 }
  for (const r of rows) counts[r.status]++
  if (json) {
    return JSON.stringify({
      counts,
      partitions: rows.map((r) => ({
        asset: r.asset,
        partition: formatPartition(r.partition),
        status: r.status,
        dataVersion: r.dataVersion,
        causes: r.causes.map((c) => ({ ...c, text: describeCause(c) }))
      }))
    })
  }
  const shown = 5
  const lines = rows.filter((r) => all || r.status !== "FRESH").map((r) => {
    const causes = r.causes.slice(0, shown).map(describeCause)
    if (r.causes.length > shown) causes.push(`… and ${r.causes.length - shown} more (see --json)`)
    return `${r.status.padEnd(7)} ${r.asset} ${formatPartition(r.partition)}` +
      (causes.length > 0 ? `\n          ${causes.join("\n          ")}` : "")
  })
  const perAsset = new Map<string, { FRESH: number; STALE: number; MISSING: number }>()
  for (const r of rows) {
    const c = perAsset.get(r.asset) ?? { FRESH: 0, STALE: 0, MISSING: 0 }
    c[r.status]++
    perAsset.set(r.asset, c)
  }
  for (const [asset, c] of perAsset) {
    lines.push(`${asset.padEnd(24)} ${c.FRESH} fresh, ${c.STALE} stale, ${c.MISSING} missing`)
  }
  lines.push(`${rows.length} partition(s): ${counts.FRESH} fresh, ${counts.STALE} stale, ${counts.MISSING} missing`)
  return lines.join("\n")
}

export const formatLineage = (node: LineageNode, indent = ""): string => {
  const head = `${indent}${node.asset} ${node.partition}  data ${node.dataVersion.slice(0, 16)}` +
    (node.unresolved ? "  (materialization no longer stored)"
      : `  code ${node.codeVersion}  run ${node.runId}  at ${node.materializedAt}`)
  const src = node.sources.map((s) => `${indent}  source ${s.path}  sha256 ${s.sha256}`)
  const cfg = node.config !== null && Object.keys(node.config as object).length > 0
    ? [`${indent}  config ${JSON.stringify(node.config)}`] : []
  return [head, ...cfg, ...src, ...node.upstream.map((u) => formatLineage(u, `${indent}  `))].join("\n")
}
