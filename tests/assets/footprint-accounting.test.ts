import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../engine/support.ts"
import { delftRelease, pipeline, releaseDir, sharedData } from "./support.ts"

const delft = join(sharedData, "ahn3-bgt-delft-3dfier")
type Feature = { id: string; CityObjects: Record<string, { attributes: Record<string, unknown> }> }

/** A copy of the Delft GeoJSON with five footprints that cannot be placed and one duplicated id. */
const brokenCopy = () => {
  const doc = JSON.parse(readFileSync(join(delft, "bgt_pand.geojson"), "utf8"))
  const f = doc.features
  f[0].geometry = null
  f[1].geometry = { type: "Point", coordinates: [84900, 447500] }
  f[2].geometry = { type: "Polygon", coordinates: [[[84900, 447500], [84901, 447500], [84900, 447500]]] }
  f[3].geometry = { type: "Polygon", coordinates: [] }
  f[4].geometry = { type: "Polygon", coordinates: [[[1e9, 1e9], [1e9 + 10, 1e9], [1e9 + 10, 1e9 + 10], [1e9, 1e9 + 10], [1e9, 1e9]]] }
  // a second feature with the id of feature 10 and another geometry
  f.push({ ...f[11], properties: { ...f[11].properties, identificatiebagpnd: f[10].properties.identificatiebagpnd } })
  const path = join(tempDir("broken-bag"), "pand.geojson")
  writeFileSync(path, JSON.stringify(doc))
  return { path, ids: f.map((x: any) => `NL.IMBAG.Pand.0${x.properties.identificatiebagpnd}`) as string[] }
}

const features = async (p: ReturnType<typeof pipeline>, version: string): Promise<Feature[]> => {
  const out: Feature[] = []
  for (const st of await p.statuses(["reconstructed_tiles"])) {
    const rec = await p.latest("reconstructed_tiles", st.label)
    const lines = readFileSync(join(p.home, "store", rec.files[0].path), "utf8").trimEnd().split("\n").slice(1)
    out.push(...lines.map((l) => JSON.parse(l)))
  }
  return out
}

describe("every input footprint comes out", () => {
  it("keeps footprints that cannot be placed, and one feature per id, each with a reason", async () => {
    const { path, ids } = brokenCopy()
    const p = pipeline(releaseDir(delftRelease(path, [join(delft, "ahn3_cropped_1.laz")])))
    const run = await p.materialize("reconstructed_tiles", "2030.01")
    expect(run.outcomes.filter((o) => o.error !== null)).toEqual([])
    const out = await features(p, "2030.01")
    // 161 input rows, 160 distinct ids: one feature per id, none lost
    expect(new Set(ids).size).toBe(160)
    expect(out.map((f) => f.id).sort()).toEqual([...new Set(ids)].sort())
    const attrs = (id: string) => out.find((f) => f.id === id)!.CityObjects[id].attributes
    for (const id of ids.slice(0, 5)) {
      expect(attrs(id).b3_extrusie).toBe("skip")
      expect(String(attrs(id).b3_extrusie_reden)).toMatch(/^invalid footprint: /)
    }
    expect(String(attrs(ids[4]).b3_extrusie_reden)).toContain("outside the RD New extent")
    expect(String(attrs(ids[10]).b3_bag_duplicaten)).toMatch(/^duplicate id: another feature in source 'delft' \((dropped|invalid)/)
  })
})
