import { Effect, Either, Layer, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  assetKey, buildGraph, defineAsset, dependsOn, dynamicPartitions, parsePartition, parsePartitionFilter,
  parseSelection, partitionKey, primaryPartitions, type Definitions
} from "../../engine/index.ts"

const a = (key: string, deps: string[]) => defineAsset({
  key: assetKey(key), description: key, group: "g", deps: deps.map((d) => dependsOn(assetKey(d))),
  partitions: primaryPartitions("version"), codeVersion: "1", configSchema: Schema.Struct({}),
  materialize: () => Effect.succeed({})
})
// src -> mid -> leaf, src -> side, other (alone)
const graph = buildGraph([a("src", []), a("mid", ["src"]), a("leaf", ["mid"]), a("side", ["src"]), a("other", [])])
const sel = (s: string) => Either.getOrThrow(parseSelection(graph, s))

describe("selection#parse", () => {
  it("picks single and listed assets in topological order", () => {
    expect(sel("leaf")).toEqual(["leaf"])
    expect(sel("leaf,src")).toEqual(["src", "leaf"])
  })
  it("expands parents and children by depth", () => {
    expect(sel("+leaf")).toEqual(["mid", "leaf"])
    expect(sel("++leaf")).toEqual(["src", "mid", "leaf"])
    expect(sel("src+")).toEqual(["src", "mid", "side"])
    expect(sel("*leaf")).toEqual(["src", "mid", "leaf"])
    expect(sel("src*")).toEqual(["src", "mid", "side", "leaf"])
  })
  it("matches key globs", () => {
    expect(sel("key:s*")).toEqual(["src", "side"])
    expect(sel("key:*i*")).toEqual(["mid", "side"])
  })
  it("rejects unknown assets with the list of known ones", () => {
    const r = parseSelection(graph, "nope")
    expect(Either.isLeft(r) && r.left.message).toBe("unknown asset 'nope'; known: src, mid, leaf, side, other")
    expect(Either.isLeft(parseSelection(graph, "key:zzz*"))).toBe(true)
    expect(Either.isLeft(parseSelection(graph, ""))).toBe(true)
  })
})

describe("selection#partitions", () => {
  it("parses and prints VERSION:TILE keys", () => {
    expect(parsePartition("2024.02:9/560/624")).toEqual({ primary: "2024.02", secondary: "9/560/624" })
    expect(parsePartition("2024.02")).toEqual({ primary: "2024.02", secondary: null })
  })
  it("a version selects all its tiles; globs select a subtree", () => {
    const v = parsePartitionFilter("2024.02")
    expect(v.matches(partitionKey("2024.02", "9/560/624"))).toBe(true)
    expect(v.matches(partitionKey("2024.02"))).toBe(true)
    expect(v.matches(partitionKey("2024.01", "9/560/624"))).toBe(false)
    const g = parsePartitionFilter("2024.02:10/*")
    expect(g.matches(partitionKey("2024.02", "10/1120/1249"))).toBe(true)
    expect(g.matches(partitionKey("2024.02", "9/560/624"))).toBe(false)
    // the version's own partition is included: the selected tiles are derived from it
    expect(g.matches(partitionKey("2024.02"))).toBe(true)
    expect(g.matches(partitionKey("2024.01"))).toBe(false)
    expect(g.matchesPrimary("2024.02")).toBe(true)
    expect(g.matchesPrimary("2025.01")).toBe(false)
    // "." is literal, not any character
    expect(parsePartitionFilter("2024.02").matches(partitionKey("2024x02", "1/0/0"))).toBe(false)
  })
})

describe("graph#checks", () => {
  it("refuses cycles, unknown dependencies and mappings that do not fit", () => {
    expect(() => buildGraph([a("x", ["y"]), a("y", ["x"])])).toThrow("the asset graph has a cycle through: x, y")
    expect(() => buildGraph([a("x", ["ghost"])])).toThrow("asset 'x' depends on unknown asset 'ghost'")
    const dyn = defineAsset({ ...a("t", []), partitions: dynamicPartitions("version", "tile", assetKey("src")),
      deps: [dependsOn(assetKey("src"), { kind: "identity" })] })
    expect(() => buildGraph([a("src", []), dyn])).toThrow("maps 'src' with 'identity'")
  })
})

// Compile-time: definitions whose resources do not provide what an asset needs must not compile.
class Needed extends Effect.Service<Needed>()("test/Needed", { succeed: { n: 1 } }) {}
const needy = defineAsset({ ...a("needy", []),
  materialize: () => Effect.map(Needed, () => ({})) })
export const provided: Definitions<[typeof needy], never> = {
  assets: [needy], primaryKeys: Effect.succeed([]), config: () => Effect.succeed({}), resources: Needed.Default
}
export const missing: Definitions<[typeof needy], never> = {
  assets: [needy], primaryKeys: Effect.succeed([]), config: () => Effect.succeed({}),
  // @ts-expect-error the layer does not provide `Needed`
  resources: Layer.empty
}

describe("selection#completes", () => {
  const tiles = defineAsset({ ...a("tiles", []), partitions: dynamicPartitions("version", "tile", assetKey("src")),
    deps: [dependsOn(assetKey("src"), { kind: "primaryOf" })] })
  const index = defineAsset({ ...a("index", []), completes: assetKey("tiles"),
    deps: [dependsOn(assetKey("tiles"), { kind: "allSecondary" })] })
  const g = buildGraph([a("src", []), tiles, index])
  it("selecting a per-tile asset also selects the asset that completes it", () => {
    expect(Either.getOrThrow(parseSelection(g, "tiles"))).toEqual(["tiles", "index"])
    expect(Either.getOrThrow(parseSelection(g, "src"))).toEqual(["src"])
    expect(Either.getOrThrow(parseSelection(g, "+tiles"))).toEqual(["src", "tiles", "index"])
  })
})
