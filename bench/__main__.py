"""Benchmarks: `make bench` (or `python -m bench [name …]`). Each prints its numbers as ratios against a
baseline measured in the same run, because the machines are noisy. Not part of the test suite.

Names: accounts, pdf, portrait, collection (runs on the configured database: SQLite, or PostgreSQL when
DATABASE_URL is set), review (PostgreSQL only: a province's archive loaded into a database of its own),
hot (alias api; PostgreSQL only: every hot request under concurrent load through gunicorn, as a share
of a bare endpoint's throughput, on a database of its own), import (PostgreSQL only: an old register
checked and imported, against COPY of the same rows).
"""

import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuaiji.settings")
    os.environ.setdefault("KUAIJI_ENV", "test")
    import django

    django.setup()
    from bench import (
        accounts_bench,
        api_bench,
        collection_bench,
        import_bench,
        pdf_bench,
        portrait_bench,
        review_bench,
    )

    benches = {
        "accounts": accounts_bench.run,
        "pdf": pdf_bench.run,
        "portrait": portrait_bench.run,
        "collection": collection_bench.run,
        "review": review_bench.run,
        "import": import_bench.run,
        "hot": api_bench.run,
        "api": api_bench.run,
    }
    unknown = set(argv) - set(benches)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {', '.join(benches)}")
        return 2
    for name, run in benches.items():
        if (not argv and name != "api") or name in argv:
            run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
