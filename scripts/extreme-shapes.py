#!/usr/bin/env python3
"""Writes the extreme-but-valid specs the work-bound benchmark runs
(scripts/bench-extreme.sh): each stresses one dimension of the engine's work.

    chain     10,000 services, each calling the next
    star      5,000 services called in turn by one blocking gateway
    diamond   181 services: an entry calling 179 in turn, each calling one sink
    fanout    three hops, each calling the next 1,000 times
    pool      one service of 100,000 replicas x 100,000 servers
"""
import os
import sys


def service(name, replicas=2, concurrency=8, ms=2.0, io="async"):
    return (f"  - {{ name: {name}, kind: service, replicas: {replicas}, "
            f"concurrency: {concurrency}, service_time_ms: {ms}, io: {io}, "
            f"cost_per_replica_hour: 0.1 }}\n")


def spec(name, rate, components, deps):
    out = [f"version: 1\nname: {name}\n",
           "targets: { p99_ms: 500, availability: 99.9, utilization_ceiling: 0.7,"
           " monthly_budget_usd: 1000000 }\n",
           f"workload:\n  classes:\n    - {{ name: main, rate_rps: {rate}, entry: c0 }}\n",
           "components:\n"]
    out += components
    out.append("dependencies:\n" if deps else "dependencies: []\n")
    out += [f"  - {{ from: {a}, to: {b}{extra} }}\n" for a, b, extra in deps]
    return "".join(out)


def chain(n=10_000):
    comps = [service(f"c{i}") for i in range(n)]
    deps = [(f"c{i}", f"c{i + 1}", "") for i in range(n - 1)]
    return spec("chain", 100, comps, deps)


def star(n=5_000):
    comps = [service("c0", replicas=50, concurrency=64, io="blocking")]
    comps += [service(f"c{i}") for i in range(1, n + 1)]
    deps = [("c0", f"c{i}", "") for i in range(1, n + 1)]
    return spec("star", 10, comps, deps)


def diamond(width=179):
    comps = [service("c0", replicas=4)] + [service(f"c{i}") for i in range(1, width + 1)]
    comps.append(service(f"c{width + 1}", replicas=200))
    deps = [("c0", f"c{i}", "") for i in range(1, width + 1)]
    deps += [(f"c{i}", f"c{width + 1}", "") for i in range(1, width + 1)]
    return spec("diamond", 100, comps, deps)


def fanout(hops=3, calls=1000):
    comps = [service(f"c{i}", replicas=20, concurrency=64, ms=0.001) for i in range(hops + 1)]
    deps = [(f"c{i}", f"c{i + 1}", f", calls: {calls}") for i in range(hops)]
    return spec("fanout", 0.001, comps, deps)


def pool():
    return spec("pool", 1_000_000, [service("c0", replicas=100_000, concurrency=100_000)], [])


SHAPES = {"chain": chain, "star": star, "diamond": diamond, "fanout": fanout, "pool": pool}

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    for name, make in SHAPES.items():
        with open(os.path.join(out, f"{name}.yaml"), "w") as f:
            f.write(make())
        print(os.path.join(out, f"{name}.yaml"))
