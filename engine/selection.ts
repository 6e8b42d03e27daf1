/**
 * The selection language, as Dagster users know it:
 *   `a`        the asset a            `a,b`   both
 *   `+a`       a and its parents      `a+`    a and its children   (`++a`: two levels, …)
 *   `*a`       a and all ancestors    `a*`    a and all descendants
 *   `key:gl*b` assets whose key matches the glob     `*`     every asset
 * Selecting an asset also selects the assets that declare they complete it (`completes`).
 * Partition expressions: `2024.02` (every secondary key of that primary, or the primary partition
 * itself), `2024.02:9/560/624`, and globs on either side (`2024.02:10/*`, `*`).
 */
import { Either } from "effect"
import type { AssetGraph } from "./graph.ts"
import { ancestors, descendants } from "./graph.ts"
import { SelectionError } from "./errors.ts"
import type { AssetKey, PartitionKey } from "./keys.ts"

const TERM = /^(\*|\++)?([a-z0-9_*?:]+?)(\*|\++)?$/

export const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    "^" +
      glob
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
        .join("") +
      "$"
  )

const matchTerm = (g: AssetGraph, body: string, expr: string): Either.Either<AssetKey[], SelectionError> => {
  if (body.startsWith("key:")) {
    const re = globToRegExp(body.slice(4))
    const hits = [...g.byKey.keys()].filter((k) => re.test(k))
    return hits.length > 0
      ? Either.right(hits)
      : Either.left(new SelectionError({ expression: expr, message: `no asset key matches '${body}'` }))
  }
  const k = body as AssetKey
  return g.byKey.has(k)
    ? Either.right([k])
    : Either.left(new SelectionError({
        expression: expr,
        message: `unknown asset '${body}'; known: ${[...g.byKey.keys()].join(", ")}`
      }))
}

const depthOf = (op: string | undefined): number =>
  op === undefined ? 0 : op === "*" ? Infinity : op.length

/** Resolves a selection to asset keys, in the graph's topological order. */
export const parseSelection = (g: AssetGraph, expr: string): Either.Either<AssetKey[], SelectionError> => {
  const picked = new Set<AssetKey>()
  const terms = expr.split(",").map((t) => t.trim()).filter((t) => t.length > 0)
  if (terms.length === 0) {
    return Either.left(new SelectionError({ expression: expr, message: "empty selection" }))
  }
  for (const term of terms) {
    if (term === "*") {
      for (const a of g.order) picked.add(a.key)
      continue
    }
    const m = TERM.exec(term)
    if (m === null || (m[3] === "*" && m[2].endsWith("*") && !m[2].startsWith("key:"))) {
      return Either.left(new SelectionError({ expression: expr, message: `cannot parse '${term}'` }))
    }
    const [, pre, rawBody, post] = m
    // `key:a*` is a glob, not "a and descendants": a trailing * belongs to the glob.
    const isGlob = rawBody.startsWith("key:")
    const body = isGlob && post === "*" ? rawBody + "*" : rawBody
    const hits = matchTerm(g, body, expr)
    if (Either.isLeft(hits)) return hits
    for (const k of hits.right) {
      picked.add(k)
      for (const a of ancestors(g, k, depthOf(pre))) picked.add(a)
      if (!(isGlob && post === "*")) for (const d of descendants(g, k, depthOf(post))) picked.add(d)
    }
  }
  for (let grown = true; grown;) {
    grown = false
    for (const a of g.order) {
      if (a.completes !== undefined && picked.has(a.completes) && !picked.has(a.key)) {
        picked.add(a.key)
        grown = true
      }
    }
  }
  return Either.right(g.order.map((a) => a.key).filter((k) => picked.has(k)))
}

export interface PartitionFilter {
  readonly text: string
  readonly matches: (p: PartitionKey) => boolean
  /** Whether a primary key takes part at all: its primary partition is needed by any match. */
  readonly matchesPrimary: (primary: string) => boolean
}

/**
 * `P` selects the primary partition P and every P:S; `P:S` with globs selects exactly those
 * secondary partitions, and the primary partition P that they are derived from.
 */
export const parsePartitionFilter = (text: string | undefined): PartitionFilter => {
  if (text === undefined || text === "" || text === "*") {
    return { text: "*", matches: () => true, matchesPrimary: () => true }
  }
  const parts = text.split(",").map((t) => t.trim()).filter((t) => t.length > 0)
  const tests = parts.map((t) => {
    const i = t.indexOf(":")
    return {
      prim: globToRegExp(i < 0 ? t : t.slice(0, i)),
      sec: i < 0 ? null : globToRegExp(t.slice(i + 1))
    }
  })
  const matches = (p: PartitionKey) => tests.some(({ prim, sec }) => prim.test(p.primary) &&
    (p.secondary === null || sec === null || sec.test(p.secondary)))
  return { text, matches, matchesPrimary: (primary) => tests.some(({ prim }) => prim.test(primary)) }
}
