import { readFileSync, writeFileSync, mkdtempSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { inflateRawSync } from "node:zlib"
import { Effect, Either } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { multiPolygonArea } from "../../kernels/polygon-measure.ts"
import {
  Footprints,
  layer,
  normalisePandId,
  type FootprintReadResult,
  type FootprintSource
} from "../../resources/Footprints.ts"
import { readBagXml } from "../../resources/footprints/bag-xml.ts"
import { openSqlite } from "../../resources/footprints/gpkg.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
const doesburg = path.join(data, "bag-extract-xml-doesburg")

const read = (source: FootprintSource) =>
  Effect.runPromise(
    Effect.flatMap(Footprints, (s) => s.read(source)).pipe(Effect.provide(layer), Effect.either)
  )

const ok = async (source: FootprintSource): Promise<FootprintReadResult> => {
  const r = await read(source)
  if (Either.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

const failure = async (source: FootprintSource): Promise<{ path: string; reason: string }> => {
  const r = await read(source)
  if (Either.isRight(r)) throw new Error(`expected ${source.path} to fail`)
  return { path: r.left.path, reason: r.left.reason }
}

/**
 * Independent count over the zip: each local header's deflate stream is inflated whole (the
 * zip uses data descriptors; inflateRaw stops at the end of the stream), then a regex pass over
 * the Pand elements. Current = no eindGeldigheid and no tijdstipInactief.
 */
const regexCount = () => {
  const zip = readFileSync(path.join(doesburg, "0221PND15092020.zip"))
  const sig = Buffer.from([0x50, 0x4b, 0x03, 0x04])
  const records: { id: string; status: string; current: boolean }[] = []
  for (let pos = zip.indexOf(sig); pos >= 0; pos = zip.indexOf(sig, pos + 4)) {
    const start = pos + 30 + zip.readUInt16LE(pos + 26) + zip.readUInt16LE(pos + 28)
    const xml = inflateRawSync(zip.subarray(start)).toString("utf8")
    for (const m of xml.matchAll(/<Objecten:Pand>([\s\S]*?)<\/Objecten:Pand>/g)) {
      const body = m[1]
      records.push({
        id: /<Objecten:identificatie[^>]*>(\d+)</.exec(body)?.[1] ?? "",
        status: /<Objecten:status>([^<]*)</.exec(body)?.[1] ?? "",
        current:
          !/<Historie:eindGeldigheid>/.test(body) && !/<Historie:tijdstipInactief>/.test(body)
      })
    }
  }
  const current = records.filter((r) => r.current)
  const byStatus = (s: string): number => current.filter((r) => r.status === s).length
  return { records, current, byStatus }
}

describe("footprints#ids", () => {
  it("normalises 16- and 15-digit ids and the full form; flags others", () => {
    expect(normalisePandId("0363100012078463").id).toBe("NL.IMBAG.Pand.0363100012078463")
    expect(normalisePandId("503100000018603").id).toBe("NL.IMBAG.Pand.0503100000018603")
    expect(normalisePandId("NL.IMBAG.Pand.0503100000030264").reason).toBeNull()
    expect(normalisePandId("x2")).toEqual({
      id: "x2",
      reason: "id 'x2' is not a BAG pand id (16 digits)"
    })
  })
})

describe("footprints#bag-xml small", () => {
  it("6 voorkomens of 2 panden; current bouwjaar 1585 and 1992", async () => {
    const file = path.join(doesburg, "0221PND15092020-000001.xml")
    expect((await readBagXml(file)).voorkomens.length).toBe(6)
    const r = await ok({ path: file })
    expect(r.format).toBe("bag-xml")
    expect(r.counts.read).toBe(6)
    expect(r.counts.current).toBe(2)
    expect(r.counts.ended).toBe(4)
    const years = r.records.map((x) => [x.identificatie, x.attributes["oorspronkelijkbouwjaar"]])
    expect(years).toEqual([
      ["NL.IMBAG.Pand.0221100000311191", 1992],
      ["NL.IMBAG.Pand.0221100000312938", 1585]
    ])
    expect(r.records[1].attributes["voorkomenidentificatie"]).toBe(4)
    expect(r.records[1].attributes["begingeldigheid"]).toBe("2015-11-23")
    expect(r.records[1].attributes["geconstateerd"]).toBe(false)
    // Extent per SOURCE.md: x 206286.73–206354.42.
    const xs = r.records.flatMap((x) =>
      (x.geometry ?? []).flat().flatMap((ring) => Array.from(ring.filter((_, i) => i % 2 === 0)))
    )
    expect(Math.min(...xs)).toBeCloseTo(206286.73, 2)
    expect(Math.max(...xs)).toBeCloseTo(206354.42, 2)
  })
})

describe("footprints#bag-xml zip", () => {
  let r: FootprintReadResult
  let expected: ReturnType<typeof regexCount>
  beforeAll(async () => {
    expected = regexCount()
    r = await ok({ path: path.join(doesburg, "0221PND15092020.zip") })
  })

  it("13,098 voorkomens of 7,797 panden; current count matches a regex pass", () => {
    expect(expected.records.length).toBe(13_098)
    expect(new Set(expected.records.map((x) => x.id)).size).toBe(7_797)
    expect(r.counts.read).toBe(13_098)
    expect(r.counts.current).toBe(expected.current.length)
    expect(r.counts.current).toBe(7_797)
    expect(r.counts.ended).toBe(5_301)
    expect(r.counts.superseded).toBe(0)
    expect(new Set(r.records.map((x) => x.identificatie)).size).toBe(7_797)
  })

  it("drops the three unmodelled statuses, as counted by the regex pass", () => {
    const gesloopt = expected.byStatus("Pand gesloopt")
    const niet = expected.byStatus("Niet gerealiseerd pand")
    const vergunning = expected.byStatus("Bouwvergunning verleend")
    expect([gesloopt, niet, vergunning]).toEqual([389, 12, 168])
    expect(r.counts.dropped).toEqual({
      "status 'Pand gesloopt' is not modelled": gesloopt,
      "status 'Niet gerealiseerd pand' is not modelled": niet,
      "status 'Bouwvergunning verleend' is not modelled": vergunning
    })
    const kept = r.records.filter((x) => x.status === "dropped")
    expect(kept.length).toBe(569)
    expect(kept.every((x) => x.geometry !== null)).toBe(true)
  })

  it("repairs, sorting and overlap on the real extract", () => {
    expect([r.counts.valid, r.counts.repaired, r.counts.invalid]).toEqual([5_515, 1_713, 0])
    expect(r.counts.overlapping).toBe(2)
    const ids = r.records.map((x) => x.identificatie)
    expect(ids).toEqual([...ids].sort())
    expect(r.records.every((x) => /^NL\.IMBAG\.Pand\.\d{16}$/.test(x.identificatie))).toBe(true)
    // Municipality codes (first 4 digits): 0221 Doesburg plus two panden registered elsewhere.
    const codes = new Map<string, number>()
    for (const id of ids) codes.set(id.slice(14, 18), (codes.get(id.slice(14, 18)) ?? 0) + 1)
    expect([...codes.entries()].sort()).toEqual([["0221", 7_795], ["0299", 1], ["1876", 1]])
  })
})

describe("footprints#amsterdam", () => {
  it("gpkg and geojson: 1484 each, same ids, status 1458/20/6, old names mapped", async () => {
    const dir = path.join(data, "ahn3-bag-amsterdam-bag3d")
    const g = await ok({ path: path.join(dir, "pandactueelbestaand.gpkg") })
    const j = await ok({ path: path.join(dir, "pandactueelbestaand.geojson") })
    for (const r of [g, j]) {
      expect(r.records.length).toBe(1484)
      const by = (s: string): number => r.records.filter((x) => x.attributes["status"] === s).length
      const inUse = "Pand in gebruik"
      const statuses = [inUse, `${inUse} (niet ingemeten)`, "Pand buiten gebruik"]
      expect(statuses.map(by)).toEqual([1458, 20, 6])
      expect([r.counts.valid, r.counts.repaired, r.counts.invalid]).toEqual([386, 1098, 0])
    }
    expect(g.records.map((x) => x.identificatie)).toEqual(j.records.map((x) => x.identificatie))
    const first = g.records.find((x) => x.identificatie === "NL.IMBAG.Pand.0363100012078463")
    expect(first?.attributes["oorspronkelijkbouwjaar"]).toBe(1896)
    expect(first?.attributes["begingeldigheid"]).toBe("2010-09-09 00:00:00+02")
    // Same footprint area from both files (GeoJSON export rounded to mm).
    const area = (r: FootprintReadResult) => multiPolygonArea(r.records[0].geometry ?? [])
    expect(area(g)).toBeCloseTo(area(j), 2)
  })
})

describe("footprints#delft", () => {
  it("BGT: 160 ids normalised to NL.IMBAG.Pand.0503…, all outer rings were CW", async () => {
    const r = await ok({ path: path.join(data, "ahn3-bgt-delft-3dfier/bgt_pand.geojson") })
    expect(r.records.length).toBe(160)
    expect(r.records.every((x) => /^NL\.IMBAG\.Pand\.0503\d{12}$/.test(x.identificatie))).toBe(true)
    expect(r.records.some((x) => x.identificatie === "NL.IMBAG.Pand.0503100000018603")).toBe(true)
    const cw = "ring 0: outer ring clockwise, reversed"
    const reversed = r.records.filter((x) => x.reasons.includes(cw))
    expect(reversed.length).toBe(160)
    expect(r.records.every((x) => x.attributes["status"] === null)).toBe(true)
  })

  it("tudcampus: 1529 rows, 1526 ids; the 4 pieces of …030264 merged into one", async () => {
    const r = await ok({ path: path.join(data, "bag-tudcampus-delft/tudcampus.geojson") })
    expect(r.counts.read).toBe(1529)
    expect(r.records.length).toBe(1529)
    expect(new Set(r.records.map((x) => x.identificatie)).size).toBe(1526)
    expect(r.counts.duplicates).toBe(3)
    const dup = r.records.filter((x) => x.identificatie === "NL.IMBAG.Pand.0503100000030264")
    expect(dup.map((x) => x.status)).toEqual(["repaired", "dropped", "dropped", "dropped"])
    const merged = "merged 3 duplicate feature(s) with the same id and attributes"
    expect(dup[0].reasons).toContain(merged)
    expect(dup[1].reasons.at(-1)).toBe(
      "duplicate id NL.IMBAG.Pand.0503100000030264: geometry merged into the first feature"
    )
    const pieces = dup.slice(1).reduce((s, x) => s + multiPolygonArea(x.geometry ?? []), 0)
    const firstPiece = await readFirstPieceArea()
    // Pieces only touch, so the union keeps the sum; collinear removal moves edges < 1 mm.
    const total = multiPolygonArea(dup[0].geometry ?? [])
    expect(Math.abs(total - (firstPiece + pieces))).toBeLessThan(0.01)
    expect(dup[0].geometry?.length).toBe(1)
  })

  it("wippolder: 60 rows, 'x2' kept as invalid with its reason", async () => {
    const r = await ok({ path: path.join(data, "bag-wippolder-delft/wippolder.gpkg") })
    expect(r.records.length).toBe(60)
    const x2 = r.records.filter((x) => x.identificatie === "x2")
    expect(x2.length).toBe(1)
    expect(x2[0].status).toBe("invalid")
    expect(x2[0].reasons).toContain("id 'x2' is not a BAG pand id (16 digits)")
    expect(r.counts.invalid).toBe(1)
  })
})

/** Area of the first (source order) feature of …030264, from the raw GeoJSON (shoelace). */
const readFirstPieceArea = async (): Promise<number> => {
  const file = path.join(data, "bag-tudcampus-delft/tudcampus.geojson")
  const fc = JSON.parse(readFileSync(file, "utf8"))
  const f = fc.features.find(
    (x: { properties: { identificatie: string } }) =>
      x.properties.identificatie === "NL.IMBAG.Pand.0503100000030264"
  )
  const ring: number[][] = f.geometry.coordinates[0][0]
  let twice = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = [ring[i][0] - ring[0][0], ring[i][1] - ring[0][1]]
    const [bx, by] = [ring[i + 1][0] - ring[0][0], ring[i + 1][1] - ring[0][1]]
    twice += ax * by - bx * ay
  }
  return Math.abs(twice) / 2
}

describe("footprints#errors", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bag3d-footprints-"))

  it("a missing file", async () => {
    const file = path.join(tmp, "nope.gpkg")
    expect(await failure({ path: file })).toEqual({ path: file, reason: `file not found: ${file}` })
  })

  it("an XML that is not a BAG extract, and a BAG file without panden", async () => {
    const file = path.join(tmp, "not-bag.xml")
    const kml = "http://www.opengis.net/kml/2.2"
    writeFileSync(file, `<?xml version="1.0"?><kml xmlns="${kml}"><a/></kml>`)
    const e = await failure({ path: file })
    expect(e.reason).toBe(
      `${file} is not a BAG 2.0 extract: root <kml> is in namespace '${kml}'`
    )
    const vbo = path.join(doesburg, "0221VBO15092020-000001.xml")
    expect((await failure({ path: vbo })).reason).toBe(
      `${vbo} is not a BAG pand extract: no Objecten:Pand elements`
    )
  })

  it("GeoJSON in EPSG:4326, by crs and by coordinates", async () => {
    const coordinates = [[[4.9, 52.3], [4.91, 52.3], [4.91, 52.31], [4.9, 52.3]]]
    const feature = {
      type: "Feature",
      properties: { identificatie: "0363100012078463" },
      geometry: { type: "Polygon", coordinates }
    }
    const crs = { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::4326" } }
    const byCrs = path.join(tmp, "wgs84-crs.geojson")
    writeFileSync(byCrs, JSON.stringify({ type: "FeatureCollection", crs, features: [feature] }))
    expect((await failure({ path: byCrs })).reason).toBe(
      `GeoJSON ${byCrs} is in urn:ogc:def:crs:EPSG::4326; expected EPSG:28992 (RD New)`
    )
    const byCoords = path.join(tmp, "wgs84.geojson")
    writeFileSync(byCoords, JSON.stringify({ type: "FeatureCollection", features: [feature] }))
    expect((await failure({ path: byCoords })).reason).toMatch(
      new RegExp(`^GeoJSON ${byCoords} is in degrees .*; expected EPSG:28992 \\(RD New\\)$`)
    )
  })

  it("a GeoPackage without a pand layer", async () => {
    const file = path.join(tmp, "roads.gpkg")
    const db = openSqlite(file)
    db.exec(`CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL);
      INSERT INTO gpkg_contents VALUES
        ('wegdeel', 'features'), ('water', 'features'), ('meta', 'attributes');`)
    db.close()
    expect((await failure({ path: file })).reason).toBe(
      `no pand layer in ${file}; layers: water, wegdeel`
    )
    expect((await failure({ path: file, layer: "pand" })).reason).toBe(
      `no features layer 'pand' in ${file}; layers: water, wegdeel`
    )
  })

  it("an extension it cannot place", async () => {
    const file = path.join(data, "ahn3-bgt-delft-3dfier/bgt_pand.sqlite")
    const e = await failure({ path: file })
    expect(e.reason).toMatch(/cannot infer the format .*bgt_pand\.sqlite/)
  })
})

describe("Footprints#files that are not what they claim", () => {
  it("names a folder given as a footprint file", async () => {
    const { Effect } = await import("effect")
    const { Footprints, layer } = await import("../../resources/Footprints.ts")
    const { mkdtempSync, mkdirSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const { join } = await import("node:path")
    const dir = join(mkdtempSync(join(tmpdir(), "fp-")), "pand.gpkg")
    mkdirSync(dir)
    const e = await Effect.runPromise(Effect.flip(Effect.flatMap(Footprints, (f) => f.read({ path: dir }))
      .pipe(Effect.provide(layer))))
    expect(e.reason).toBe(`${dir} is a folder, not a file`)
  })
  it("does not echo binary bytes when a LAZ is declared as GeoJSON", async () => {
    const { readGeoJson } = await import("../../resources/footprints/geojson.ts")
    const { resolve } = await import("node:path")
    const laz = resolve(import.meta.dirname, "../../../shared/data/ahn3-bgt-delft-3dfier/ahn3_cropped_2.laz")
    const msg = await readGeoJson(laz).then(() => "", (e: Error) => e.message)
    expect(msg).toMatch(/^GeoJSON .*ahn3_cropped_2\.laz cannot be parsed: /)
    expect(/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(msg)).toBe(false)
    expect(msg.length).toBeLessThan(400)
  })
})
