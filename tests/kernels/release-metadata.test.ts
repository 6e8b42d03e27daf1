import { describe, expect, it } from "vitest"
import {
  releaseMetadata, versionParts, type ReleaseMetadataInput
} from "../../kernels/release-metadata.ts"

const sha = "ab".repeat(32)
const input: ReleaseMetadataInput = {
  version: "2024.12.16",
  sources: [
    {
      name: "AHN4", url: "https://example.invalid/ahn4", sha256: sha, date: "2020/2022",
      licence: "CC0 1.0"
    },
    { name: "BAG", path: "/data/bag.zip", sha256: sha, date: "2024-12-01", licence: "CC0 1.0" }
  ],
  processSteps: [
    {
      asset: "reconstruction/building_models", codeVersion: "3",
      parameters: { lambda: 0.888, eps: 0.3 }
    },
    { asset: "input/footprints", codeVersion: "1", parameters: {} }
  ],
  software: { vitest: "3.2.7", effect: "3.22.4" }
}

describe("releaseMetadata", () => {
  it("builds citation, reference system and lineage sorted by name and asset", () => {
    const r = releaseMetadata(input)
    if (!r.ok) throw new Error(r.reason)
    const m = JSON.parse(r.text)
    expect(m.citation).toEqual({
      title: "3DBAG", edition: "2024.12.16", identifier: "v20241216",
      date: { date: "2024-12-16", dateType: "publication" }
    })
    expect(m.referenceSystem).toEqual({
      code: "EPSG:7415", url: "https://www.opengis.net/def/crs/EPSG/0/7415"
    })
    expect(m.lineage.sources.map((s: { name: string }) => s.name)).toEqual(["AHN4", "BAG"])
    expect(m.lineage.processSteps.map((s: { asset: string }) => s.asset))
      .toEqual(["input/footprints", "reconstruction/building_models"])
    expect(m.lineage.software).toEqual([
      { name: "effect", version: "3.22.4" }, { name: "vitest", version: "3.2.7" }
    ])
    expect(Object.keys(m)).toEqual([
      "metadataStandardName", "citation", "licence", "referenceSystem", "lineage"
    ])
    expect(r.text.endsWith("}\n")).toBe(true)
    const params = '\n        "parameters": {\n          "eps": 0.3,\n          "lambda": 0.888\n'
    expect(r.text).toContain(params)
  })

  it("writes the same text whatever the input order", () => {
    const shuffled: ReleaseMetadataInput = {
      ...input,
      sources: [...input.sources].reverse(),
      processSteps: [...input.processSteps].reverse(),
      software: { effect: "3.22.4", vitest: "3.2.7" }
    }
    const a = releaseMetadata(input)
    const b = releaseMetadata(shuffled)
    expect(a.ok && b.ok && a.text === b.text).toBe(true)
  })

  it("rejects a bad version, sha256, date or a source without location", () => {
    expect(versionParts("2024.02.30")).toBeNull()
    expect(versionParts("2024.02.29")).toEqual({ date: "2024-02-29", identifier: "v20240229" })
    expect(releaseMetadata({ ...input, version: "v2024" })).toEqual({
      ok: false, reason: "version 'v2024' is not a date YYYY.MM.DD, nor YYYY.MM with a date YYYY-MM-DD"
    })
    const bad = (s: Partial<ReleaseMetadataInput["sources"][number]>) =>
      releaseMetadata({ ...input, sources: [{ ...input.sources[1], ...s }] })
    expect(bad({ sha256: "AB" }).ok).toBe(false)
    expect(bad({ date: "yesterday" }).ok).toBe(false)
    expect(bad({ path: undefined }).ok).toBe(false)
  })
})

describe("releaseMetadata#monthly versions", () => {
  it("takes a YYYY.MM version with its publication date", async () => {
    const { releaseMetadata } = await import("../../kernels/release-metadata.ts")
    const r = releaseMetadata({ version: "2024.02", date: "2024-02-15", sources: [], processSteps: [], software: {} })
    expect(r.ok && (r.metadata.citation as any)).toMatchObject({ edition: "2024.02", identifier: "v202402",
      date: { date: "2024-02-15", dateType: "publication" } })
    const bad = releaseMetadata({ version: "2024.02", sources: [], processSteps: [], software: {} })
    expect(bad.ok ? "" : bad.reason).toBe("version '2024.02' is not a date YYYY.MM.DD, nor YYYY.MM with a date YYYY-MM-DD")
  })
})
