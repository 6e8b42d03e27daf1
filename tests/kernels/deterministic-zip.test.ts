import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { deflateRawSync, inflateRawSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { crc32, zipStore, type ZipEntry } from "../../kernels/deterministic-zip.ts"

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

interface CentralEntry {
  name: string
  method: number
  crc: number
  compressed: number
  size: number
  time: number
  date: number
  extra: number
  offset: number
}

/** Reads the archive back from its end record and central directory (independent of zipStore). */
function readZip(bytes: Uint8Array): { entries: CentralEntry[]; data: Map<string, Uint8Array> } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const end = bytes.length - 22
  expect(v.getUint32(end, true)).toBe(0x06054b50)
  const count = v.getUint16(end + 10, true)
  let at = v.getUint32(end + 16, true)
  const entries: CentralEntry[] = []
  const data = new Map<string, Uint8Array>()
  for (let i = 0; i < count; i++) {
    expect(v.getUint32(at, true)).toBe(0x02014b50)
    const nameLen = v.getUint16(at + 28, true)
    const e: CentralEntry = {
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLen)),
      method: v.getUint16(at + 10, true), time: v.getUint16(at + 12, true),
      date: v.getUint16(at + 14, true), crc: v.getUint32(at + 16, true),
      compressed: v.getUint32(at + 20, true), size: v.getUint32(at + 24, true),
      extra: v.getUint16(at + 30, true), offset: v.getUint32(at + 42, true)
    }
    entries.push(e)
    const u16 = (at: number): number => v.getUint16(at, true)
    const local = e.offset + 30 + u16(e.offset + 26) + u16(e.offset + 28)
    const body = bytes.subarray(local, local + e.compressed)
    data.set(e.name, e.method === 8 ? new Uint8Array(inflateRawSync(body)) : body)
    at += 46 + nameLen + v.getUint16(at + 30, true) + v.getUint16(at + 32, true)
  }
  return { entries, data }
}

const entries: ZipEntry[] = [
  { name: "b.obj", data: enc("v 0 0 0\n".repeat(200)) },
  { name: "a.mtl", data: enc("newmtl x\n") },
  { name: "dir/c.txt", data: new Uint8Array(0) }
]

describe("crc32", () => {
  it("gives the standard check values", () => {
    expect(crc32(enc("123456789"))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array(0))).toBe(0)
    expect(crc32(enc("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339)
  })
})

describe("zipStore", () => {
  it("stores entries sorted by name with DOS date 1980-01-01 00:00 and no extra fields", () => {
    const r = zipStore(entries)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const back = readZip(r.bytes)
    expect(back.entries.map((e) => e.name)).toEqual(["a.mtl", "b.obj", "dir/c.txt"])
    for (const e of back.entries) {
      expect([e.method, e.time, e.date, e.extra]).toEqual([0, 0, 0x21, 0])
      expect(e.crc).toBe(crc32(back.data.get(e.name)!))
    }
    expect(back.data.get("b.obj")).toEqual(entries[0].data)
    // 3 local headers (30 + name), bodies, 3 central records (46 + name), end record (22)
    const names = 5 + 5 + 9
    expect(r.bytes.length).toBe(3 * 30 + names + 1600 + 9 + 0 + 3 * 46 + names + 22)
  })

  it("deflates through the injected function only when that shrinks the entry", () => {
    const r = zipStore(entries, { deflate: (u8) => new Uint8Array(deflateRawSync(u8)) })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const back = readZip(r.bytes)
    const method = Object.fromEntries(back.entries.map((e) => [e.name, e.method]))
    expect(method).toEqual({ "a.mtl": 0, "b.obj": 8, "dir/c.txt": 0 })
    expect(new TextDecoder().decode(back.data.get("b.obj"))).toBe("v 0 0 0\n".repeat(200))
    expect(back.entries[1].crc).toBe(crc32(entries[0].data))
  })

  it("gives identical bytes whatever the input order", () => {
    const a = zipStore(entries)
    const b = zipStore([...entries].reverse())
    expect(a.ok && b.ok).toBe(true)
    if (a.ok && b.ok) expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true)
  })

  it("rejects duplicate, absolute and '..' names", () => {
    const d = enc("x")
    expect(zipStore([{ name: "a", data: d }, { name: "a", data: d }])).toEqual({
      ok: false, reason: "duplicate entry name 'a'"
    })
    expect(zipStore([{ name: "/etc/x", data: d }]).ok).toBe(false)
    expect(zipStore([{ name: "a/../../x", data: d }]).ok).toBe(false)
    expect(zipStore([{ name: "a\\b", data: d }]).ok).toBe(false)
  })

  it("opens with unzip -t when unzip is installed", () => {
    if (!existsSync("/usr/bin/unzip")) return console.warn("unzip absent: external check skipped")
    const r = zipStore(entries)
    if (!r.ok) throw new Error(r.reason)
    const file = path.join(mkdtempSync(path.join(tmpdir(), "zip-")), "t.zip")
    writeFileSync(file, r.bytes)
    const out = execFileSync("/usr/bin/unzip", ["-t", file], { encoding: "utf8" })
    expect(out).toContain("No errors detected")
    const list = execFileSync("/usr/bin/unzip", ["-l", file], { encoding: "utf8" })
    expect(list).toMatch(/1600\s+1980-01-01 00:00\s+b\.obj/)
  })
})
