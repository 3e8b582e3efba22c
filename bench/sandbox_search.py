"""How the sandbox's indexed searches scale: a phone, email and word search in a big org,
against a search that scans every record. A benchmark, not a test: run it by hand.

    python bench/sandbox_search.py [--records 100000] [--rounds 15]

The org gets ``--records`` extra contacts (filling it takes a few seconds per 10,000). Each
round sends, through the in-process transport (``Sandbox.handle``, everything but sockets):

- ``phone=`` with the caller's number, ``email=`` and ``word=`` (the indexed searches);
- the baseline: the same phone lookup written as ``criteria=(Phone:equals:...)``, which checks
  every record, as every search did before the index.

Rounds interleave the searches, and the median of each is kept, which damps noise from the
machine; only ratios measured in the same run are compared. Targets (exit status 1 when one is
missed): a phone and an email search answer at least ``INDEXED_MIN`` times faster than the
scan; a word search (``str.find`` over all records' text, not an index) at least
``WORD_MIN`` times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import httpx

from zoho_tools.sandbox import Sandbox

INDEXED_MIN = 50.0
WORD_MIN = 20.0


def fill(sb: Sandbox, records: int) -> None:
    for i in range(records):
        sb.create(
            "Contacts",
            {
                "First_Name": f"Caller{i}",
                "Last_Name": f"Bulk{i % 997}",
                "Phone": f"+1 (646) {i // 10000:03d}-{i % 10000:04d}",
                "Email": f"caller{i}@bulk.example",
                "Description": "created for the search benchmark",
            },
        )


def timer(client: httpx.Client, params: dict[str, str], expect: int) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        answer = client.get("/crm/v7/Contacts/search", params=params)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, answer.text
        assert answer.json()["info"]["count"] == expect, answer.json()["info"]
        return elapsed

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    sb = Sandbox(seed="demo")
    started = time.perf_counter()
    fill(sb, args.records)
    print(f"{args.records} contacts added in {time.perf_counter() - started:.1f} s")
    token = sb.issue_token()["access_token"]
    client = httpx.Client(
        transport=sb.transport(),
        base_url=sb.base_url,
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
    )
    target = args.records // 2
    caller = f"+1646{target // 10000:03d}{target % 10000:04d}"
    searches = {
        "phone": timer(client, {"phone": caller}, 1),
        "email": timer(client, {"email": f"Caller{target}@bulk.example"}, 1),
        "word": timer(client, {"word": f"caller{target} bulk{target % 997}"}, 1),
        "scan": timer(client, {"criteria": f"(Phone:equals:{caller})"}, 1),
    }
    for run in searches.values():  # build the index, warm caches
        run()
    samples: dict[str, list[float]] = {name: [] for name in searches}
    for _ in range(args.rounds):
        for name, run in searches.items():
            samples[name].append(run())
    median = {name: statistics.median(values) for name, values in samples.items()}
    for name, seconds in median.items():
        print(f"  {name:<6} {seconds * 1000:8.2f} ms  (median of {args.rounds})")

    ok = True
    for name, floor in (("phone", INDEXED_MIN), ("email", INDEXED_MIN), ("word", WORD_MIN)):
        ratio = median["scan"] / median[name]
        hit = ratio >= floor
        ok &= hit
        print(f"  {'ok  ' if hit else 'MISS'}  {name} vs scan: {ratio:7.1f}x faster (>= {floor}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
