import { createServer, type Server } from "node:http"
import { copyFileSync, readFileSync, writeFileSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sha256Hex } from "../../engine/index.ts"
import { tempDir } from "../engine/support.ts"
import { delftRelease, pipeline, releaseDir, sharedData } from "./support.ts"

const delftDir = join(sharedData, "ahn3-bgt-delft-3dfier")
const bag = join(delftDir, "bgt_pand.geojson")
const laz1 = join(delftDir, "ahn3_cropped_1.laz")
const laz2 = join(delftDir, "ahn3_cropped_2.laz")
const failureOf = (run: { outcomes: ReadonlyArray<{ asset: string; error: string | null }> }, asset: string) =>
  run.outcomes.find((o) => o.asset === asset && o.error !== null)?.error

describe("sources#http sources on a loopback server", () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      const file = { "/bag/bgt_pand.geojson": bag, "/ahn/c1.laz": laz1 }[req.url ?? ""]
      if (file === undefined) {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200).end(readFileSync(file))
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it("downloads URL sources once, verifies their sha256 and records the URL", async () => {
    const bagRef = { url: `${base}/bag/bgt_pand.geojson`, sha256: sha256Hex(readFileSync(bag)) }
    const lazRef = { url: `${base}/ahn/c1.laz`, sha256: sha256Hex(readFileSync(laz1)) }
    const p = pipeline(releaseDir(delftRelease(bagRef, [lazRef])))
    const run = await p.materialize("bag_extract,ahn_index", "2030.01")
    expect(run.outcomes.filter((o) => o.error !== null)).toEqual([])
    const t = await p.latest("tiling", "2030.01")
    expect(t.sources).toEqual([{ path: bagRef.url, sha256: bagRef.sha256 }])
    expect(t.metadata.sources.delft.current).toBe(160)
    const anyIndex = (await p.statuses(["ahn_index"]))[0]
    expect((await p.latest("ahn_index", anyIndex.label)).sources).toEqual([{ path: lazRef.url, sha256: lazRef.sha256 }])
  })

  it("refuses a download whose sha256 differs, naming the URL and both hashes", async () => {
    const wrong = "0".repeat(64)
    const p = pipeline(releaseDir(delftRelease({ url: `${base}/bag/bgt_pand.geojson`, sha256: wrong }, [laz1])))
    const run = await p.materialize("bag_extract", "2030.01")
    expect(run.failed).toBe(1)
    expect(failureOf(run, "tiling")).toBe(`download of ${base}/bag/bgt_pand.geojson has sha256 ` +
      `${sha256Hex(readFileSync(bag))}, but the release expects ${wrong}`)
  })

  it("names a URL that does not answer with the file", async () => {
    const p = pipeline(releaseDir(delftRelease({ url: `${base}/nope.geojson`, sha256: "1".repeat(64) }, [laz1])))
    const run = await p.materialize("bag_extract", "2030.01")
    expect(failureOf(run, "tiling")).toBe(`cannot download ${base}/nope.geojson: HTTP 404`)
  })
})

describe("sources#bad input", () => {
  it("a missing BAG file fails the version's tiling, naming the file", async () => {
    const missing = join(tempDir("x"), "absent.gpkg")
    const run = await pipeline(releaseDir(delftRelease(missing, [laz1]))).materialize("bag_extract", "2030.01")
    expect(run.failed).toBe(1)
    expect(failureOf(run, "tiling")).toContain(`file not found: ${missing}`)
  })

  it("an XML file that is not a BAG extract is refused, naming it", async () => {
    const kml = join(tempDir("x"), "places.xml")
    writeFileSync(kml, `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark/></kml>`)
    const run = await pipeline(releaseDir(delftRelease(kml, [laz1]))).materialize("bag_extract", "2030.01")
    expect(failureOf(run, "tiling")).toMatch(new RegExp(`${kml.replaceAll("/", "\\/")}.*is not a BAG 2\\.0 extract`))
  })

  it("GeoJSON in another CRS is refused, naming the file and the CRS", async () => {
    const wgs = join(tempDir("x"), "wgs84.geojson")
    writeFileSync(wgs, JSON.stringify({ type: "FeatureCollection",
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::4326" } },
      features: [{ type: "Feature", properties: { identificatie: "0503100000018603" },
        geometry: { type: "Polygon", coordinates: [[[4.36, 52.0], [4.361, 52.0], [4.361, 52.001], [4.36, 52.0]]] } }] }))
    const run = await pipeline(releaseDir(delftRelease(wgs, [laz1]))).materialize("bag_extract", "2030.01")
    expect(failureOf(run, "tiling")).toContain("is in urn:ogc:def:crs:EPSG::4326; expected EPSG:28992 (RD New)")
    expect(failureOf(run, "tiling")).toContain(wgs)
  })

  it("a truncated LAZ fails only the tiles it covers, naming the file; other tiles carry on", async () => {
    const cut = join(tempDir("laz"), "cut.laz")
    writeFileSync(cut, readFileSync(laz2).subarray(0, 400_000))
    const p = pipeline(releaseDir(delftRelease(bag, [laz1, cut], { ahn_index: { overhangMetres: 0 } })))
    const run = await p.materialize("ahn_index", "2030.01")
    const failed = run.outcomes.filter((o) => o.outcome === "failed")
    const done = run.outcomes.filter((o) => o.asset === "ahn_index" && o.outcome === "materialized")
    expect(failed.length).toBeGreaterThan(0)
    expect(done.length).toBeGreaterThan(0)
    for (const f of failed) expect(f.error).toMatch(/cut\.laz.*truncated/)
  })

  it("a LAZ whose header is unreadable is recorded as unreadable in every tile, which carry on", async () => {
    const junk = join(tempDir("laz"), "junk.laz")
    writeFileSync(junk, Buffer.from("this is not a point cloud at all, just text".repeat(20)))
    copyFileSync(laz1, join(tempDir("laz"), "copy.laz"))
    const p = pipeline(releaseDir(delftRelease(bag, [laz1, junk])))
    const run = await p.materialize("ahn_index", "2030.01")
    expect(run.failed).toBe(0)
    const st = (await p.statuses(["ahn_index"]))[0]
    const meta = (await p.latest("ahn_index", st.label)).metadata
    expect(meta.unreadable).toHaveLength(1)
    expect(meta.unreadable[0].path).toBe(junk)
    expect(meta.unreadable[0].reason).toContain("not a LAS file")
  })
})

describe("sources#bad release files", () => {
  const fail = async (release: Record<string, unknown>) => {
    const run = await pipeline(releaseDir(release)).materialize("bag_extract", "2030.01")
    return failureOf(run, "tiling") ?? ""
  }
  const base = () => delftRelease(bag, [laz1])

  it("refuses an unknown key, naming it", async () => {
    expect(await fail({ ...base(), bagg: [] })).toMatch(/is not a valid release: bagg: is unexpected/)
  })
  it("refuses parameters for an asset that does not exist", async () => {
    expect(await fail({ ...base(), assets: { reconstructed_tile: {} } }))
      .toMatch(/assets\.reconstructed_tile is not an asset; known: tiling, bag_extract/)
  })
  it("refuses a parameter of the wrong type or an unknown parameter, naming it", async () => {
    expect(await fail({ ...base(), assets: { tiling: { maxPerTile: "120" } } }))
      .toBe("configuration of 'tiling' for 2030.01: maxPerTile: Expected number, actual \"120\"")
    expect(await fail({ ...base(), assets: { tiling: { bogus: 3 } } })).toMatch(/bogus: is unexpected/)
  })
  it("refuses a minimum zoom above the maximum", async () => {
    expect(await fail({ ...base(), assets: { tiling: { minZoom: 20, maxZoom: 3 } } }))
      .toContain("minZoom (20) is above maxZoom (3)")
  })
  it("reads a file listed twice once", async () => {
    const p = pipeline(releaseDir(delftRelease(bag, [laz1, laz1])))
    await p.materialize("ahn_index", "2030.01")
    const st = (await p.statuses(["ahn_index"]))[0]
    expect((await p.latest("ahn_index", st.label)).sources).toHaveLength(1)
  })
})
