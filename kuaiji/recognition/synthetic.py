"""Synthetic fronts of resident ID cards (居民身份证人像面), photographed as a phone would: made-up people only.

Used by the recognition tests, ``bench/ocr_bench.py`` and the demo data. A card is drawn at 10 px/mm
(85.6 × 54 mm) with the layout of the second-generation card — labels in blue, values in black, the
number along the bottom, a portrait on the right — then laid on a desk, seen in perspective, turned up to
10°, lit unevenly, blurred and saved as JPEG at quality 60.

Names are those of ``kuaiji.core.fakes`` and, now and then, a minority name with the middle dot or a rare
character outside the BMP (drawn in Hanazono Mincho B, as the PDF does); now and then a label or the
ethnicity is printed in a traditional form (漢, 號碼), which the reader must take as its simplified one.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from kuaiji.core.constants import Sex
from kuaiji.core.fakes import fake_birth_date, fake_person_name, fake_resident_id

CJK_FONT = Path(__file__).resolve().parent.parent / "collection" / "fonts" / "wqy-microhei.ttc"
RARE_FONTS = ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",)
DIGIT_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)

#: CJK Unified Ideographs Extension B characters that occur in given names; the recogniser's models
#: know none of them.
RARE_NAME_CHARACTERS = "𠮷𪚥𨭉𡒄𣲗𤧛𥖄𦰡"
MINORITY_NAMES = (
    "买买提·艾力",
    "阿依古丽·吐尔逊",
    "热依拉·努尔",
    "艾克拜尔·米吉提",
    "古丽娜尔·买买提",
    "扎西·多吉",
    "次仁·卓玛",
    "巴特尔·其其格",
    "努尔兰·哈力克",
    "迪丽热巴·阿不都",
)
ETHNIC_GROUPS = ("汉", "汉", "汉", "汉", "回", "藏", "蒙古", "维吾尔", "土", "撒拉", "哈萨克", "满", "壮")
TRADITIONAL = {"汉": "漢", "号码": "號碼", "别": "別"}
STREETS = ("五四大街", "胜利路", "黄河路", "昆仑中路", "同仁路", "七一路", "文化街", "建设巷", "海湖大道")
PLACES = (
    "青海省西宁市城西区",
    "青海省西宁市城东区",
    "青海省海东市乐都区",
    "青海省海西蒙古族藏族自治州格尔木市",
    "青海省海北藏族自治州海晏县",
    "甘肃省兰州市城关区",
    "四川省成都市武侯区",
)
PLACE_CODES = {
    "青海省西宁市城西区": "630104",
    "青海省西宁市城东区": "630102",
    "青海省海东市乐都区": "630202",
    "青海省海西蒙古族藏族自治州格尔木市": "632801",
    "青海省海北藏族自治州海晏县": "632223",
    "甘肃省兰州市城关区": "620102",
    "四川省成都市武侯区": "510107",
}

CARD_SIZE = (856, 540)
LABEL_COLOUR = (58, 104, 156)
VALUE_COLOUR = (20, 20, 24)
ADDRESS_LINE_CHARS = 11


@dataclass(frozen=True)
class CardFace:
    """What the card says: the truth a reading is measured against."""

    name: str
    sex: str  # 男 / 女
    ethnicity: str  # as on the card, without 族: 汉, 维吾尔
    birth_date: date
    address: str
    number: str


def fake_card_face(*, rng: random.Random, rare: float = 0.05, minority: float = 0.1) -> CardFace:
    """A made-up person as their card would print them. ``rare`` and ``minority`` are the shares of names
    with a character outside the BMP and of names with the middle dot."""
    roll = rng.random()
    if roll < rare:
        base = fake_person_name(rng=rng)
        name = base[0] + rng.choice(RARE_NAME_CHARACTERS) + base[2:]
    elif roll < rare + minority:
        name = rng.choice(MINORITY_NAMES)
    else:
        name = fake_person_name(rng=rng)
    sex = rng.choice([Sex.MALE, Sex.FEMALE])
    birth = fake_birth_date(rng=rng)
    place = rng.choice(PLACES)
    number = fake_resident_id(rng=rng, region_code=PLACE_CODES[place], birth_date=birth, sex=sex)
    if rng.random() < 0.15:
        # Ending in X: draw again until the check digit is X (one in eleven).
        while not number.endswith("X"):
            number = fake_resident_id(rng=rng, region_code=PLACE_CODES[place], birth_date=birth, sex=sex)
    address = f"{place}{rng.choice(STREETS)}{rng.randint(1, 299)}号"
    if rng.random() < 0.4:
        address += f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2804)}室"
    return CardFace(
        name=name,
        sex="男" if sex == Sex.MALE else "女",
        ethnicity=rng.choice(ETHNIC_GROUPS),
        birth_date=birth,
        address=address,
        number=number,
    )


def card_photo(face: CardFace, *, rng: random.Random, distort: bool = True, quality: int = 60) -> bytes:
    """A JPEG of the card's front as a phone would take it (``distort=False``: the flat card itself)."""
    card = draw_card(face, traditional=rng.random() < 0.08)
    image = _photograph(card, rng=rng) if distort else card
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def draw_card(face: CardFace, *, traditional: bool = False) -> Image.Image:
    """The card as printed, 856 × 540 px."""
    card = Image.new("RGB", CARD_SIZE, (238, 240, 234))
    draw = ImageDraw.Draw(card)
    _pattern(draw)
    label_font, value_font = _font(CJK_FONT, 26), _font(CJK_FONT, 34)
    sex_label = "性  " + ("別" if traditional else "别")
    ethnicity = TRADITIONAL.get(face.ethnicity, face.ethnicity) if traditional else face.ethnicity
    number_label = "公民身份" + ("號碼" if traditional else "号码")

    draw.text((56, 62), "姓  名", font=label_font, fill=LABEL_COLOUR)
    _mixed_text(draw, (160, 54), face.name, size=36, fill=VALUE_COLOUR)
    draw.text((56, 128), sex_label, font=label_font, fill=LABEL_COLOUR)
    draw.text((160, 122), face.sex, font=value_font, fill=VALUE_COLOUR)
    draw.text((290, 128), "民  族", font=label_font, fill=LABEL_COLOUR)
    draw.text((392, 122), ethnicity, font=value_font, fill=VALUE_COLOUR)
    draw.text((56, 192), "出  生", font=label_font, fill=LABEL_COLOUR)
    born = face.birth_date
    draw.text((160, 186), f"{born.year}", font=value_font, fill=VALUE_COLOUR)
    draw.text((254, 192), "年", font=label_font, fill=LABEL_COLOUR)
    draw.text((296, 186), f"{born.month}", font=value_font, fill=VALUE_COLOUR)
    draw.text((344, 192), "月", font=label_font, fill=LABEL_COLOUR)
    draw.text((386, 186), f"{born.day}", font=value_font, fill=VALUE_COLOUR)
    draw.text((434, 192), "日", font=label_font, fill=LABEL_COLOUR)
    draw.text((56, 256), "住  址", font=label_font, fill=LABEL_COLOUR)
    for index, start in enumerate(range(0, len(face.address), ADDRESS_LINE_CHARS)):
        line = face.address[start : start + ADDRESS_LINE_CHARS]
        draw.text((160, 250 + 42 * index), line, font=_font(CJK_FONT, 32), fill=VALUE_COLOUR)
    draw.text((56, 452), number_label, font=label_font, fill=LABEL_COLOUR)
    digits = _font(_first_existing(DIGIT_FONTS), 38)
    x = 300
    for char in face.number:
        draw.text((x, 444), char, font=digits, fill=VALUE_COLOUR)
        x += 27
    _portrait(draw, face)
    return card


def _pattern(draw: ImageDraw.ImageDraw) -> None:
    width, height = CARD_SIZE
    for row in range(0, height, 18):
        points = [(x, row + 6 * math.sin(x / 37 + row)) for x in range(0, width + 8, 8)]
        draw.line(points, fill=(222, 228, 226), width=1)


def _portrait(draw: ImageDraw.ImageDraw, face: CardFace) -> None:
    tone = (150, 156, 162) if face.sex == "男" else (166, 158, 160)
    draw.rectangle((580, 60, 810, 360), fill=(226, 230, 232))
    draw.ellipse((640, 100, 750, 230), fill=tone)
    draw.chord((600, 230, 790, 490), 180, 360, fill=tone)


def _mixed_text(draw: ImageDraw.ImageDraw, at: tuple[int, int], text: str, *, size: int, fill) -> None:
    """Text with characters outside the BMP drawn in the rare-character font, run by run."""
    x, y = at
    main, rare = _font(CJK_FONT, size), _font(_first_existing(RARE_FONTS), size)
    for char in text:
        font = rare if ord(char) > 0xFFFF else main
        draw.text((x, y), char, font=font, fill=fill)
        x += int(draw.textlength(char, font=font))


def _photograph(card: Image.Image, *, rng: random.Random) -> Image.Image:
    """The card on a desk, in perspective, turned, unevenly lit, slightly out of focus."""
    canvas_size = (1280, 960)
    desk = tuple(rng.randint(70, 200) for _ in range(3))
    canvas = Image.effect_noise(canvas_size, rng.uniform(8, 20)).convert("RGB")
    canvas = Image.blend(Image.new("RGB", canvas_size, desk), canvas, 0.15)
    scale = rng.uniform(1.05, 1.3)
    card = card.resize((int(CARD_SIZE[0] * scale), int(CARD_SIZE[1] * scale)), Image.Resampling.LANCZOS)
    left = (canvas_size[0] - card.width) // 2 + rng.randint(-40, 40)
    top = (canvas_size[1] - card.height) // 2 + rng.randint(-40, 40)
    canvas.paste(card, (left, top))

    # Perspective: each corner of the card moves by up to 4 % of the card's size.
    corners = [
        (left, top),
        (left + card.width, top),
        (left + card.width, top + card.height),
        (left, top + card.height),
    ]
    jitter = [
        (x + rng.uniform(-0.04, 0.04) * card.width, y + rng.uniform(-0.04, 0.04) * card.height)
        for x, y in corners
    ]
    canvas = canvas.transform(
        canvas_size,
        Image.Transform.PERSPECTIVE,
        _perspective_coefficients(jitter, corners),
        resample=Image.Resampling.BICUBIC,
        fillcolor=desk,
    )
    canvas = canvas.rotate(rng.uniform(-10, 10), resample=Image.Resampling.BICUBIC, fillcolor=desk)

    # Uneven light: darker towards one side, a soft highlight elsewhere.
    canvas = _uneven_light(canvas, rng=rng)
    return canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.3)))


def _uneven_light(image: Image.Image, *, rng: random.Random) -> Image.Image:
    import numpy as np

    height, width = image.height, image.width
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    along = (xs * math.cos(angle) + ys * math.sin(angle)) / math.hypot(width, height)
    along = (along - along.min()) / (along.max() - along.min())
    low = rng.uniform(0.55, 0.8)
    light = low + (1 - low) * along
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    glare = 0.25 * np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * (0.18 * width) ** 2)))
    pixels = np.asarray(image, dtype=np.float32)
    lit = pixels * light[..., None] + 255 * glare[..., None]
    return Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8))


def _perspective_coefficients(source, target) -> list[float]:
    """PIL's eight coefficients mapping each output point in ``source`` back to the input point in ``target``."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=float)
    values = np.array([coordinate for point in target for coordinate in point], dtype=float)
    return [float(c) for c in np.linalg.solve(matrix, values)]


@cache
def _font(path: Path | str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _first_existing(paths: tuple[str, ...]) -> str:
    for path in paths:
        if Path(path).exists():
            return path
    return str(CJK_FONT)
