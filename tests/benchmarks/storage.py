"""Disk use of the store under repeated writes of the same patients (issue 9): N patients are
stored, then re-stored one at a time (as `PUT /patients/{id}` does) R times in all; the size of
the data folder is printed before and after, with the time taken.

    python tests/benchmarks/storage.py [PATIENTS] [RE-PUTS]     (default: 300 2000)
"""

import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from trialgraph.fhir import map_fhir
from trialgraph.loading import put_records
from trialgraph.store import open_store
from trialgraph.synthetic import baseline_bundle


def size_mb(folder: Path) -> float:
    found = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return int(found.stdout.split()[0]) / 1024


def main(patients: int, puts: int) -> None:
    as_of, screening = date(2025, 6, 1), date(2025, 3, 2)
    records = [
        map_fhir(json.dumps(baseline_bundle(f"disk-{n:04d}", screening)), "bench")
        for n in range(patients)
    ]
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        data = Path(folder)
        store = open_store(data / "store", data / "snapshots")
        for start in range(0, patients, 50):
            put_records(store, records[start : start + 50], as_of)
        before = size_mb(data)
        started, peak = time.monotonic(), before
        for index in range(puts):
            put_records(store, [records[index % patients]], as_of)
            if index % 50 == 49:
                peak = max(peak, size_mb(data))
        took = time.monotonic() - started
        after = size_mb(data)
        store.close()
        del store
        print(f"{patients} patients: {before:.0f} MB; after {puts} re-PUTs: {after:.0f} MB, "
              f"{peak:.0f} MB at most ({took:.0f} s, {puts / took:.1f} PUTs/s)")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    main(*(arguments + [300, 2000][len(arguments):]))
