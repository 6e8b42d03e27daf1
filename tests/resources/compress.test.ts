import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { gunzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { crc32 } from "../../kernels/deterministic-zip.ts"
import {
  gzipDeterministic, gzipHeaderProblem, zipDeterministic
} from "../../resources/compress.ts"
import { sharedDataDir } from "../support/cityjson-validator.ts"

const delft = readFileSync(
  path.join(sharedDataDir, "3dbag-reference-features", "delft_subset.city.jsonl")
)

describe("gzipDeterministic", () => {
  it("writes MTIME 0, no flags, XFL 2 and OS 255, and round-trips", () => {
    const gz = gzipDeterministic(delft)
    expect(Array.from(gz.subarray(0, 10))).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255])
    expect(Buffer.from(gunzipSync(gz)).equals(delft)).toBe(true)
    // trailer: CRC-32 and size mod 2^32 of the input, little-endian
    const v = new DataView(gz.buffer, gz.byteOffset, gz.byteLength)
    expect(v.getUint32(gz.length - 8, true)).toBe(crc32(delft))
    expect(v.getUint32(gz.length - 4, true)).toBe(delft.length)
  })

  it("gives identical bytes on two calls", () => {
    const a = gzipDeterministic(delft)
    const b = gzipDeterministic(new Uint8Array(delft))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(a.length).toBeLessThan(delft.length / 3)
  })

  it("gzipHeaderProblem names what is wrong", () => {
    const gz = gzipDeterministic(delft)
    const timed = new Uint8Array(gz)
    timed[4] = 1
    expect(gzipHeaderProblem(timed)).toBe("gzip MTIME is 1, expected 0")
    const named = new Uint8Array(gz)
    named[3] = 8
    expect(gzipHeaderProblem(named)).toBe("gzip FLG is 8, expected 0")
    expect(gzipHeaderProblem(new Uint8Array(20))).toBe("not a deflate gzip stream")
  })
})

describe("zipDeterministic", () => {
  it("deflates, is byte-stable, and passes unzip -t when unzip is installed", () => {
    const entries = [
      { name: "delft.city.jsonl", data: new Uint8Array(delft) },
      { name: "empty.txt", data: new Uint8Array(0) }
    ]
    const a = zipDeterministic(entries)
    const b = zipDeterministic([...entries].reverse())
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(a.length).toBeLessThan(delft.length / 3)
    expect(() => zipDeterministic([entries[0], entries[0]])).toThrow(/duplicate entry name/)
    if (!existsSync("/usr/bin/unzip")) return console.warn("unzip absent: external check skipped")
    const file = path.join(mkdtempSync(path.join(tmpdir(), "zipd-")), "t.zip")
    writeFileSync(file, a)
    expect(execFileSync("/usr/bin/unzip", ["-t", file], { encoding: "utf8" }))
      .toContain("No errors detected")
    const out = execFileSync("/usr/bin/unzip", ["-p", file, "delft.city.jsonl"])
    expect(out.equals(delft)).toBe(true)
  })
})
