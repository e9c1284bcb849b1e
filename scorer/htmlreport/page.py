"""The whole report page: inline CSS and JS, a sortable and filterable ranked table, one section per video."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from typing import Any

from scorer.explain import top_reason
from scorer.htmlreport.labels import text
from scorer.htmlreport.moments import Moment
from scorer.htmlreport.sections import compliance_badge, overall, video_section
from scorer.rubric import DIMENSIONS

RANK_BY = ("overall", *DIMENSIONS)

CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
color:#111827;background:#fafafa}
body{margin:0 auto;max-width:1100px;padding:16px 20px 60px}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:0 0 .2rem}h3{font-size:.95rem;margin:1.1rem 0 .4rem;color:#374151}
.meta,.muted{color:#6b7280;font-size:.85rem}.notice{background:#fff7ed;border:1px solid #fdba74;padding:6px 10px;border-radius:6px}
section.video{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:16px;margin:18px 0}
.scores{display:flex;gap:12px;align-items:center;flex-wrap:wrap}.gauge-value{font-size:22px;font-weight:700}
.gauge-label{font-size:11px;fill:#4b5563}.comp{font-size:.9rem}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#e5e7eb;font-size:.8rem}
.badge.risk{background:#fee2e2;color:#991b1b;font-weight:600}.badge.ok{background:#dcfce7;color:#166534}
.moments{display:flex;gap:8px;overflow-x:auto;padding-bottom:6px}.moment{margin:0;flex:none}
.moment .frame{position:relative;line-height:0}.moment img{height:160px;border-radius:4px}
.moment svg.boxes{position:absolute;inset:0;width:100%;height:100%}
.box{fill:none;stroke-width:2}.box-face{stroke:#22c55e}.box-hands{stroke:#f59e0b}.box-product_in_use{stroke:#3b82f6}
.box-person{stroke:#a855f7}
figcaption{font-size:.75rem;color:#4b5563;text-align:center;margin-top:3px}
svg text{font-family:inherit}.chart-title{font-size:12px;font-weight:600}.wf-label,.wf-value,.tl-label,.tl-axis{font-size:10px;fill:#374151}
.waterfalls{display:flex;flex-direction:column;gap:6px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}@media (max-width:800px){.cols{grid-template-columns:1fr}}
ol,ul{padding-left:1.2rem;margin:.2rem 0}li{margin:.15rem 0;font-size:.9rem}.t{color:#6b7280;font-variant-numeric:tabular-nums}
mark{background:color-mix(in srgb,var(--cue) 25%,white);border-bottom:2px solid var(--cue);padding:0 1px}
.legend{display:inline-block;font-size:.72rem;margin:4px 8px 0 0}.legend::before{content:"";display:inline-block;width:10px;
height:10px;background:var(--cue);margin-right:3px;vertical-align:-1px}
.rewrite{color:#065f46;font-size:.85rem}.gain{font-weight:700;color:#2a9d8f}.dim{color:#6b7280;font-size:.8rem}
.bar{display:inline-block;height:8px;width:calc(var(--w) * 1.2);max-width:120px;background:#93c5fd;border-radius:4px}
table.ranked{border-collapse:collapse;width:100%;background:#fff;font-size:.88rem}
table.ranked th,table.ranked td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:middle}
table.ranked th{cursor:pointer;user-select:none;background:#f3f4f6;position:sticky;top:0}
table.ranked th.sorted-asc::after{content:" ▲"}table.ranked th.sorted-desc::after{content:" ▼"}
table.ranked td.num{text-align:right;font-variant-numeric:tabular-nums}table.ranked img{height:56px;border-radius:3px}
.filters{margin:8px 0;display:flex;gap:14px;font-size:.9rem}.back{font-size:.75rem;font-weight:400;margin-left:8px}
"""

JS = """
(function(){
  var table=document.querySelector('table.ranked'); if(!table) return;
  var body=table.tBodies[0], heads=table.tHead.rows[0].cells;
  function key(row,i,numeric){var v=row.cells[i].getAttribute('data-v'); if(v===null) v=row.cells[i].textContent;
    if(numeric){var n=parseFloat(v); return isNaN(n)?-Infinity:n;} return v.toLowerCase();}
  Array.prototype.forEach.call(heads,function(th,i){
    if(th.hasAttribute('data-nosort')) return;
    th.addEventListener('click',function(){
      var numeric=th.hasAttribute('data-num'), asc=!th.classList.contains('sorted-asc');
      if(numeric && !th.classList.contains('sorted-asc') && !th.classList.contains('sorted-desc')) asc=false;
      Array.prototype.forEach.call(heads,function(h){h.classList.remove('sorted-asc','sorted-desc');});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=key(a,i,numeric),y=key(b,i,numeric); return (x<y?-1:x>y?1:0)*(asc?1:-1);});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  var fn=document.getElementById('filter-niche'), fc=document.getElementById('filter-compliance');
  function apply(){Array.prototype.forEach.call(body.rows,function(r){
    var okN=!fn.value||r.getAttribute('data-niche')===fn.value, okC=!fc.value||r.getAttribute('data-compliance')===fc.value;
    r.style.display=(okN&&okC)?'':'none';});}
  fn.addEventListener('change',apply); fc.addEventListener('change',apply);
})();
"""


@dataclass
class ReportVideo:
    """One video of the report: its result JSON, key moments (thumbnails filled) and whether the file was found."""

    result: dict[str, Any]
    moments: list[Moment]
    video_found: bool


def _niche_of(result: dict[str, Any]) -> str:
    niche = result.get("niche") or {}
    top = niche.get("top") or []
    return str(niche.get("target") or (top[0].get("id") if top else "") or "-")


def _compliance_key(result: dict[str, Any]) -> str:
    risk = (result.get("compliance") or {}).get("risk")
    return "unknown" if risk is None else ("risk" if risk else "ok")


def ranked_table(videos: list[ReportVideo], by: str, lang: str) -> str:
    """The ranked table (best ``by`` score first) with niche and compliance filters."""
    header = (f'<tr><th data-num>{text("rank", lang)}</th><th data-nosort>{text("thumbnail", lang)}</th>'
              f'<th>{text("video", lang)}</th>'
              + "".join(f"<th data-num>{text(d, lang)}</th>" for d in (*DIMENSIONS, "overall"))
              + f'<th>{text("niche", lang)}</th><th>{text("compliance", lang)}</th><th>{text("top_reason", lang)}</th></tr>')
    rows = []
    for rank, (index, video) in enumerate(_order(videos, by), start=1):
        r = video.result
        scores = r.get("scores") or {}
        thumb = next((m.image for m in video.moments if m.image), "")
        image = f'<img src="{thumb}" alt="">' if thumb else ""
        path = str((r.get("video") or {}).get("path", ""))
        cells = "".join(f'<td class="num" data-v="{scores.get(d, "")}">{_fmt(scores.get(d))}</td>' for d in DIMENSIONS)
        total = overall(r)
        rows.append(
            f'<tr data-niche="{escape(_niche_of(r))}" data-compliance="{_compliance_key(r)}"><td class="num" data-v="{rank}">{rank}</td>'
            f'<td>{image}</td><td><a href="#v{index}">{escape(path.rsplit("/", 1)[-1] or path)}</a></td>{cells}'
            f'<td class="num" data-v="{"" if total is None else total}">{_fmt(total)}</td><td>{escape(_niche_of(r))}</td>'
            f'<td data-v="{_compliance_key(r)}">{compliance_badge(r, lang)}</td><td>{escape(top_reason(r, by))}</td></tr>'
        )
    niches = sorted({_niche_of(v.result) for v in videos})
    niche_options = "".join(f'<option value="{escape(n)}">{escape(n)}</option>' for n in niches)
    filters = (f'<div class="filters"><label>{text("filter_niche", lang)} <select id="filter-niche"><option value="">'
               f'{text("all", lang)}</option>{niche_options}</select></label><label>{text("filter_compliance", lang)} '
               f'<select id="filter-compliance"><option value="">{text("all", lang)}</option><option value="risk">'
               f'{text("risk", lang)}</option><option value="ok">{text("ok", lang)}</option></select></label>'
               f'<span class="muted">{text("sort_hint", lang)}</span></div>')
    return (f'<h2 id="ranked">{text("ranked", lang)}</h2>{filters}<table class="ranked"><thead>{header}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1f}"


def _order(videos: list[ReportVideo], by: str) -> list[tuple[int, ReportVideo]]:
    def score(v: ReportVideo) -> float:
        value = overall(v.result) if by == "overall" else (v.result.get("scores") or {}).get(by)
        return -1.0 if value is None else float(value)

    return sorted(enumerate(videos), key=lambda pair: -score(pair[1]))


def render_page(videos: list[ReportVideo], lang: str = "en", by: str = "overall", top: int | None = None) -> str:
    """The report as one self-contained HTML document (inline CSS/JS/SVG, images as data URIs)."""
    if by not in RANK_BY:
        raise ValueError(f"by must be one of {', '.join(RANK_BY)}, got {by!r}")
    ordered = _order(videos, by)[: top or None]
    chosen = [v for _, v in ordered]
    table = ranked_table(chosen, by, lang) if len(chosen) > 1 else ""
    sections = "".join(video_section(i, v.result, v.moments, v.video_found, lang, ranked=bool(table))
                       for i, v in enumerate(chosen))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{text("title", lang)}</title>'
        f"<style>{CSS}</style></head><body><header><h1>{text('title', lang)}</h1>"
        f'<p class="meta">{len(chosen)} {text("videos", lang)} · {text("generated", lang)} {stamp}</p></header>'
        f"{table}{sections}<script>{JS}</script></body></html>\n"
    )
