/**
 * A quality report as one self-contained HTML page: inline CSS, inline SVG charts drawn here
 * (RMSE histograms per LoD, height histogram, tile map coloured by LoD2.2 validity), tables of
 * counts, validity codes, skipped and failed buildings. No script, no external URL; all text
 * from the report is escaped. Pure: report in, string out, deterministic.
 */
import { LOD_KEYS, type LodKey } from "./feature-validation.ts"
import {
  type BuildingIssue, type Histogram, lodName, type QualityAggregate
} from "./quality-aggregate.ts"
import type { ReleaseReport, TileReport, TileSummary } from "./quality-report.ts"

/** Tile bounds [minx, miny, maxx, maxy] in any planar CRS (RD New for 3DBAG). */
export type TileBounds = Readonly<Record<string, readonly [number, number, number, number]>>

export interface HtmlOptions {
  readonly tileBounds?: TileBounds
  readonly title?: string
  /** Rows shown per building list; the rest is counted. Default 200. */
  readonly maxRows?: number
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"
}
/** Escapes text for element content and quoted attribute values. */
export const escapeHtml = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ESCAPES[c])

/** Share as a percentage rounded down to 0.1 (99.96% shows as 99.9%, never 100.0%). */
const pct = (s: number | null): string =>
  s === null ? "–" : `${(Math.floor(s * 1000 + 1e-6) / 10).toFixed(1)}%`
const num = (v: number | null, unit = ""): string => (v === null ? "–" : `${v}${unit}`)

/** LoD2.2 validity classes of the tile map, best first. */
export const VALIDITY_CLASSES: ReadonlyArray<readonly [number, string, string]> = [
  [0.99, "#1a9850", "≥ 99%"], [0.95, "#91cf60", "95–99%"], [0.9, "#fee08b", "90–95%"],
  [0.8, "#fc8d59", "80–90%"], [0, "#d73027", "< 80%"]
]
const NO_DATA = "#bdbdbd"
const FAILED = "#4d4d4d"

export const validityColour = (share: number | null): string =>
  share === null ? NO_DATA : (VALIDITY_CLASSES.find(([min]) => share >= min) ?? [0, NO_DATA])[1]

const CSS = `body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;
text-align:left;font-size:.9em}th{background:#f2f2f2}td.n{text-align:right}
.ok{color:#1a7f37;font-weight:bold}.bad{color:#b00020;font-weight:bold}
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:.85em}
svg text{font-size:10px;fill:#333}.note{color:#666;font-size:.85em}`

function table(head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>,
  numeric: ReadonlyArray<number> = []): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")
  const tr = rows.map((r) => `<tr>${r.map((c, i) =>
    `<td${numeric.includes(i) ? " class=\"n\"" : ""}>${escapeHtml(c)}</td>`).join("")}</tr>`)
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr.join("")}</tbody></table>`
}

/**
 * Bar chart of a histogram, 480 × 230 px: bars scaled to the largest count, labels rotated
 * under the bars, each bar with a tooltip title "label: count".
 */
export function histogramSvg(h: Histogram, title: string, xLabel: string): string {
  const W = 480, H = 230, left = 40, right = 10, top = 24, bottom = 62
  const n = h.counts.length, max = Math.max(1, ...h.counts)
  const bw = (W - left - right) / Math.max(1, n), ph = H - top - bottom
  const bars = h.counts.map((c, i) => {
    const bh = (c / max) * ph, x = left + i * bw, y = top + ph - bh
    const lx = x + bw / 2, ly = top + ph + 8
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 1).toFixed(1)}" ` +
      `height="${bh.toFixed(1)}" fill="#4575b4"><title>${escapeHtml(`${h.labels[i]}: ${c}`)}` +
      `</title></rect><text x="${lx.toFixed(1)}" y="${ly}" text-anchor="end" ` +
      `transform="rotate(-50 ${lx.toFixed(1)} ${ly})">${escapeHtml(h.labels[i])}</text>`
  })
  const axis = `<line x1="${left}" y1="${top + ph}" x2="${W - right}" y2="${top + ph}" ` +
    `stroke="#333"/><line x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="#333"/>` +
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end">${max}</text>` +
    `<text x="${left - 4}" y="${top + ph}" text-anchor="end">0</text>`
  const t = escapeHtml(title)
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${t}">` +
    `<text x="${W / 2}" y="14" text-anchor="middle" font-weight="bold">${t}</text>` +
    `${axis}${bars.join("")}<text x="${W / 2}" y="${H - 4}" text-anchor="middle">` +
    `${escapeHtml(xLabel)}</text></svg>`
}

/**
 * Tiles drawn from their bounds (y up), filled by LoD2.2 validity class; failed tiles dark.
 * Tiles without bounds are listed under the map. At most 640 × 800 px, aspect kept.
 */
export function tileMapSvg(tiles: ReadonlyArray<TileSummary>, bounds: TileBounds): string {
  const drawn = tiles.filter((t) => bounds[t.tileId] !== undefined)
  if (drawn.length === 0) return ""
  const bs = drawn.map((t) => bounds[t.tileId])
  const x0 = Math.min(...bs.map((b) => b[0])), y0 = Math.min(...bs.map((b) => b[1]))
  const x1 = Math.max(...bs.map((b) => b[2])), y1 = Math.max(...bs.map((b) => b[3]))
  const pad = 10
  const s = Math.min(620 / Math.max(x1 - x0, 1e-9), 780 / Math.max(y1 - y0, 1e-9))
  const W = Math.ceil((x1 - x0) * s + 2 * pad), H = Math.ceil((y1 - y0) * s + 2 * pad)
  const rects = drawn.map((t) => {
    const [a, b, c, d] = bounds[t.tileId]
    const x = pad + (a - x0) * s, y = pad + (y1 - d) * s, w = (c - a) * s, h = (d - b) * s
    const fill = t.failure !== null ? FAILED : validityColour(t.validShare.lod22)
    const tip = `${t.tileId}: LoD2.2 valid ${pct(t.validShare.lod22)}, ${t.buildings} buildings` +
      (t.failure !== null ? `, FAILED: ${t.failure}` : "")
    const label = w >= 48 && h >= 14 ? `<text x="${(x + w / 2).toFixed(1)}" ` +
      `y="${(y + h / 2 + 3).toFixed(1)}" text-anchor="middle"` +
      `${t.failure !== null ? " style=\"fill:#fff\"" : ""}>${escapeHtml(t.tileId)}</text>` : ""
    return `<g><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" ` +
      `height="${h.toFixed(1)}" fill="${fill}" stroke="#fff" stroke-width="1">` +
      `<title>${escapeHtml(tip)}</title></rect>${label}</g>`
  })
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" ` +
    `aria-label="LoD2.2 validity per tile">` +
    `${rects.join("")}</svg>`
}

function legend(): string {
  const items: Array<readonly [string, string]> = [
    ...VALIDITY_CLASSES.map(([, c, l]) => [c, l] as const), [NO_DATA, "no LoD2.2"],
    [FAILED, "tile failed"]
  ]
  return `<p class="note">${items.map(([c, l]) => `<span style="display:inline-block;` +
    `width:12px;height:12px;background:${c}"></span> ${escapeHtml(l)}`).join(" &nbsp; ")}</p>`
}

const codesText = (codes: Record<string, number>): string =>
  Object.entries(codes).map(([c, n]) => `${c} × ${n}`).join(", ") || "–"

function validitySection(a: QualityAggregate): string {
  const rows = LOD_KEYS.map(([l]) => {
    const v = a.validity[l]
    return [lodName(l), String(v.buildings), String(v.valid), String(v.invalid),
      String(v.unvalidated), pct(v.validShare), codesText(v.codes)]
  })
  return `<h2>Validity per LoD (val3dity)</h2>` + table(
    ["LoD", "buildings", "valid", "invalid", "not validated", "valid share", "error codes"],
    rows, [1, 2, 3, 4, 5])
}

function distributionSection(a: QualityAggregate): string {
  const caption = (l: LodKey): string => {
    const d = a.rmse[l]
    return `${d.count} buildings, median ${num(d.median, " m")}, p90 ${num(d.p90, " m")}`
  }
  const figs = LOD_KEYS.map(([l]) => `<figure>${histogramSvg(a.rmse[l].histogram,
    `RMSE ${lodName(l)}`, "RMSE (m)")}<figcaption>${escapeHtml(caption(l))}</figcaption></figure>`)
  const h = a.height
  const hCap = `${h.count} buildings, median ${num(h.median, " m")}, p90 ${num(h.p90, " m")}`
  figs.push(`<figure>${histogramSvg(h.histogram, "Height b3_h_dak_70p − b3_h_maaiveld",
    "height (m)")}<figcaption>${escapeHtml(hCap)}</figcaption></figure>`)
  const nodata = Object.entries(a.nodataFraction).map(([e, d]) =>
    [e, String(d.count), num(d.median), num(d.p90), num(d.max)])
  return `<h2>RMSE and height</h2><div class="charts">${figs.join("")}</div>` +
    `<h2>Coverage</h2>` + table(["expected footprints", "in output", "missing", "modelled",
    "share in output", "share modelled"], [[num(a.coverage.expected), String(a.coverage.present),
    String(a.coverage.missing), String(a.coverage.modelled), pct(a.coverage.share),
    pct(a.coverage.modelledShare)]], [0, 1, 2, 3]) +
    table(["epoch", "buildings", "nodata fraction median", "p90", "max"], nodata, [1, 2, 3, 4])
}

function countsSection(a: QualityAggregate): string {
  const parts = Object.entries(a.counts).map(([k, m]) =>
    `<div><h3>${escapeHtml(k)}</h3>${table(["value", "buildings"],
      Object.entries(m).map(([v, n]) => [v, String(n)]), [1])}</div>`)
  const skips = Object.entries(a.skipReasons).map(([r, n]) => [r, String(n)])
  return `<h2>Counts</h2><div class="charts">${parts.join("")}</div>` +
    `<h2>Skip reasons</h2>${skips.length > 0 ? table(["reason", "buildings"], skips, [1])
      : "<p>No skipped buildings.</p>"}`
}

function issueSection(title: string, list: ReadonlyArray<BuildingIssue>, total: number,
  maxRows: number): string {
  const shown = list.slice(0, maxRows)
  const withTile = shown.some((i) => i.tileId !== undefined)
  const rows = shown.map((i) => [...(withTile ? [i.tileId ?? ""] : []), i.id,
    i.extrusie ?? "–", i.reason])
  const head = [...(withTile ? ["tile"] : []), "id", "b3_extrusie", "reason"]
  const more = total > shown.length
    ? `<p class="note">${total - shown.length} more not listed (${total} in total).</p>` : ""
  return `<h2>${escapeHtml(title)} (${total})</h2>` +
    (total === 0 ? "<p>None.</p>" : table(head, rows) + more)
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head>` +
    `<body>${body}</body></html>\n`
}

function aggregateBody(a: QualityAggregate): string {
  return validitySection(a) + distributionSection(a) + countsSection(a)
}

/** The release page: publish decision, tile map and table, totals, building lists. */
export function releaseReportHtml(r: ReleaseReport, options: HtmlOptions = {}): string {
  const title = options.title ?? `3D building quality report ${r.version}`
  const maxRows = options.maxRows ?? 200
  const verdict = r.publishable ? `<p class="ok">Publishable</p>`
    : `<p class="bad">Not publishable</p><ul>${r.blockers.map((b) =>
      `<li>${escapeHtml(b)}</li>`).join("")}</ul>`
  const thresholds = LOD_KEYS.map(([l]) => [lodName(l), pct(r.thresholds[l])])
  const map = tileMapSvg(r.tileSummaries, options.tileBounds ?? {})
  const unmapped = r.tileSummaries.filter((t) => options.tileBounds?.[t.tileId] === undefined)
  const tileRows = r.tileSummaries.map((t) => [t.tileId, String(t.buildings), String(t.modelled),
    String(t.skipped), String(t.failed), ...LOD_KEYS.map(([l]) => pct(t.validShare[l])),
    num(t.rmseMedian.lod22, " m"), t.failure ?? ""])
  const body = `<h1>${escapeHtml(title)}</h1><p>Version ${escapeHtml(r.version)}` +
    `${r.generatedAt === null ? "" : `, generated ${escapeHtml(r.generatedAt)}`}; ` +
    `${r.tiles} tiles, ${r.totals.buildings} buildings.</p>${verdict}` +
    table(["LoD", "minimum valid share"], thresholds) +
    `<h2>LoD2.2 validity per tile</h2>${map}${map === "" ? "" : legend()}` +
    (unmapped.length > 0 ? `<p class="note">Without bounds: ${unmapped.map((t) =>
      escapeHtml(t.tileId)).join(", ")}</p>` : "") +
    table(["tile", "buildings", "modelled", "skipped", "failed", "LoD1.2 valid", "LoD1.3 valid",
      "LoD2.2 valid", "RMSE LoD2.2 median", "failure"], tileRows, [1, 2, 3, 4, 5, 6, 7, 8]) +
    aggregateBody(r.totals) +
    issueSection("Failed buildings", r.failed, r.totals.failedCount, maxRows) +
    issueSection("Skipped buildings", r.skipped, r.totals.skippedCount, maxRows)
  return page(title, body)
}

/** The page of one tile. */
export function tileReportHtml(t: TileReport, options: HtmlOptions = {}): string {
  const title = options.title ?? `3D building quality report, tile ${t.tileId}`
  const maxRows = options.maxRows ?? 200
  const body = `<h1>${escapeHtml(title)}</h1><p>Tile ${escapeHtml(t.tileId)}: ` +
    `${t.buildings} buildings, CRS ${escapeHtml(t.referenceSystem ?? "unknown")}.</p>` +
    aggregateBody(t) +
    issueSection("Failed buildings", t.failed, t.failedCount, maxRows) +
    issueSection("Skipped buildings", t.skipped, t.skippedCount, maxRows)
  return page(title, body)
}

/** Either page, by the kind of report. */
export const reportHtml = (r: ReleaseReport | TileReport, options?: HtmlOptions): string =>
  "version" in r ? releaseReportHtml(r, options) : tileReportHtml(r, options)
