"""Peak memory of a long run: the thinned trace against an unthinned one, measured in one run.

Issue 8 / conventions ("Traces"): ``optkit run gd --fn quartic --max-iter 300000
--lr 1e-6 --format json`` peaked at 1.6 GB.  Each measurement runs in a fresh
process (peak RSS, ``resource.getrusage``): optkit's trace as shipped
(``run/trace.py``: first and last 1,000 records, every m-th between), and the
baseline with thinning switched off (HEAD large enough to keep every record).
Target: under 100 MB for n ≤ 10, whatever --max-iter is.

Usage: python benchmarks/trace_memory.py [MAX_ITER]   (default 300000)
"""

from __future__ import annotations

import subprocess
import sys

CHILD = r"""
import json, resource, sys
import optkit
from optkit.run import trace
if sys.argv[2] == "unthinned":
    trace.HEAD = 10**9  # every record stays in the head: the trace before thinning
from optkit.run.driver import minimize
from optkit.render.output import json_text
result = minimize(optkit.get_problem("quartic"), "gd", lr=1e-6, max_iter=int(sys.argv[1]))
text = json_text(result.to_dict())
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "records": len(result.trace), "json_mb": len(text) / 2**20}))
"""


def measure(max_iter: int, mode: str) -> dict:
    import json

    out = subprocess.run([sys.executable, "-c", CHILD, str(max_iter), mode], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def main() -> None:
    max_iter = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    thinned, baseline = measure(max_iter, "thinned"), measure(max_iter, "unthinned")
    for name, m in (("thinned (optkit)", thinned), ("unthinned (baseline)", baseline)):
        print(f"{name:22s} peak {m['peak_mb']:8.1f} MB   records {m['records']:7d}   JSON {m['json_mb']:7.1f} MB")
    print(f"ratio thinned/unthinned peak memory: {thinned['peak_mb'] / baseline['peak_mb']:.3f} "
          f"(target: thinned under 100 MB)")


if __name__ == "__main__":
    main()
