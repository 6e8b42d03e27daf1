/**
 * The `assets` command: list, status, materialize, lineage, verify, runs, events.
 * Exit codes: 0 success, 1 a partition failed or a check found a problem, 2 usage or setup error.
 */
import { Effect, Either } from "effect"
import { availableParallelism } from "node:os"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import {
  allStatuses, barReporter, buildGraph, lineReporter, lineageOf, loadSnapshot, materialize,
  parsePartitionFilter, parseSelection, provideEngine, resolveHome, RunStorage, type AssetGraph,
  type AnyDefinitions, type AssetKey
} from "../engine/index.ts"
import { checkFlags, optionalFlag, parseArgs, requireFlag, UsageError, type ParsedArgs } from "./args.ts"
import { formatList, formatLineage, formatStatus } from "./format.ts"
import { verifyStore } from "./verify.ts"

const HELP = `assets — materialize the asset graph

  assets list [--json]
  assets status --select S [--partition P] [--json] [--all]
  assets materialize --select S --partition P [--concurrency N] [--no-upstream] [--force] [--json]
  assets lineage ASSET --partition P [--building ID] [--json]
  assets verify [--select S] [--partition P] [--json]
  assets runs [--json]            assets events RUN_ID [--json]

Selection: a | a,b | +a (a and parents) | a+ (and children) | *a (all ancestors) | a* (all
descendants) | key:glob.  Partitions: 2024.02 (every tile of it) | 2024.02:9/560/624 | 2024.02:10/*
Environment: ASSETS_HOME (default ./.assets), ASSETS_DEFINITIONS (default the package's definitions.ts)
`

const BOOLEAN = new Set(["json", "all", "no-upstream", "force", "help"])

const loadDefinitions = async (args: ParsedArgs): Promise<AnyDefinitions> => {
  const spec = optionalFlag(args, "definitions") ?? process.env.ASSETS_DEFINITIONS
  const url = spec !== undefined ? pathToFileURL(resolve(spec)).href
    : new URL("../definitions.ts", import.meta.url).href
  const mod = await import(url)
  if (mod.definitions === undefined) throw new UsageError(`${url} exports no 'definitions'`)
  return mod.definitions
}

const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`)
const orUsage = <A>(e: Either.Either<A, { message: string }>): A => {
  if (Either.isLeft(e)) throw new UsageError(e.left.message)
  return e.right
}

const statusCommand = (defs: AnyDefinitions, graph: AssetGraph, args: ParsedArgs) =>
  Effect.gen(function* () {
    checkFlags(args, ["select", "partition", "json", "all", "definitions"])
    const selected = new Set(orUsage(parseSelection(graph, requireFlag(args, "select"))))
    const filter = parsePartitionFilter(optionalFlag(args, "partition"))
    const snap = yield* loadSnapshot(defs, graph, { observe: true })
    const rows = allStatuses(snap).filter((s) => selected.has(s.asset) && filter.matches(s.partition))
    out(formatStatus(rows, args.flags.has("json"), args.flags.has("all")))
    return 0
  })

const materializeCommand = (defs: AnyDefinitions, graph: AssetGraph, args: ParsedArgs) =>
  Effect.gen(function* () {
    checkFlags(args, ["select", "partition", "concurrency", "json", "no-upstream", "force", "definitions"])
    const concurrency = Number(optionalFlag(args, "concurrency") ?? availableParallelism())
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency must be a whole number ≥ 1, got '${optionalFlag(args, "concurrency")}'`)
    }
    const reporter = process.stderr.isTTY ? barReporter(process.stderr)
      : lineReporter((l) => process.stderr.write(`${l}\n`))
    const s = yield* materialize(defs, graph, {
      selection: requireFlag(args, "select"), partitions: requireFlag(args, "partition"), concurrency,
      upstream: !args.flags.has("no-upstream"), force: args.flags.has("force"),
      command: process.argv.slice(2).join(" "), reporter
    })
    const failures = s.outcomes.filter((o) => o.outcome === "failed")
      .map((o) => ({ asset: o.asset, partition: o.partition, error: o.error }))
    if (args.flags.has("json")) {
      out(JSON.stringify({ runId: s.runId, materialized: s.materialized, skipped: s.skipped, failed: s.failed,
        failures }))
    } else {
      for (const f of failures) out(`FAILED ${f.asset} ${f.partition}: ${f.error}`)
      out(`run ${s.runId}: materialized ${s.materialized}, skipped as fresh ${s.skipped}, failed ${s.failed}`)
    }
    return s.failed === 0 ? 0 : 1
  })

const lineageCommand = (defs: AnyDefinitions, graph: AssetGraph, args: ParsedArgs) =>
  Effect.gen(function* () {
    const entityNames = Object.keys(defs.entities ?? {})
    checkFlags(args, ["partition", "json", "definitions", ...entityNames])
    const asset = args.positionals[0]
    if (asset === undefined) throw new UsageError("lineage needs an ASSET")
    orUsage(parseSelection(graph, asset))
    let partition = requireFlag(args, "partition")
    const entity = entityNames.find((n) => args.flags.has(n))
    let details: unknown = undefined
    if (entity !== undefined) {
      const id = requireFlag(args, entity)
      const found = yield* defs.entities![entity](partition.split(":")[0], id)
      if (found === null) {
        process.stderr.write(`no ${entity} '${id}' in ${partition.split(":")[0]}\n`)
        return 1
      }
      if (graph.byKey.get(asset as AssetKey)?.partitions.kind === "dynamic") {
        partition = `${partition.split(":")[0]}:${found.secondary}`
      }
      details = { [entity]: id, partition, ...(found.details as object) }
    }
    const tree = yield* lineageOf(asset, partition)
    if (tree === null) {
      process.stderr.write(`${asset} ${partition} has not been materialized\n`)
      return 1
    }
    if (args.flags.has("json")) out(JSON.stringify(details === undefined ? tree : { ...details as object, lineage: tree }, null, 2))
    else out((details === undefined ? "" : `${JSON.stringify(details, null, 2)}\n`) + formatLineage(tree))
    return 0
  })

const runsCommand = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const storage = yield* RunStorage
    if (args.command === "events") {
      const id = args.positionals[0]
      if (id === undefined) throw new UsageError("events needs a RUN_ID")
      if ((yield* storage.run(id)) === null) {
        process.stderr.write(`assets: unknown run '${id}' (see 'assets runs')\n`)
        return 2
      }
      const events = yield* storage.events(id)
      out(args.flags.has("json") ? JSON.stringify(events) : events.length === 0 ? "(no events: nothing ran)"
        : events.map((e) => `${e.at ?? ""} ${e.type.padEnd(16)} ${e.asset ?? ""} ${e.partition ?? ""} ${e.message ?? ""}`)
          .join("\n"))
      return 0
    }
    const runs = yield* storage.runs(50)
    out(args.flags.has("json") ? JSON.stringify(runs) : runs.map((r) =>
      `${r.id} ${r.status.padEnd(10)} ${r.startedAt} ${r.command} ${JSON.stringify(r.summary)}`).join("\n"))
    return 0
  })

const dispatch = (defs: AnyDefinitions, graph: AssetGraph, args: ParsedArgs) => {
  switch (args.command) {
    case "status": return statusCommand(defs, graph, args)
    case "materialize": return materializeCommand(defs, graph, args)
    case "lineage": return lineageCommand(defs, graph, args)
    case "verify": return verifyStore(defs, graph, args, out)
    case "runs": case "events": return runsCommand(args)
    default: throw new UsageError(`unknown command '${args.command}'\n\n${HELP}`)
  }
}

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseArgs(argv, BOOLEAN)
  if (args.command === null || args.command === "help" || args.flags.has("help")) {
    out(HELP)
    return args.command === null ? 2 : 0
  }
  const defs = await loadDefinitions(args)
  const graph = buildGraph(defs.assets)
  if (args.command === "list") {
    checkFlags(args, ["json", "definitions"])
    out(formatList(graph, args.flags.has("json")))
    return 0
  }
  return Effect.runPromise(provideEngine(defs, resolveHome(), Effect.suspend(() => dispatch(defs, graph, args))))
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0)
  throw e
})

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    const msg = e instanceof UsageError ? e.message : describeError(e)
    if (process.env.ASSETS_DEBUG) console.error(e)
    process.stderr.write(`assets: ${msg}\n`)
    process.exitCode = 2
  }
)

function describeError(e: unknown): string {
  const any = e as { message?: string; _tag?: string }
  return any?.message ?? String(e)
}
