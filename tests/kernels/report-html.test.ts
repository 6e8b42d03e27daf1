import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { SaxesParser } from "saxes"
import { describe, expect, it } from "vitest"
import { type FeatureLike, withValidationAttributes } from "../../kernels/feature-validation.ts"
import { releaseReport, tileReport } from "../../kernels/quality-report.ts"
import {
  escapeHtml, histogramSvg, releaseReportHtml, tileReportHtml, validityColour
} from "../../kernels/report-html.ts"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const data = path.resolve(repoRoot, "../shared/data")
// SOURCE.md: header + 10 features of 3DBAG v2024.04.20, all with LoD 1.2/1.3/2.2.
const file = path.join(data, "3dbag-reference-features/delft_subset.city.jsonl")
const [header, ...raw] = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
const validated: FeatureLike[] = raw.map((f: any) => withValidationAttributes(f, header.transform))

const HOSTILE = "points <script>alert(\"x\")</script> & 'more'"
const skipped: FeatureLike = { id: "NL.IMBAG.Pand.S", vertices: [], CityObjects: {
  "NL.IMBAG.Pand.S": { type: "Building", attributes: { b3_extrusie: "skip", b3_reden: HOSTILE } }
} }
function flipLod22(f: any): FeatureLike {
  const out = structuredClone(f)
  const g = out.CityObjects[`${f.id}-0`].geometry.find((x: any) => x.lod === "2.2")
  g.boundaries[0][0] = g.boundaries[0][0].map((r: number[]) => [...r].reverse())
  return withValidationAttributes(out, header.transform)
}

// Tile A: 5 valid buildings + a skip; tile B: LoD2.2 valid 9 of 10 (90%); tile C failed.
const tileA = tileReport("10/564/624", header, [...validated.slice(0, 5), skipped])
const tileB = tileReport("10/564/626", header, [flipLod22(raw[0]), ...validated.slice(1)])
const release = releaseReport("2024.04.20", [tileA, tileB], {
  minValidShare: { lod22: 0.95 }, failedTiles: [{ tileId: "10/566/624", reason: "out of <memory>" }]
})
const bounds = {
  "10/564/624": [84000, 445000, 85000, 446000], "10/564/626": [84000, 446000, 85000, 447000],
  "10/566/624": [85000, 445000, 86000, 446000]
} as const
const html = releaseReportHtml(release, { tileBounds: bounds })

const svgs = (h: string): string[] => h.match(/<svg[\s\S]*?<\/svg>/g) ?? []

/** Parses an SVG fragment as XML; returns element names, throws when not well-formed. */
function elements(svg: string): string[] {
  const names: string[] = []
  const p = new SaxesParser()
  p.on("opentag", (t) => { names.push(t.name) })
  p.on("error", (e) => { throw e })
  p.write(svg).close()
  return names
}

describe("releaseReportHtml", () => {
  it("has one <svg> per chart: RMSE per LoD, height, tile map", () => {
    const labels = svgs(html).map((s) => /aria-label="([^"]*)"/.exec(s)?.[1])
    expect(labels).toEqual(["LoD2.2 validity per tile", "RMSE LoD1.2", "RMSE LoD1.3",
      "RMSE LoD2.2", "Height b3_h_dak_70p − b3_h_maaiveld"])
    for (const s of svgs(html)) expect(() => elements(s)).not.toThrow()
  })

  it("draws 21 RMSE bars scaled to the largest bin", () => {
    const rmse22 = svgs(html)[3]
    expect(elements(rmse22).filter((n) => n === "rect").length).toBe(21)
    // 15 buildings with LoD2.2 RMSE (mm): tile A 23 30 99 34 384, tile B all ten of
    // delft_subset. Tallest bin 0–0.1 m: 4 + 6 = 10, drawn at the full 144 px.
    expect(release.totals.rmse.lod22.histogram.counts[0]).toBe(10)
    expect(rmse22).toContain("<title>0.0–0.1: 10</title></rect>")
    expect(rmse22).toContain("height=\"144.0\"")
  })

  it("colours tiles by LoD2.2 validity and marks the failed one", () => {
    const map = svgs(html)[0]
    expect(elements(map).filter((n) => n === "rect").length).toBe(3)
    expect(map).toMatch(/fill="#1a9850"[^>]*><title>10\/564\/624: LoD2\.2 valid 100\.0%/)
    expect(map).toMatch(/fill="#fee08b"[^>]*><title>10\/564\/626: LoD2\.2 valid 90\.0%/)
    expect(map).toMatch(/fill="#4d4d4d"[^>]*><title>10\/566\/624: .*FAILED: out of &lt;memory&gt;/)
    // Tile 10/564/626 lies north of 10/564/624: smaller SVG y.
    const y = (id: string): number => Number(new RegExp(`<rect x="[^"]*" y="([^"]*)"[^>]*>` +
      `<title>${id.replace(/\//g, "\\/")}`).exec(map)?.[1])
    expect(y("10/564/626")).toBeLessThan(y("10/564/624"))
  })

  it("names every tile, the blockers, and the skipped building; escapes report text", () => {
    for (const id of Object.keys(bounds)) expect(html).toContain(id)
    expect(html).toContain("Not publishable")
    expect(html).toContain("LoD2.2 validity 93.3% is below the configured 95%")
    expect(html).toContain("tile 10/566/624 failed: out of &lt;memory&gt;")
    expect(html).toContain("NL.IMBAG.Pand.S")
    expect(html).toContain("points &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; " +
      "&#39;more&#39;")
    expect(html).not.toMatch(/<script/i)
  })

  it("is self-contained: no external URL, no script, no linked resource", () => {
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<(link|img|iframe|object)\b|\bsrc=|@import|url\(/i)
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true)
    expect(html).toContain("<style>")
  })

  it("renders the same bytes twice", () => {
    expect(releaseReportHtml(release, { tileBounds: bounds })).toBe(html)
  })

  it.skipIf(!existsSync("/usr/bin/chromium"))("renders to PNG in headless Chromium", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "report-html-"))
    try {
      writeFileSync(path.join(dir, "report.html"), html)
      execFileSync("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu",
        `--screenshot=${path.join(dir, "report.png")}`, "--window-size=1200,3000",
        `file://${path.join(dir, "report.html")}`], { stdio: "ignore", timeout: 60_000 })
      const png = readFileSync(path.join(dir, "report.png"))
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("tileReportHtml", () => {
  it("shows one tile without a map: 4 charts, its id and its skipped building", () => {
    const h = tileReportHtml(tileA)
    expect(svgs(h).length).toBe(4)
    expect(h).toContain("tile 10/564/624")
    expect(h).toContain("Skipped buildings (1)")
    expect(h).not.toMatch(/<script/i)
  })
})

describe("escapeHtml / validityColour / histogramSvg", () => {
  it("escapes the five HTML metacharacters", () => {
    expect(escapeHtml("<a href=\"x\">'&'</a>"))
      .toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
  })
  it("maps shares to the legend classes", () => {
    expect([1, 0.99, 0.989, 0.95, 0.9, 0.85, 0.5, null].map(validityColour)).toEqual([
      "#1a9850", "#1a9850", "#91cf60", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#bdbdbd"])
  })
  it("draws an empty histogram without dividing by zero", () => {
    const s = histogramSvg({ labels: ["a", "b"], counts: [0, 0] }, "t", "x")
    expect(s).not.toContain("NaN")
    expect(elements(s).filter((n) => n === "rect").length).toBe(2)
  })
})
