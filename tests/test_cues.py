"""Persuasion cues: bilingual lexicon and patterns, negation, sources and times, extractor output, sidecar metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from features.base import ScreenText, Transcript, TranscriptSegment, VideoContext
from features.cue_lexicon import CUE_TYPES, is_question, load_lexicon
from features.cues import CueDetector, CueExtractor
from features.media.errors import ConfigError
from features.media.probe import VideoInfo
from features.text_sources import TextSpan, collect, sentences


def info(duration_s: float = 30.0, path: str = "clip.mp4") -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path=path, duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def lexical() -> CueDetector:
    return CueDetector(text_model="none")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("限时限量，仅剩3件！", {"scarcity"}),
        ("已售10万+，大家都在抢", {"social_proof"}),
        ("七天无理由退货，正品保证", {"trust"}),
        ("点击左下角小黄车下单", {"call_to_action"}),
        ("领券立减50元，第二件半价", {"price_promo"}),
        ("这是全网最好用的面霜，三天根治痘痘", {"absolute_claim"}),
        ("三个月前我还在为脱发发愁", {"storytelling"}),
        ("支持国货，环保可降解包装", {"values"}),
        ("Only 3 left in stock, today only.", {"scarcity"}),
        ("Over 10,000 five-star reviews from happy customers.", {"social_proof"}),
        ("Free returns and a two-year warranty.", {"trust"}),
        ("Tap the yellow cart to get yours.", {"call_to_action"}),
        ("Use my coupon for 20% off.", {"price_promo", "call_to_action"}),
        ("It is guaranteed to cure acne, the best cream in the world.", {"absolute_claim"}),
        ("Two years ago I couldn't climb the stairs without pain.", {"storytelling"}),
        ("Every piece is handmade from recycled fabric.", {"values"}),
    ],
)
def test_each_type_in_both_languages(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "This is not the best time to buy.",
        "It's not on sale right now.",
        "The shirt is 100% cotton.",
        "First, rinse the rice twice.",
        "这不是限量款，随时能买到。",
        "今天不打折。",
        "第一步先洗脸。",
        "我最喜欢的季节是秋天。",
        "最近天气变冷了。",
        "这件是百分之百纯棉的。",
        "Is this the best one?",
        "这家店的退货规则我也不太清楚。",
    ],
)
def test_hard_negatives_carry_no_cue(lexical: CueDetector, text: str) -> None:
    assert lexical.types_in(text) == set()


def test_questions_and_negator_inside_a_cue_phrase(lexical: CueDetector) -> None:
    assert is_question("有优惠吗") and is_question("Any coupon?") and not is_question("Buy now!")
    # "don't" belongs to the call to action, so it does not negate the scarcity cue that follows
    assert {"call_to_action", "scarcity"} <= lexical.types_in("Don't miss out, limited stock.")
    assert "scarcity" in lexical.types_in("不要错过限时优惠")


def test_sentences_interpolate_times_over_characters() -> None:
    parts = sentences(TextSpan("Hello there. Order now!", "speech", 10.0, 12.3))
    assert [p.text for p in parts] == ["Hello there.", "Order now!"]
    assert parts[0].start_s == pytest.approx(10.0) and parts[1].end_s == pytest.approx(12.3)
    assert parts[0].end_s < parts[1].start_s


def test_extractor_keeps_sources_and_times_apart() -> None:
    transcript = Transcript(
        "zh",
        "限时限量仅剩三件。我以前皮肤很差。",
        (
            TranscriptSegment(0.0, 2.0, "限时限量仅剩三件。"),
            TranscriptSegment(2.0, 4.0, "我以前皮肤很差。"),
        ),
    )
    screen = [ScreenText(5.0, 8.0, "全网最低价 领券立减30")]
    context = VideoContext(info=info(60.0), transcript=transcript, screen_text=screen,
                           metadata={"title": "Free returns on every order"})
    extractor = CueExtractor(text_model="none")
    extractor.start(context)
    output = extractor.validated(extractor.finish(context))
    cues = output.sections["cues"]
    by_type = {(c["type"], c["source"]) for c in cues}
    assert ("scarcity", "speech") in by_type
    assert ("storytelling", "speech") in by_type
    assert ("absolute_claim", "screen") in by_type and ("price_promo", "screen") in by_type
    assert ("trust", "metadata") in by_type
    scarcity = next(c for c in cues if c["type"] == "scarcity")
    assert 0.0 <= scarcity["start_s"] < scarcity["end_s"] <= 2.0
    metadata_cue = next(c for c in cues if c["source"] == "metadata")
    assert metadata_cue["start_s"] is None
    signals = output.signals
    assert signals["cues_absolute_claim"] == 1.0 and "compliance_risk" not in signals  # features.compliance owns it
    assert signals["cue_types"] == 5.0
    assert signals["cues_per_minute"] == pytest.approx(4.0)  # 4 timed cues in one minute
    assert all(e.kind == "cue" and e.detail["source"] != "metadata" for e in output.events)
    assert set(c["type"] for c in cues) <= set(CUE_TYPES)


def test_no_text_gives_zero_counts_and_no_risk() -> None:
    context = VideoContext(info=info())
    extractor = CueExtractor(text_model="none")
    output = extractor.validated(extractor.finish(context))
    assert output.signals["cue_types"] == 0.0 and output.signals["cues_absolute_claim"] == 0.0
    assert output.sections["cues"] == []


def test_sidecar_json_and_csv_give_metadata(tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"")
    (tmp_path / "clip.json").write_text(json.dumps({"title": "Summer sale", "hashtags": ["#deal", "skincare"]}), encoding="utf-8")
    spans = {s.field: s.text for s in collect(VideoContext(info=info(path=str(video)))).metadata}
    assert spans == {"title": "Summer sale", "hashtags": "deal skincare"}
    (tmp_path / "clip.json").unlink()
    (tmp_path / "clip.csv").write_text("Id,Title,Description\nother,x,y\nclip,限时折扣,七天无理由退货\n", encoding="utf-8")
    context = VideoContext(info=info(path=str(video)), metadata={"title": "CLI title wins"})
    spans = {s.field: s.text for s in collect(context).metadata}
    assert spans == {"title": "CLI title wins", "description": "七天无理由退货"}


def test_user_lexicon_extends_terms(tmp_path: Path) -> None:
    from features.cue_lexicon import CueLexicon

    lexicon = CueLexicon({"cues": {"values": {"en": {"terms": ["rewilding"]}, "zh": {"terms": ["碳汇"]}}}})
    detector = CueDetector(lexicon=lexicon, text_model="none")
    assert detector.types_in("We fund rewilding projects.") == {"values"}
    assert detector.types_in("每单都捐给碳汇项目") == {"values"}
    with pytest.raises(ValueError, match="unknown cue types"):
        CueLexicon({"cues": {"urgency": {}}})


@pytest.mark.models
def test_default_detector_reads_an_ad_law_phrase_as_an_absolute_claim() -> None:
    text = "喝了这个茶，血糖就能回到正常值。"
    assert "absolute_claim" not in CueDetector(text_model="none").types_in(text)  # no lexicon entry
    assert CueDetector().types_in(text) == {"absolute_claim"}  # the compliance check flags it (medical)
    assert "absolute_claim" not in CueDetector().types_in("专柜验货，假一赔十。")  # a payout promise is trust


def test_embedding_paraphrase_finds_wording_outside_the_lexicon() -> None:
    detector = CueDetector(text_model="all-MiniLM-L6-v2")  # another text model: lexicon + prototype similarity
    text = "If it breaks during the first couple of years they swap it for a new one at no charge."
    assert "trust" not in CueDetector(text_model="none").types_in(text)
    assert "trust" in detector.types_in(text)
    assert detector.types_in("My cat likes to sleep on the sofa.") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # number-based scarcity, deadlines and purchase caps, digits or words
        ("We've got maybe fifteen of the beige left.", {"scarcity"}),
        ("Forty-eight hours left on this bundle.", {"scarcity"}),
        ("It all goes away at midnight.", {"scarcity"}),
        ("Each account can only check out two.", {"scarcity"}),
        ("后台显示还有十二件。", {"scarcity"}),
        ("每人最多拍两单。", {"scarcity"}),
        ("这批只做了两百套。", {"scarcity"}),
        # price promos in productive forms
        ("Save $15 when you spend $60.", {"price_promo"}),
        ("That's thirty percent off the sticker price.", {"price_promo"}),
        ("Buy 2, get 1 free on every candle.", {"price_promo"}),
        ("买两盒送一盒。", {"price_promo"}),  # the numeral 一 is glued to 盒 by jieba
        # narrative: past tense with a time anchor, founders, before/after
        ("When I turned forty my knees started to complain.", {"storytelling"}),
        ("Our founder was a midwife who hated cold gel.", {"storytelling"}),
        ("Before: dull and patchy.", {"storytelling"}),
        ("Remember when I showed you my cracked hands in March?", {"storytelling"}),  # rhetorical question keeps a story
        # values beyond single keywords
        ("Each rug is woven by hand by refugees in our town.", {"values"}),
        ("The soles are made from recycled tyres.", {"values"}),
        ("我们把一半的收益拿来资助乡村教师。", {"values"}),
    ],
)
def test_productive_patterns_generalise(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I was just about to say that!",  # first-person past tense without a time anchor is no story
        "I used the low setting for this one.",
        "Let the dough rest for 24 hours.",
        "If you're in a hurry, this one is quicker.",
        "I was up until midnight packing orders.",
        "这个包我入手快三年了。",  # a past purchase is no call to action
        "你们看我收藏的这些杯子。",
        "上车以后我再给你们看后备箱。",
        "这个不是限定款。",
        "买之前我会先看成分表。",
    ],
)
def test_descriptive_uses_are_not_cues(lexical: CueDetector, text: str) -> None:
    assert lexical.types_in(text) == set()


def test_hedge_only_covers_its_own_clause(lexical: CueDetector) -> None:
    assert lexical.types_in("I'm not sure what their refund policy is.") == set()
    assert lexical.types_in("Honestly I don't think it's a limited edition.") == set()
    # English: only cues after the hedge in its clause are withdrawn
    assert lexical.types_in("Stock is low and I don't know when more arrives.") == {"scarcity"}
    # Chinese: the hedge withdraws its clause only, not the clause before the comma
    assert lexical.types_in("货不多了，我也不知道还能卖多久。") == {"scarcity"}
    assert lexical.types_in("退货规则我也不太清楚。") == set()


def test_excludes_expand_macros_and_anchors_are_configurable() -> None:
    from features.cue_lexicon import CueLexicon

    lexicon = CueLexicon({
        "cues": {
            "price_promo": {"en": {"terms": ["deal"], "exclude": [r"\b{NUM}\s+deals?\b"]}},
            "storytelling": {"en": {"anchored_patterns": [r"\bi\s+(was|had)\b"]}},
        },
        "first_person": {"en": r"\bi\b"},
        "time_anchors": {"en": [r"\bago\b"]},
    })
    detector = CueDetector(lexicon=lexicon, text_model="none")
    assert detector.types_in("What a deal.") == {"price_promo"}
    assert detector.types_in("We compared three deals.") == set()  # {NUM} expands inside exclude
    assert detector.types_in("I was a nurse years ago.") == {"storytelling"}
    assert detector.types_in("I was a nurse.") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # deadlines and stock in free word order, digits or numerals
        ("Pre-orders wrap up Thursday at noon.", {"scarcity"}),
        ("Twenty minutes until this bundle vanishes.", {"scarcity"}),
        ("The few we have left are in the back.", {"scarcity"}),
        ("本周日晚上结束预售。", {"scarcity"}),
        ("剩下的不到五十份。", {"scarcity"}),
        ("每单限买两个。", {"scarcity"}),
        ("零点一过，价格就回去了。", {"scarcity"}),
        # price paraphrases
        ("That's a quarter off the usual price.", {"price_promo"}),
        ("The kit is 25 bucks cheaper during the live.", {"price_promo"}),
        ("You pay for one pair and take home two.", {"price_promo"}),
        ("The refill pouch uses 80% less plastic.", {"values"}),  # a percentage that is no discount
        # narrative anchors and values inside jieba compounds
        ("We opened the bakery in 2015 with one oven.", {"storytelling"}),
        ("Last August I was too anxious to leave the house.", {"storytelling"}),
        ("这些都是传统手工艺品。", {"values"}),
        ("包装用的是再生纸。", {"values"}),
        # a relative clause "还没拍的" does not negate the call to action that follows
    ],
)
def test_general_patterns_for_weak_types(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The store closes at 9 on weekdays.",  # opening hours are no deadline
        "The sale section on their site is a mess to navigate.",
        "现在库存还有好几千件。",  # a large stock count is no scarcity
        "购物车里的东西我还没来得及付款。",  # mentions of cart, link, like without urging the viewer
        "上次那个链接我点进去发现是别的店。",
        "你们点赞的那条视频我也看到了。",
        "直播间的小黄车今天有点卡。",
        "这个独立包装很方便。",  # 独立 as a packaging term, not independence
    ],
)
def test_new_patterns_keep_hard_negatives(lexical: CueDetector, text: str) -> None:
    assert lexical.types_in(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # scarcity: run caps, no second round, live-only, restock far away, end of the live
        ("The collab is limited to 300 sets worldwide.", {"scarcity"}),
        ("One-time release, no second run.", {"scarcity"}),
        ("This shade is exclusive to this stream.", {"scarcity"}),
        ("The next shipment isn't due until spring.", {"scarcity"}),
        ("这套是本场专属，平时不上架。", {"scarcity"}),
        ("这批卖完下一批要等到明年。", {"scarcity"}),
        ("优惠券每人限领两张，领完为止。", {"scarcity", "price_promo"}),
        # storytelling: "here's what happened", day N vs day M, months into, rock bottom
        ("Here's what happened when I tried it on my sister.", {"storytelling"}),
        ("Week 1 vs week 8, same lighting.", {"storytelling"}),
        ("Three months into recovery, I could finally walk again.", {"storytelling"}),
        # values: speaking up for, second-hand circulation, local brands, reusable
        ("我们一直为流浪动物发声。", {"values"}),
        ("闲置衣物循环起来，也是一种态度。", {"values"}),
        ("这个保温杯可以重复使用，告别一次性杯子。", {"values"}),
    ],
)
def test_dev4_patterns_for_weak_cells(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The deadline for entries was last Friday.",  # a past deadline
        "Turn the oven dial and the countdown starts.",  # appliance countdown
        "The last time I checked, it was sunny.",  # figure of speech, no narrative
        "The episode was filmed three years ago.",  # a dated event that is not personal
        "截止到目前，天气都还不错。",  # 截止 meaning "as of"
        "这款手机回收能卖多少钱？",  # 回收 as trade-in
        "环保袋是另外收费的，两块一个。",  # a product name, not a value claim
    ],
)
def test_dev4_hard_negatives(lexical: CueDetector, text: str) -> None:
    assert lexical.types_in(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # scarcity without a keyword: waits, stock running dry, links coming down, one pot, closing groups
        ("这回不抢，下一批又得等好几个月。", {"scarcity"}),
        ("主播这边的库存已经是个位数了。", {"scarcity"}),
        ("再过一会儿我就要下链接了。", {"scarcity"}),
        ("这批货一清，库房就空了。", {"scarcity"}),
        ("凑满两百人就截团。", {"scarcity"}),
        # storytelling without a time anchor: "so this happened", "my first ... was", "that's how I", "my X told me"
        ("So something funny happened at the gym with these leggings.", {"storytelling"}),
        ("My very first batch of jam was pure sugar soup.", {"storytelling"}),
        ("We lost our luggage in Rome, which is how I found this packing cube.", {"storytelling"}),
        ("My coach warned me my shoes were wrecking my knees.", {"storytelling"}),
        # values told through the product story
        ("我们的衣服不必为身材焦虑买单，每种身材都值得被看见。", {"values"}),
        ("这些杯垫是用回收的咖啡渣压出来的，再做成杯垫。", {"values"}),
        ("店里的包装全换成了纸胶带，没有一块泡沫。", {"values"}),
        ("无论什么年龄，都值得穿得漂亮。", {"values"}),
        ("这门手艺在我们家传了四代人。", {"values"}),
        ("这批样品从没在动物身上做过任何测试。", {"values"}),
        ("姐妹们一定要有自己的事业。", {"values"}),
        ("I was juggling two jobs and my hair was falling out.", {"storytelling"}),
        ("I kept losing earrings until my sister gave me this tray.", {"storytelling"}),
    ],
)
def test_dev5_patterns_for_weak_cells(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "这款手机壳只有两个颜色可以选。",  # a spec, not limited stock
        "等这批卖空了我们再补新款。",  # a future sell-out is not past demand
        "这件毛衣的绿色比照片深一点。",  # 绿色 as a colour
        "你们评论刷得太快了，我看不过来。",  # describing chat, no call to action
        "I remember to water the plant on Sundays.",  # habit, no narrative
        "Picture this on the wall above your sofa.",  # imagine the product, no story
        "My dermatologist recommends wearing sunscreen daily.",  # generic advice, no product endorsement
        "I applied my first coat and waited ten minutes.",  # a tutorial step
        "这块手绘板的压感很灵敏。",  # a drawing tablet, not handmade
        "I keep losing my keys, so this tray helps.",  # present habit, no narrative
    ],
)
def test_dev5_hard_negatives(lexical: CueDetector, text: str) -> None:
    assert lexical.types_in(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # en storytelling: third-person, origin, dialogue, confession, failed attempts, milestones
        ("My neighbour came over with a casserole and asked what I was using on my roses.", {"storytelling"}),
        ("A viewer messaged me last night with a photo of her first loaf.", {"storytelling"}),
        ("He designed the first version after his wife kept losing her keys.", {"storytelling"}),
        ("We launched it out of a tiny apartment with one borrowed laptop.", {"storytelling"}),
        ("Confession: I was the guy who laughed at electric toothbrushes.", {"storytelling"}),
        ("I tried oils, masks, even rice water, and nothing changed.", {"storytelling"}),
        ("After the second wash, the colour stayed exactly the same.", {"storytelling"}),
        ("Let me tell you about the time my suitcase exploded at the airport.", {"storytelling"}),
        ("Fifteen minutes into the run, my old headphones slipped right out.", {"storytelling"}),
        # zh values: income kept local, hiring, culture abroad, waste as a stance, inclusion
        ("我们把烘焙坊开在镇上，就是想把工作留在本地。", {"values"}),
        ("车间里的师傅一半是听障朋友。", {"values"}),
        ("我们想让外国人也认识一下中国的剪纸。", {"values"}),
        ("吃剩的面包我们不想倒掉，每天都送到附近的养老院。", {"values"}),
        ("拆开的快递箱不会留下一点垃圾。", {"values"}),
        ("这本画册是自闭症的孩子们画的。", {"values"}),
        ("美不止一种，每个人都有自己的样子。", {"values"}),
    ],
)
def test_dev6_patterns_for_weak_cells(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Let me tell you about the two colours we have.",  # product info, not a story
        "This video is about how to descale a kettle.",  # a tutorial
        "After the second wash, tumble dry on low.",  # a care instruction
        "Ten minutes into the class, you'll feel your core working.",  # future, second person
        "My cousin tried it too.",  # a bare past event, no narrative
        "By week two, the redness was almost gone.",  # a past symptom is not low stock
        "老师傅明天休息，周四再发货。",  # 老师傅 in a logistics line
        "省电模式下亮度会降低。",  # an appliance mode, not a value
        "这辈子只做一件事的人很少见。",  # an idiom, not a stock limit
    ],
)
def test_dev6_hard_negatives(lexical: CueDetector, text: str) -> None:
    expected = {"storytelling"} if text.startswith("By week two") else set()
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # social proof told through counts, ratings, crowds and circles of people
        ("这款保温杯上架半年卖了四十多万个。", {"social_proof"}),
        ("上周线下快闪店门口排了两个小时的队。", {"social_proof"}),
        ("店铺评分四点九，好几年没掉过。", {"social_proof"}),
        ("好多健身博主都在吃这款蛋白棒。", {"social_proof"}),
        ("Half the moms at school pickup carry this tote.", {"social_proof"}),
        ("Nine out of ten people who tried the sample bought the full size.", {"social_proof"}),
        ("We've had 1,200 reorders this month alone.", {"social_proof"}),
        # trust: exchanges, inspection and authorised sellers
        ("三十天内尺码不合适，随时免费换。", {"trust"}),
        ("可以先验货再签收，不对版直接拒收就行。", {"trust"}),
        ("This seller is the brand's official flagship store.", {"trust"}),
        # calls to action in platform slang
        ("Stitch this and tell me I'm wrong.", {"call_to_action"}),
        ("这批货卖一件少一件，补不到了。", {"scarcity"}),  # stock running out, not sales evidence
        # round 10
        ("Every nurse I work with switched to these clogs.", {"social_proof"}),
        ("Flash sale: $19.99 instead of $35, ten minutes only.", {"scarcity", "price_promo"}),
        ("倒数十秒，三二一，链接即将关闭", {"scarcity"}),
        ("If it arrives damaged, message us and we will send a new one.", {"trust"}),  # support, not a call to action
        ("Over 2 million sold on the shop this year.", {"social_proof"}),
        # round 11
        ("要黑色的扣黑，要白色的扣白", {"call_to_action"}),
        ("拉上室友一起拍，两件直接减30", {"call_to_action", "price_promo"}),
        ("Add it to cart now while you're thinking about it.", {"call_to_action"}),
        # round 12: social proof from votes, messages, groups of people and past restocks
        ("It won the readers' choice award in a customer vote two years running.", {"social_proof"}),
        ("People keep tagging me in videos of them using this milk frother.", {"social_proof"}),
        ("Nurses at my hospital basically all switched to these compression socks.", {"social_proof"}),
        ("Every mom at my daughter's daycare pickup has this stroller fan clipped on.", {"social_proof"}),
        ("Our last restock of the matcha kit was gone before the live even ended.", {"social_proof"}),
        ("Folks in the comments who bought it last week are saying it fits true to size.", {"social_proof"}),
        ("Head to checkout now, babes.", {"call_to_action"}),
        ("Pop the baby sleep sack in your basket.", {"call_to_action"}),
        ("Only 200 of these baskets were made this season.", {"scarcity"}),
        ("公益路那家实体店也能退换，线上买的拿过去就行。", {"trust"}),
        ("这台空调是同价位里最安静的。", {"absolute_claim"}),
        ("这批樱桃是季节货，过了这半个月就没有了。", {"scarcity"}),
        ("店铺首页有二十元无门槛优惠券。", {"price_promo"}),  # 无 inside 无门槛 negates nothing
        ("这件外套用的是旧牛仔裤拆下来重新拼的面料。", {"values"}),
        ("买满两百送一个环保袋，装东西挺能装的。", {"price_promo"}),  # the tote is a gift, not a value
        # round 13: trust in other words, calls to action in slang, scarcity of one batch, more superlatives
        ("You get 30 days to return it if it does not work for you.", {"trust"}),
        ("If a zipper ever breaks, our repair team fixes it for free.", {"trust"}),
        ("这个空调享受三年免费上门维修。", {"trust"}),
        ("打开购物车，选好你的尺码，马上付款。", {"call_to_action"}),
        ("来，所有人屏幕上点点小红心。", {"call_to_action"}),
        ("没关注的宝子点一下左上角的关注。", {"call_to_action"}),  # 没 names who is addressed, it negates nothing
        ("今年的明前龙井就这么一批，采完就没了。", {"scarcity"}),
        ("每人仅限购买一单，系统会自动拦截。", {"scarcity"}),
        ("这款手机壳是最耐摔的，从三楼扔下去都不坏。", {"absolute_claim"}),
        ("用了这个生发液，秃顶也能重新长出头发。", {"absolute_claim"}),
        # round 14
        ("They buy their wool from small local sheep farms in Vermont.", {"values"}),
        ("The beeswax wraps replace plastic wrap in your kitchen.", {"values"}),
        ("My sister's whole gym group switched to these grip gloves after she showed them.", {"social_proof"}),
        ("Half of BeautyTok has been posting this lip oil for a month.", {"social_proof"}),
        ("The pet food is made in a facility that passed an independent safety audit.", {"trust"}),
        ("They offer a lifetime repair promise on the zippers of this backpack.", {"trust"}),
        ("If it turns out to be fake, the store pays you back ten times what you paid.", {"trust"}),
        ("Down to the final 9 dash cams in this batch.", {"scarcity"}),
        ("It's the lightest stroller ever built.", {"absolute_claim"}),
        ("Originally $120, the headphones are $79 in my shop right now.", {"price_promo"}),
        ("尺码不合适可以免费换，十四天内都行。", {"trust"}),  # 不合适 states the condition, it negates nothing
        ("可以拿到专柜去验，验出不是正品全额退款。", {"trust"}),
        ("这副眼镜永远摔不坏。", {"absolute_claim"}),
        ("宠物推车供货太紧张，一户只能买一台。", {"scarcity"}),
        ("艾特一下你的健身搭子，他需要这个助力带。", {"call_to_action"}),
        ("Buy one and the second one is half price.", {"price_promo"}),  # a deal, not an urge
        ("We make these once a year, in November, and that's it.", {"scarcity"}),  # a schedule, not a story
        ("My little brother saved his delivery tips for months to buy this keyboard.", {"storytelling"}),  # not an urge
        ("Head to my storefront and pick the starter kit.", {"call_to_action"}),
        ("A few years back my mom was diagnosed with high blood pressure, and our whole family changed how we eat.",
         {"storytelling"}),  # a family, not buyers
        # values stated as a practice the brand refuses: the negator belongs to the value
        ("这款面霜从不做动物测试。", {"values"}),
        ("我们从来不用童工，每一位工人都有合理的工资。", {"values"}),
        # round 15: "no" negates (it was read as YAML false before), except in phrases that deny nothing
        ("There's no coupon on this one, it's just the regular price.", set()),
        ("Returns within 30 days, no questions asked.", {"trust"}),
        ("It's down from forty-nine dollars to twenty-nine.", {"price_promo"}),
        ("Spend $80 and $15 comes off automatically.", {"price_promo"}),
        ("Follow along, part three drops tomorrow.", {"call_to_action"}),
        ("So many of you came back to buy it again for your sisters.", {"social_proof"}),
        ("You guys bought over two thousand of these in the last hour.", {"social_proof"}),
        ("The product link shows the size chart if you scroll down.", set()),
    ],
)
def test_round8_to_15_patterns(lexical: CueDetector, text: str, expected: set[str]) -> None:
    assert lexical.types_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The link in my bio is from an older video.",  # a mention, not an urge
        "I'm not going to tell you to buy this, it's pricey.",  # negated far from the verb
        "I never ask you guys to follow me, I just like making these.",
        "Grab a towel before you start, it gets messy.",  # a usage step
        "I read every comment, even the mean ones.",
        "Put it on eco mode and it runs quieter.",  # an appliance mode, not a value
        "These jeans have a vintage wash finish.",
        "Reviews are mixed, so I wanted to test it myself.",
        "My plan is to wear it to my cousin's wedding in June.",  # a plan, not a story
        "保修多久我还得问一下厂家。",  # an open question about the warranty
        "百分之百桑蚕丝，重量是二十二姆米。",  # composition, not an efficacy claim
        "这是低碳水面包，每片碳水大概十二克。",  # low-carb, not low-carbon
        "lol my dog is obsessed with the box",  # a pet, not buyers
        "这件我穿了一天，腰这里有点勒",  # a fitting note, not a story
        "有没有人知道这个怎么加购？",  # a viewer's question
        "小黄车里的价格跟直播间是一样的",  # the cart mentioned in passing
        "私信太多了，我一条条慢慢回",
        # round 12
        "Don't feel like you have to buy it.",  # a relaxed urge: the hedge drops the cue after it
        "Is the orange cart showing up for you guys?",  # a question about the cart, not an urge
        "The comments are turned off on my last video because of spam.",  # my last video, not the last units
        "Half of the jar is already gone because I use it every day.",
        "我们的仓库在公益路十八号，同城可以自提。",  # an address
        "我现在一百二十斤了。",  # 现在一百二 is a weight, not a price
        "这款现在一共三个颜色。",
        # round 13 and 14
        "Press the button twice to switch to low heat.",  # a usage step
        "I share this blanket with my dog every night.",
        "We have over 5,000 in the warehouse, so there is plenty for everyone.",
        "The countdown timer on this kitchen clock is super easy to set.",
        "I only have a few minutes before my toddler wakes up from her nap.",
        "Let it dry for ten minutes before the second coat.",
        "It takes about 24 hours for the glue to fully cure.",
        "My cousin Charity is helping me pack orders today.",
        "Keep a sustainable pace on the bike for the first ten minutes.",
        "My dog is a certified couch potato.",
        "This sauce has that authentic smoky flavor.",
        "This one is made for damaged, bleached hair.",
        "My refund from the airline still has not come through, ugh.",
        "I recycled this joke from my last video, sorry.",
        "这个牌子的售后政策我没研究过。",  # a hedge
        "我不敢说它是最好的，只能说我自己用着还不错。",
        "这个停车场限时停车两小时，拍视频的时候差点被贴条。",
        "这个我们随时都在补货，断货了过两天就有。",
        "一号链接是昨天那款毛衣，今天讲的是新品。",  # the link mentioned in passing
        "这个袋子不是塑料袋，是帆布的。",
        "You will thank me in January.",  # a promise about the future, not a story
        "I put the link in my bio, but honestly I'm still deciding if I like it.",
        "No idea whether this one is authentic, I bought it secondhand.",  # a hedge; a purchase, not a value
        "库存很充足，每个颜色都有。",  # stock, not buyers
    ],
)
def test_round8_to_15_look_alikes_carry_no_cue(lexical: CueDetector, text: str) -> None:
    assert lexical.types_in(text) == set()


def test_urging_those_who_have_not_bought_is_a_call_to_action(lexical: CueDetector) -> None:
    assert [h.cue for h in lexical.lexicon.match("还没拍的抓紧。", "zh")] == ["call_to_action"]  # 没 names who is addressed


def test_negators_in_not_negating_phrases_are_skipped(tmp_path: Path) -> None:
    base = "negation:\n  zh:\n    window_tokens: 5\n    words: [没]\n{extra}cues:\n  call_to_action:\n    negatable: true\n    zh:\n      terms: [点关注]\n"
    plain = tmp_path / "plain.yaml"
    plain.write_text(base.format(extra=""), encoding="utf-8")
    spared = tmp_path / "spared.yaml"
    spared.write_text(base.format(extra="    not_negating: [\"没关注的\"]\n"), encoding="utf-8")
    text = "没关注的宝子点关注"
    assert load_lexicon(str(plain)).match(text, "zh") == []
    assert [h.cue for h in load_lexicon(str(spared)).match(text, "zh")] == ["call_to_action"]


def test_no_negates_but_not_inside_not_negating_phrases() -> None:
    lexicon = load_lexicon()
    assert "no" in lexicon.negators_en
    assert lexicon.negated_sentence("There is no warranty on this one.", "en")
    assert not lexicon.negated_sentence("They replace it at no charge.", "en")


def test_a_word_yaml_reads_as_a_boolean_is_rejected(tmp_path: Path) -> None:
    lexicon = tmp_path / "cues.yaml"
    lexicon.write_text("negation:\n  en:\n    words: [not, no]\ncues: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cues.yaml: negation.en.words: False is not a word; quote it"):
        load_lexicon(str(lexicon))
