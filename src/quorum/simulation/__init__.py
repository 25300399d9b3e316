"""`quorum simulate`: a crowd of known quality works a real dataset through the HTTP API."""

from quorum.simulation.crowd import Crowd, Dataset, load_dataset, make_crowd
from quorum.simulation.run import Plan, simulate

__all__ = ["Crowd", "Dataset", "Plan", "load_dataset", "make_crowd", "simulate"]
