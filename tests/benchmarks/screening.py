"""Screening benchmark: `trialgraph screen` end to end (FHIR bundles in, JSON decisions out).

    python tests/benchmarks/screening.py            # 1,000 and 10,000 patients
    python tests/benchmarks/screening.py 500 2000   # other sizes

For each size it generates synthetic bundles (`trialgraph generate`, not timed), runs the
screen command in a child process and prints patients per second and the peak memory of the
largest process of the run. Target (issue 3): 10,000 patients in under 60 s on 2 cores.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2025-06-01"
TRIALGRAPH = [sys.executable, "-m", "trialgraph"]


def benchmark(count: int, folder: Path) -> str:
    """Generate `count` patients into the folder, screen them, return one line of figures."""
    subprocess.run(
        [*TRIALGRAPH, "generate", str(count), str(folder), "--seed", "3", "--as-of", AS_OF],
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        screen = subprocess.Popen(
            [*TRIALGRAPH, "screen", str(folder), "--as-of", AS_OF, "--format", "json"],
            stdout=output,
            stderr=errors,
        )
        _, status, usage = os.wait4(screen.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            sys.exit(f"screen failed ({status}): {errors.read().decode()[-2000:]}")
        output.seek(0)
        screened = len(json.load(output)["patients"])
    if screened != count:
        sys.exit(f"screened {screened} of {count} patients")
    peak_mb = usage.ru_maxrss / 1024
    return (
        f"{count:>6} patients  {seconds:6.1f} s  {count / seconds:6.0f} patients/s  "
        f"peak memory {peak_mb:4.0f} MB (largest process of the run)"
    )


def main(sizes: list[int]) -> None:
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="trialgraph-bench-") as folder:
            print(benchmark(count, Path(folder)), flush=True)


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [1000, 10000])
