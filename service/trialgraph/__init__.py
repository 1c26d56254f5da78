"""TrialGraph: the CD19/BCMA CAR-T lupus nephritis protocol as a knowledge graph."""

__version__ = "0.1.0"
