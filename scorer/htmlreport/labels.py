"""The report's words in English and Chinese (``--lang en|zh``)."""

from __future__ import annotations

LANGS = ("en", "zh")

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("vidscore report", "vidscore 评分报告"),
    "generated": ("generated", "生成于"),
    "videos": ("videos", "个视频"),
    "ranked": ("Ranked videos", "视频排名"),
    "rank": ("#", "排名"),
    "thumbnail": ("thumbnail", "缩略图"),
    "video": ("video", "视频"),
    "quality": ("quality", "质量"),
    "immersion": ("immersion", "沉浸感"),
    "persuasion": ("persuasion", "说服力"),
    "overall": ("overall", "综合"),
    "niche": ("niche", "品类"),
    "compliance": ("compliance", "合规"),
    "top_reason": ("top reason", "主要原因"),
    "all": ("all", "全部"),
    "risk": ("RISK", "风险"),
    "ok": ("ok", "合规"),
    "unknown": ("-", "-"),
    "filter_niche": ("niche", "品类"),
    "filter_compliance": ("compliance", "合规"),
    "sort_hint": ("click a column to sort", "点击列标题排序"),
    "moments": ("Key moments", "关键画面"),
    "timeline": ("Timeline", "时间轴"),
    "waterfall": ("How each score was reached", "各项得分的构成"),
    "transcript": ("Transcript", "口播文字"),
    "screen_text": ("On-screen text", "画面文字"),
    "compliance_reasons": ("Compliance", "合规检查"),
    "no_risk": ("No advertising-law risk found.", "未发现广告法风险。"),
    "rewrite": ("rewrite", "建议改为"),
    "niche_top": ("Niche (top 3)", "品类判断（前三）"),
    "target": ("target", "目标品类"),
    "suggestions": ("What to change, by expected gain", "改进建议（按预计提升排序）"),
    "gain": ("gain", "预计提升"),
    "no_video": ("The video file is not available here ({path}); thumbnails are left out.",
                 "找不到视频文件（{path}），未生成缩略图。"),
    "no_transcript": ("No speech was transcribed.", "没有识别到口播。"),
    "no_screen_text": ("No on-screen text was read.", "没有识别到画面文字。"),
    "no_suggestions": ("Nothing to suggest.", "暂无建议。"),
    "baseline": ("baseline", "基线"),
    "score": ("score", "得分"),
    "errors": ("Problems while scoring", "评分时的问题"),
    "hook": ("hook", "开头"),
    "cut": ("cut", "切镜"),
    "still": ("still", "静止"),
    "face": ("face", "人脸"),
    "hands": ("hands", "手部"),
    "moment": ("moment", "画面"),
    "lane_cuts": ("cuts", "切镜"),
    "lane_stills": ("stills", "静止"),
    "lane_speech": ("speech", "口播"),
    "lane_text": ("on-screen text", "画面文字"),
    "lane_cues": ("cues", "说服要素"),
    "lane_people": ("faces / hands", "人脸/手"),
    "duration": ("duration", "时长"),
    "failed": ("failed", "失败"),
    "back_to_top": ("back to the table", "返回列表"),
    "others": ("{n} more signals", "其余 {n} 项"),
}

CUE_NAMES: dict[str, tuple[str, str]] = {
    "scarcity": ("scarcity", "稀缺/限时"),
    "social_proof": ("social proof", "社会认同"),
    "trust": ("trust", "信任保障"),
    "call_to_action": ("call to action", "行动号召"),
    "price_promo": ("price promotion", "价格优惠"),
    "absolute_claim": ("absolute claim", "绝对化用语"),
    "storytelling": ("storytelling", "故事"),
    "values": ("values", "价值观"),
}

# One colour per cue type (timeline marks, transcript highlights, legend).
CUE_COLOURS: dict[str, str] = {
    "scarcity": "#e4572e",
    "social_proof": "#29335c",
    "trust": "#17bebb",
    "call_to_action": "#f3a712",
    "price_promo": "#76b041",
    "absolute_claim": "#d7263d",
    "storytelling": "#8e6c8a",
    "values": "#2e86ab",
}


def text(key: str, lang: str, **values: object) -> str:
    """The phrase ``key`` in ``lang``; ``values`` fill its ``{placeholders}``."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    phrase = _TEXT[key][LANGS.index(lang)]
    return phrase.format(**values) if values else phrase


def cue_name(cue_type: str, lang: str) -> str:
    """Display name of a cue type (the id itself when unknown)."""
    names = CUE_NAMES.get(cue_type)
    return names[LANGS.index(lang)] if names else cue_type
