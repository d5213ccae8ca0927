"""Ciw side of the peer benchmark: the two models as Ciw networks, N customers
(simulate_until_max_customers, method "Finish"). Prints one JSON line. Times in ms.

python ciw_models.py mm4|tandem N
"""
import json
import resource
import sys
import time

import ciw


def run(model, n, seed=1):
    if model == "mm4":
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate=0.35)],
            service_distributions=[ciw.dists.Exponential(rate=0.1)],
            number_of_servers=[4],
        )
    else:
        network = ciw.create_network(
            arrival_distributions=[
                ciw.dists.Exponential(rate=0.1),
                None,
                None,
            ],
            service_distributions=[
                ciw.dists.Exponential(rate=1 / 4.0),
                ciw.dists.Exponential(rate=1 / 12.5),
                ciw.dists.Exponential(rate=1 / 8.0),
            ],
            routing=[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]],
            number_of_servers=[1, 2, 1],
        )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    t0 = time.perf_counter()
    q.simulate_until_max_customers(n, method="Finish")
    secs = time.perf_counter() - t0
    done = len(q.nodes[-1].all_individuals)
    return {
        "engine": "ciw",
        "model": model,
        "customers": done,
        "seconds": secs,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]))))
