import { Effect } from "effect"
import { statSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { makeSourceHashes, sha256Hex } from "../../engine/index.ts"
import { tempDir } from "./support.ts"

describe("SourceHashes#cache", () => {
  it("notices a same-size edit even when the mtime is put back", async () => {
    const dir = tempDir("hashes")
    const file = join(dir, "f.txt")
    writeFileSync(file, "alpha 1")
    utimesSync(file, 1_000_000_000, 1_000_000_000)
    const hashes = await makeSourceHashes(join(dir, "cache.json"))
    expect(await Effect.runPromise(hashes.sha256(file))).toBe(sha256Hex("alpha 1"))
    writeFileSync(file, "alpha 2")
    utimesSync(file, 1_000_000_000, 1_000_000_000)
    expect(statSync(file).mtimeMs).toBe(1e12)
    expect(await Effect.runPromise(hashes.sha256(file))).toBe(sha256Hex("alpha 2"))
  })
  it("names a missing file", async () => {
    const hashes = await makeSourceHashes(join(tempDir("hashes"), "cache.json"))
    const e = await Effect.runPromise(Effect.flip(hashes.sha256("/nonexistent/x.laz")))
    expect(e.message).toBe("file not found: /nonexistent/x.laz")
  })
})
