/**
 * `assets verify`: re-derives the sha256 of every file that the latest materializations of the
 * selected partitions reference, and reports each missing or changed file by path.
 */
import { Effect } from "effect"
import { stat } from "node:fs/promises"
import { dirname, join } from "node:path"
import {
  FileStore, RunStorage, allStatuses, loadSnapshot, parsePartitionFilter, parseSelection, sha256File,
  type AssetGraph, type AnyDefinitions
} from "../engine/index.ts"
import { optionalFlag, type ParsedArgs } from "./args.ts"

const checkFile = async (abs: string, sha256: string): Promise<string | null> => {
  const exists = await stat(abs).then(() => true, () => false)
  if (!exists) return "missing"
  const sha = await sha256File(abs)
  return sha === sha256 ? null : `sha256 ${sha} differs from recorded ${sha256}`
}

export interface VerifyProblem {
  readonly asset: string
  readonly partition: string
  readonly path: string
  readonly problem: string
}

export const verifyStore = (
  defs: AnyDefinitions, graph: AssetGraph, args: ParsedArgs, out: (s: string) => void
) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    const store = yield* FileStore
    const sel = parseSelection(graph, optionalFlag(args, "select") ?? "key:*")
    const selected = new Set(sel._tag === "Right" ? sel.right : [])
    const filter = parsePartitionFilter(optionalFlag(args, "partition"))
    const snap = yield* loadSnapshot(defs, graph, { observe: false })
    const problems: VerifyProblem[] = []
    let checked = 0
    // Each file the latest materialization recorded: in the store, and (for a published release)
    // outside it, under the home folder.
    const home = dirname(store.root)
    for (const st of allStatuses(snap)) {
      if (!selected.has(st.asset) || !filter.matches(st.partition) || st.status === "MISSING") continue
      const rec = yield* storage.latest(st.asset, st.label)
      // a published file is a link of the stored file of the same name: same recorded sha256
      const stored = rec?.files ?? []
      const byName = new Map(stored.map((f) => [f.name, f.sha256]))
      const published = (rec?.metadata.published ?? []) as Array<{ path: string; name: string }>
      const files = [...stored.map((f) => ({ abs: store.absolute(f.path), sha256: f.sha256 })),
        ...published.map((f) => ({ abs: join(home, f.path), sha256: byName.get(f.name) ?? "(not in the store)" }))]
      for (const f of files) {
        checked++
        const problem = yield* Effect.promise(() => checkFile(f.abs, f.sha256))
        if (problem !== null) problems.push({ asset: st.asset, partition: st.label, path: f.abs, problem })
      }
    }
    if (args.flags.has("json")) out(JSON.stringify({ checked, problems }))
    else {
      for (const p of problems) out(`MISMATCH ${p.path}: ${p.problem} (${p.asset} ${p.partition})`)
      out(`verified ${checked} file(s): ${problems.length} problem(s)`)
    }
    return problems.length === 0 ? 0 : 1
  })
