"""Recognition benchmark: synthetic ID-card photos read and parsed, warm, on one core.

    .venv/bin/python bench/ocr_bench.py [--count 200] [--seed 11] [--show-misses]

Prints the exact-match rate for the number and for the name (also over names without characters the
engine cannot know), what the comparison tells an applicant who typed the name right (一致, 除生僻字外一致
or wrongly 不一致), the other fields, and seconds per image (median, p95). The images are made by
``kuaiji.recognition.synthetic``: rotation up to 10°, perspective, blur, uneven light, JPEG quality 60.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("KUAIJI_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuaiji.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from kuaiji.recognition import engine
    from kuaiji.recognition.matching import FieldMatch, compare_name, names_match_exactly, unknown_characters
    from kuaiji.recognition.parsing import parse_card
    from kuaiji.recognition.synthetic import card_photo, fake_card_face

    rng = random.Random(args.seed)
    cards = [
        (face, card_photo(face, rng=rng)) for face in (fake_card_face(rng=rng) for _ in range(args.count))
    ]
    engine.read_lines(cards[0][1])  # warm: load the models once, as a worker does

    # The baseline, in the same run: what the upload request already does to each photo (check, decode,
    # re-encode: kuaiji.core.images), so a reading is priced in what the app servers pay per photo.
    import io

    from kuaiji.core.images import clean_image_upload

    upload_seconds = []
    for _face, photo in cards:
        started = time.perf_counter()
        clean_image_upload(io.BytesIO(photo))
        upload_seconds.append(time.perf_counter() - started)

    seconds, numbers, names, plain_names, plain_total, fields = (
        [],
        0,
        0,
        0,
        0,
        dict.fromkeys(("sex", "ethnicity", "birth_date", "address"), 0),
    )
    # What the applicant who typed their name right is told: the same, the same but for a rare character
    # (left to the reviewer), or wrongly that it differs.
    told = dict.fromkeys(FieldMatch, 0)
    for face, photo in cards:
        started = time.perf_counter()
        read = parse_card(engine.read_lines(photo))
        seconds.append(time.perf_counter() - started)
        numbers += read.number == face.number
        name_ok = names_match_exactly(face.name, read.name)
        names += name_ok
        told[compare_name(face.name, read.name)] += 1
        if not unknown_characters(face.name):
            plain_total += 1
            plain_names += name_ok
        for field in fields:
            fields[field] += getattr(read, field) == getattr(face, field)
        if args.show_misses and (read.number != face.number or not name_ok):
            print(f"  miss: {face.name} {face.number} → {read.name} {read.number}")

    count = len(cards)
    p95 = statistics.quantiles(seconds, n=20)[-1]
    print(f"engine: {engine.engine_name()}, {count} images, one thread")
    print(f"number exact: {numbers}/{count} = {numbers / count:.1%}")
    print(
        f"name exact:   {names}/{count} = {names / count:.1%} "
        f"(without characters the engine cannot know: {plain_names}/{plain_total} = {plain_names / plain_total:.1%})"
    )
    print(
        "name as the applicant is told: "
        + ", ".join(f"{FieldMatch(outcome).label} {hits}" for outcome, hits in told.items() if hits)
    )
    print("other fields: " + ", ".join(f"{field} {hits / count:.1%}" for field, hits in fields.items()))
    print(f"seconds per image: median {statistics.median(seconds):.3f}, p95 {p95:.3f}")
    baseline = statistics.median(upload_seconds)
    print(
        f"the upload's own check and re-encode of the same photo: median {baseline:.3f} s; "
        f"a reading costs {statistics.median(seconds) / baseline:.0f}× it"
    )
    import resource

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process (the models loaded, {count} photos held): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
