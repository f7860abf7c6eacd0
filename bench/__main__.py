"""Benchmarks: `make bench` (or `python -m bench`). Each prints its numbers as ratios against a baseline
measured in the same run, because the machines are noisy. Not part of the test suite."""

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuaiji.settings")
    os.environ.setdefault("KUAIJI_ENV", "test")
    import django

    django.setup()
    from bench import accounts_bench, pdf_bench, portrait_bench

    accounts_bench.run()
    pdf_bench.run()
    portrait_bench.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
