"""The scenario catalogue: every scenario, criterion by criterion."""

from trialgraph.synthetic.exclusion import EX1, EX2, EX3, EX4, EX5, EX6, EX7, EX8, EX9, EX10, EX11
from trialgraph.synthetic.inclusion import IN1, IN2, IN3, IN4, IN5, IN6, IN7
from trialgraph.synthetic.scenarios import Scenario

SCENARIOS: list[Scenario] = [
    *IN1, *IN2, *IN3, *IN4, *IN5, *IN6, *IN7,
    *EX1, *EX2, *EX3, *EX4, *EX5, *EX6, *EX7, *EX8, *EX9, *EX10, *EX11,
]  # fmt: skip
"""Every scenario, criterion by criterion."""
