"""SimPy side of the peer benchmark: the two models, N customers, one process per
customer (SimPy's idiom). Prints one JSON line. Times in ms.

python simpy_models.py mm4|tandem N
"""
import json
import resource
import random
import sys
import time

import simpy


def run(model, n, seed=1):
    rng = random.Random(seed)
    env = simpy.Environment()
    if model == "mm4":
        rate, stations = 0.35, [(4, 10.0)]
    else:
        rate, stations = 0.1, [(1, 4.0), (2, 12.5), (1, 8.0)]
    resources = [(simpy.Resource(env, capacity=c), s) for c, s in stations]
    stats = {"done": 0, "sum": 0.0}

    def customer():
        start = env.now
        for res, mean in resources:
            with res.request() as req:
                yield req
                yield env.timeout(rng.expovariate(1.0 / mean))
        stats["done"] += 1
        stats["sum"] += env.now - start

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(rate))
            env.process(customer())

    env.process(source())
    t0 = time.perf_counter()
    env.run()
    secs = time.perf_counter() - t0
    return {
        "engine": "simpy",
        "model": model,
        "customers": stats["done"],
        "seconds": secs,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "mean_latency_ms": stats["sum"] / max(stats["done"], 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]))))
