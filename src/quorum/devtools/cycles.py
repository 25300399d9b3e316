"""Count the import cycles among Quorum's modules: `python -m quorum.devtools.cycles`.

Every import counts, including those inside functions and under TYPE_CHECKING, since a cycle
held together by a late import is still a cycle. Prints each cycle (a strongly connected set of
modules, with one import chain through it) and exits 1 if there is any.
"""

from __future__ import annotations

import sys

import grimp
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components


def import_graph(package: str = "quorum") -> grimp.ImportGraph:
    """Every import among the package's modules (no cache: the answer is about the tree now)."""
    return grimp.build_graph(package, exclude_type_checking_imports=False, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The module sets that import one another in a circle, largest first."""
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    edges = [
        (index[m], index[i])
        for m in modules
        for i in graph.find_modules_directly_imported_by(m)
        if i in index
    ]
    rows, cols = zip(*edges, strict=True) if edges else ((), ())
    adjacency = csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(modules),) * 2)
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for module, label in zip(modules, labels, strict=True):
        groups.setdefault(int(label), []).append(module)
    return sorted((g for g in groups.values() if len(g) > 1), key=len, reverse=True)


def main() -> int:
    graph = import_graph()
    found = cycles(graph)
    for group in found:
        chain = graph.find_shortest_chain(importer=group[0], imported=group[1]) or ()
        back = graph.find_shortest_chain(importer=group[1], imported=group[0]) or ()
        print(f"cycle of {len(group)} modules: {', '.join(group)}")
        print(f"  {' -> '.join(chain)} -> ... -> {' -> '.join(back[1:])}")
    print(f"{len(found)} import cycles among modules of quorum")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
