import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { describeCause } from "../../engine/index.ts"
import { toyDefinitions } from "./fixtures/toy-graph.ts"
import { materializedKeys, runMaterialize, runStatus, sourceDir, tempDir } from "./support.ts"

const twoVersions = () => ({
  "2024.01": sourceDir({ a: "alpha", b: "beta", c: "gamma" }),
  "2024.02": sourceDir({ a: "alpha", d: "delta" })
})

describe("materialize#staleness", () => {
  it("materializes every partition once, then nothing on a second run", async () => {
    const home = tempDir("home")
    const defs = toyDefinitions({ dirs: twoVersions() })
    const first = await runMaterialize(defs, home, "summary", undefined)
    // raw: 2 versions, tiles: 3 + 2, summary: 2
    expect(first.materialized).toBe(9)
    expect(first.failed).toBe(0)
    const second = await runMaterialize(defs, home, "summary")
    expect(second.materialized).toBe(0)
    expect(second.skipped).toBe(9)
    const statuses = [...(await runStatus(defs, home)).values()]
    expect(statuses.filter((s) => s.status === "FRESH")).toHaveLength(9)
  })

  it("a code version bump re-runs that asset and its descendants only", async () => {
    const home = tempDir("home")
    const dirs = twoVersions()
    await runMaterialize(toyDefinitions({ dirs }), home, "summary")
    const bumped = toyDefinitions({ dirs, codeVersions: { tiles: "2" } })
    const statuses = await runStatus(bumped, home)
    const tileA = statuses.get("tiles@2024.01:a")!
    expect(tileA.status).toBe("STALE")
    expect(tileA.causes.map(describeCause)).toEqual(["code version changed (1 -> 2)"])
    expect(statuses.get("raw@2024.01")!.status).toBe("FRESH")
    const summaryCauses = statuses.get("summary@2024.01")!.causes.map((c) => c.kind)
    expect(summaryCauses).toContain("upstream_stale")
    const run = await runMaterialize(bumped, home, "summary")
    expect(materializedKeys(run)).toEqual([
      "summary@2024.01", "summary@2024.02",
      "tiles@2024.01:a", "tiles@2024.01:b", "tiles@2024.01:c", "tiles@2024.02:a", "tiles@2024.02:d"
    ])
  })

  it("changing one source file re-runs only the partitions downstream of it", async () => {
    const home = tempDir("home")
    const dirs = twoVersions()
    const defs = toyDefinitions({ dirs })
    await runMaterialize(defs, home, "summary")
    writeFileSync(join(dirs["2024.01"], "b.txt"), "BETA changed")
    const statuses = await runStatus(defs, home)
    const raw = statuses.get("raw@2024.01")!
    expect(raw.status).toBe("STALE")
    expect(raw.causes).toHaveLength(1)
    expect(raw.causes[0]).toMatchObject({ kind: "source_changed", path: join(dirs["2024.01"], "b.txt") })
    expect(statuses.get("raw@2024.02")!.status).toBe("FRESH")
    const run = await runMaterialize(defs, home, "summary")
    expect(materializedKeys(run)).toEqual(["raw@2024.01", "summary@2024.01", "tiles@2024.01:b"])
    const after = await runStatus(defs, home)
    expect([...after.values()].every((s) => s.status === "FRESH")).toBe(true)
  })

  it("names the upstream partition whose data changed", async () => {
    const home = tempDir("home")
    const dirs = twoVersions()
    const defs = toyDefinitions({ dirs })
    await runMaterialize(defs, home, "summary")
    writeFileSync(join(dirs["2024.02"], "d.txt"), "delta 2")
    await runMaterialize(defs, home, "tiles")
    const statuses = await runStatus(defs, home)
    expect(statuses.get("summary@2024.02")!.causes.map(describeCause))
      .toEqual(["upstream data changed: tiles@2024.02:d"])
    expect(statuses.get("summary@2024.01")!.status).toBe("FRESH")
  })

  it("records a dependency added when a new tile appears and removed when one goes", async () => {
    const home = tempDir("home")
    const dirs = twoVersions()
    const defs = toyDefinitions({ dirs })
    await runMaterialize(defs, home, "summary")
    writeFileSync(join(dirs["2024.02"], "e.txt"), "epsilon")
    await runMaterialize(defs, home, "tiles")
    const statuses = await runStatus(defs, home)
    expect(statuses.get("summary@2024.02")!.causes.map(describeCause))
      .toEqual(["dependency added: tiles@2024.02:e"])
  })

  it("a configuration change makes only the configured asset and its descendants stale", async () => {
    const home = tempDir("home")
    const dirs = twoVersions()
    await runMaterialize(toyDefinitions({ dirs }), home, "summary")
    const statuses = await runStatus(toyDefinitions({ dirs, suffix: "!" }), home)
    expect(statuses.get("tiles@2024.01:a")!.causes.map((c) => c.kind)).toEqual(["config_changed"])
    expect(statuses.get("tiles@2024.01:a")!.causes.map(describeCause)).toEqual(['configuration changed: suffix "" -> "!"'])
    expect(statuses.get("raw@2024.01")!.status).toBe("FRESH")
  })

  it("a failing partition is recorded and leaves the others done", async () => {
    const home = tempDir("home")
    const dirs = { "2024.01": sourceDir({ a: "alpha", bad: "x", c: "gamma" }) }
    const defs = toyDefinitions({ dirs })
    const run = await runMaterialize(defs, home, "tiles")
    expect(run.failed).toBe(1)
    expect(run.materialized).toBe(3) // raw + tiles a, c
    const bad = run.outcomes.find((o) => o.partition === "2024.01:bad")!
    expect(bad.error).toBe("tile 'bad' cannot be processed: it is bad on purpose")
    const summary = await runMaterialize(defs, home, "summary")
    // the bad tile fails again; the summary that needs it fails as blocked, naming it
    expect(summary.failed).toBe(2)
    expect(summary.outcomes.find((o) => o.asset === "summary")!.error)
      .toBe("upstream tiles@2024.01:bad failed in this run")
  })
})

describe("materialize#tile filters on a fresh home", () => {
  it("runs the version-level ancestors that a tile filter needs", async () => {
    const home = tempDir("home")
    const run = await runMaterialize(toyDefinitions({ dirs: twoVersions() }), home, "tiles", "2024.01:a")
    expect(materializedKeys(run)).toEqual(["raw@2024.01", "tiles@2024.01:a"])
  })
})
